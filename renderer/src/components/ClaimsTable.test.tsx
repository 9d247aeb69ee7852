import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { explainClaims } from '../../../shared/jwt-view.js';
import { ClaimsTable } from './ClaimsTable.js';
import { relativeTime } from './format.js';

describe('ClaimsTable', () => {
  it('shortens very long values and shows them in full on request', async () => {
    const long = 'x'.repeat(5000);
    render(<ClaimsTable claims={[{ name: 'blob', value: long, meaning: 'Custom claim.' }]} />);
    expect(screen.queryByText(long)).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Show all (5,000 characters)' }));
    expect(screen.getByText(long)).toBeTruthy();
  });

  it('shows hidden characters in a claim value as markers', () => {
    render(
      <ClaimsTable
        claims={[{ name: 'sub', value: 'admin\u202E\u200Bnimda', meaning: 'Subject.' }]}
      />,
    );
    const cell = screen.getByRole('row', { name: /sub/ });
    expect(cell.textContent).toContain('admin⟨U+202E⟩⟨U+200B⟩nimda');
    expect(cell.textContent).not.toContain('\u202E');
    expect(screen.getByTitle('RIGHT-TO-LEFT OVERRIDE (U+202E)')).toBeTruthy();
    expect(screen.getByTitle('ZERO WIDTH SPACE (U+200B)')).toBeTruthy();
  });

  it('shows each token kind with its own explanations, past times as “… ago”', () => {
    const now = 1_800_000_000;
    const claims = { aud: 'https://fhir.example', iat: now, exp: now + 60 };
    const { unmount } = render(
      <ClaimsTable claims={explainClaims(claims, now, 'access_token')} caption="Access token" />,
    );
    const row = (name: string) => screen.getByRole('row', { name: new RegExp(`^${name}\\b`) });
    expect(row('aud').textContent).toContain('resource server');
    expect(row('aud').textContent).not.toMatch(/assertion/i);
    expect(row('iat').textContent).toContain('(0 s ago)');
    expect(row('exp').textContent).toContain('(in 1 min 0 s)');
    unmount();
    render(<ClaimsTable claims={explainClaims(claims, now, 'client_assertion')} />);
    expect(row('aud').textContent).toContain('token endpoint URL');
  });
});

describe('relativeTime', () => {
  it('reads past times as “… ago” (now is “0 s ago”) and future ones as “in …”', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(relativeTime(now, now)).toBe('0 s ago');
    expect(relativeTime(now - 12_000, now)).toBe('12 s ago');
    expect(relativeTime(now - 180_000, now)).toBe('3 min ago');
    expect(relativeTime(now + 12_000, now)).toBe('in 12 s');
    expect(relativeTime(now + 400, now)).toBe('0 s ago');
  });
});
