import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { GLOSSARY } from '../../../shared/diagnosis/glossary.js';
import { useApp } from '../store/index.js';
import { renderApp } from '../test-utils.js';

const dialog = () => screen.getByRole('dialog', { name: 'Glossary of causes' });
const page = (code: string) => within(dialog()).getByRole('article', { name: `Glossary: ${code}` });

afterEach(() => window.history.replaceState(null, '', window.location.pathname));

describe('Glossary', () => {
  it('opens the page of a finding’s code from the findings, with meaning, why, fix and sources', async () => {
    const { user } = await renderApp({
      step: 'token-request',
      before: () => useApp.getState().prepareBrokenRequest('exp'),
    });
    const step = screen.getByRole('region', { name: 'Token request' });
    await user.click(within(step).getByRole('button', { name: 'Send request' }));
    const findings = await within(step).findByRole('list', { name: 'Findings' });
    const link = within(findings).getAllByRole('link', { name: 'ASSERTION_EXPIRED' })[0]!;
    expect(link.getAttribute('href')).toBe('#glossary/ASSERTION_EXPIRED');

    await user.click(link);
    const article = page('ASSERTION_EXPIRED');
    expect(article.textContent).toContain('Assertion has expired');
    for (const part of ['What it means', 'Why it happens', 'How to fix it', 'Sources'])
      expect(within(article).getByRole('heading', { name: part })).toBeTruthy();
    expect(within(article).getByRole('list', { name: 'Sources' }).textContent).toContain(
      'RFC 7523 §3',
    );
    expect(article.textContent).toContain('Try it: the exp toggle of Break it');
    // A deep link to the page shown; the page's heading has the focus.
    expect(window.location.hash).toBe('#glossary/ASSERTION_EXPIRED');
    expect(document.activeElement?.textContent).toBe('ASSERTION_EXPIRED');

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(window.location.hash).toBe('');
    expect(document.activeElement).toBe(link);
  });

  it('opens from the step rail, and search finds a cause by a word of it', async () => {
    const { user } = await renderApp({ step: 'profile' });
    await user.click(screen.getByRole('link', { name: 'Glossary of causes' }));
    const search = within(dialog()).getByLabelText('Search the glossary');
    expect(document.activeElement).toBe(search);
    expect(within(dialog()).getByText(/^\d+ causes$/).textContent).toBe(
      `${GLOSSARY.length} causes`,
    );

    await user.type(search, 'verifier');
    const hits = within(dialog()).getAllByRole('button', { name: /PKCE_MISMATCH/ });
    expect(hits).toHaveLength(1);
    await user.click(hits[0]!);
    expect(page('PKCE_MISMATCH').textContent).toContain('code_verifier does not match');

    await user.clear(search);
    await user.type(search, 'no-such-cause-here');
    expect(within(dialog()).getByText(/No cause matches/).textContent).toContain(
      'no-such-cause-here',
    );
    // Modal: Shift+Tab from the first control stays in the dialog.
    const close = within(dialog()).getByRole('button', { name: 'Close glossary' });
    close.focus();
    await user.tab({ shift: true });
    expect(document.activeElement).not.toBe(close);
    expect(dialog().contains(document.activeElement)).toBe(true);
    await user.click(close);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('opens the page a #glossary/CODE link names', async () => {
    window.history.replaceState(null, '', '#glossary/STATE_MISMATCH');
    await renderApp({ step: 'profile' });
    expect(page('STATE_MISMATCH').textContent).toContain('state mismatch');
  });
});
