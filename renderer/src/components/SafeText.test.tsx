import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ChecksList } from './ChecksList.js';
import { ErrorAlert } from './ErrorAlert.js';
import { HeadersTable } from './HeadersTable.js';
import { KeyValueList } from './KeyValueList.js';
import { EXACT_COPY_TITLE, SafeText } from './SafeText.js';
import { ScopeDiffView } from './ScopeDiffView.js';
import { VerificationStatus } from './VerificationStatus.js';

const RLO = '\u202E';

describe('SafeText', () => {
  it('shows ordinary text as it is, with no markers', () => {
    const { container } = render(
      <p>
        <SafeText text="invalid_client: مرحبا שלום 👍🏽" />
      </p>,
    );
    expect(container.textContent).toBe('invalid_client: مرحبا שלום 👍🏽');
    expect(container.querySelector('.invisible-char')).toBeNull();
  });

  it('draws a right-to-left override as a named marker, never raw', () => {
    const { container } = render(
      <p data-testid="p">
        <SafeText text={`invoice${RLO}gpj.exe`} />
      </p>,
    );
    const p = screen.getByTestId('p');
    expect(p.textContent).toBe('invoice⟨U+202E⟩gpj.exe');
    expect(p.textContent).not.toContain(RLO);
    const marker = container.querySelector('span.invisible-char')!;
    expect(marker.textContent).toBe('⟨U+202E⟩');
    expect(marker.getAttribute('title')).toBe('RIGHT-TO-LEFT OVERRIDE (U+202E)');
    expect(marker.getAttribute('aria-label')).toBe('RIGHT-TO-LEFT OVERRIDE (U+202E)');
    expect(screen.getByLabelText('RIGHT-TO-LEFT OVERRIDE (U+202E)')).toBe(marker);
  });

  it('marks each hidden character: zero-width, tag characters, control characters', () => {
    const { container } = render(
      <p>
        <SafeText text={'a\u200Bb\u{E0041}c\u0000d\u2066e'} />
      </p>,
    );
    expect(container.textContent).toBe('a⟨U+200B⟩b⟨U+E0041⟩c⟨U+0000⟩d⟨U+2066⟩e');
    const titles = [...container.querySelectorAll('.invisible-char')].map((m) =>
      m.getAttribute('title'),
    );
    expect(titles).toEqual([
      'ZERO WIDTH SPACE (U+200B)',
      'TAG LATIN CAPITAL LETTER A (U+E0041)',
      'NULL (U+0000)',
      'LEFT-TO-RIGHT ISOLATE (U+2066)',
    ]);
  });
});

describe('server text in the shared components', () => {
  it('reveals a hidden character in headers, key/value values, errors, checks and scopes', () => {
    const { container } = render(
      <>
        <HeadersTable headers={[['www-authenticate', `Bearer error="${RLO}x"`]]} caption="H" />
        <KeyValueList items={[{ label: 'Issuer', value: `https://evil${RLO}.example` }]} />
        <ErrorAlert
          error={{ code: 'INVALID_INPUT', message: `invalid_grant: code ${RLO}expired`, fix: 'x' }}
        />
        <ChecksList checks={[{ name: 'state', ok: false, detail: `got ${RLO}abc` }]} label="C" />
        <VerificationStatus
          verification={{ status: 'failed', message: `kid ${RLO}k1 not found` }}
        />
        <ScopeDiffView
          diff={{ requested: [], granted: [`patient/${RLO}*.read`], missing: [], extra: [] }}
        />
      </>,
    );
    expect(container.textContent).not.toContain(RLO);
    expect(container.querySelectorAll('.invisible-char')).toHaveLength(6);
    expect(container.textContent).toContain('Bearer error="⟨U+202E⟩x"');
    expect(container.textContent).toContain('https://evil⟨U+202E⟩.example');
    expect(container.textContent).toContain('invalid_grant: code ⟨U+202E⟩expired');
  });

  it('copies the exact text, hidden characters included, and says so', async () => {
    const user = userEvent.setup();
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const issuer = `https://evil${RLO}.example`;
    render(<KeyValueList items={[{ label: 'Issuer', value: issuer, copy: issuer }]} />);
    const button = screen.getByRole('button', { name: 'Copy Issuer' });
    expect(button.getAttribute('title')).toBe(EXACT_COPY_TITLE);
    await user.click(button);
    expect(writeText).toHaveBeenCalledWith(issuer);
  });
});
