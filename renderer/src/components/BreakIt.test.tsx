import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp, renderAuthApp } from '../test-utils.js';

const region = () => screen.getByRole('region', { name: 'Token request' });

describe('Break it', () => {
  it('breaks aud on the real engine: the server refuses, and the finding names the expected cause first', async () => {
    const { user, calls, backend } = await renderApp({ step: 'token-request' });
    await user.click(within(region()).getByText('Break it'));
    // The breaks that fit backend services with private_key_jwt, one line each.
    const choices = within(region()).getByRole('group', { name: 'Mistake to make' });
    expect(
      within(choices)
        .getAllByRole('radio')
        .map((r) => (r as HTMLInputElement).value),
    ).toEqual(['aud', 'exp', 'jti-reuse', 'alg', 'kid', 'iss-sub', 'scope']);
    expect(choices.textContent).toContain('aud names another URL than the token endpoint.');
    const go = within(region()).getByRole('button', { name: 'Prepare broken request' });
    expect((go as HTMLButtonElement).disabled).toBe(true);

    await user.click(within(choices).getByLabelText(/^aud \(assertion\)/));
    await user.click(go);
    expect(calls('prepareTokenRequest')).toEqual([[{ profileId: backend!.id, break: 'aud' }]]);
    const before = screen.getByRole('region', { name: 'Break it result' });
    expect(before.textContent).toContain('aud is https://wrong.example/token');
    expect(before.textContent).toContain('ASSERTION_AUD_MISMATCH');
    expect(before.textContent).toContain('Send it to see');

    await user.click(within(region()).getByRole('button', { name: 'Send request' }));
    expect((await screen.findByLabelText('Token response')).textContent).toContain('HTTP 401');
    const card = screen.getByRole('region', { name: 'Break it result' });
    expect(within(card).getByText(/^Match:/).textContent).toBe(
      'Match: the diagnosis named the expected cause first.',
    );
    const named = within(card).getByText('Named first').closest('.kv-row')!;
    expect(named.textContent).toContain('ASSERTION_AUD_MISMATCH');
    // The finding itself: first in the list, with the server's real answer above it.
    const findings = within(region()).getByRole('list', { name: 'Findings' });
    expect(findings.querySelector('li .finding-code')?.textContent).toBe('ASSERTION_AUD_MISMATCH');
    expect(
      within(region()).getByRole('group', { name: 'Response body (tokens masked)' }).textContent,
    ).toContain('invalid_client');
  });

  it('lists the code-flow breaks beside the authorize request', async () => {
    const { user } = await renderAuthApp({ step: 'authorize' });
    const step = screen.getByRole('region', { name: 'Authorize' });
    await user.click(within(step).getByText('Break it'));
    const choices = within(step).getByRole('group', { name: 'Mistake to make' });
    expect(
      within(choices)
        .getAllByRole('radio')
        .map((r) => (r as HTMLInputElement).value),
    ).toEqual(['scope', 'verifier', 'redirect-uri', 'state']);
    expect(within(step).getByRole('button', { name: 'Authorize with this mistake' })).toBeTruthy();
  });
});
