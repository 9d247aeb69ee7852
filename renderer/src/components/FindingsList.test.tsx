import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { finding } from '../../../shared/diagnosis/catalog.js';
import { FindingsList } from './FindingsList.js';

describe('FindingsList', () => {
  it('says what each finding rests on, in words, with the meaning on hover', () => {
    render(
      <FindingsList
        findings={[
          finding('CLIENT_SECRET_INVALID', 'Keycloak says the secret is wrong.', {
            basis: 'server',
          }),
          finding('ASSERTION_JTI_REUSED', 'jti j1 was sent before.', { basis: 'history' }),
          finding('CLIENT_UNKNOWN', 'A wrong client_id gives the same answer.', {
            basis: 'inference',
          }),
        ]}
        where="evidence"
      />,
    );
    const list = screen.getByRole('list', { name: 'Findings' });
    const items = [...list.querySelectorAll('li')].map(
      (li) => li.querySelector('.basis')?.textContent,
    );
    expect(items).toEqual(['The server said', 'Earlier in the evidence', 'Inferred']);
    expect(screen.getByText('Inferred').getAttribute('title')).toMatch(/server gave no reason/);
  });

  it('shows a right-to-left override in the evidence as a marker, not raw', () => {
    const { container } = render(
      <FindingsList
        findings={[
          finding('CLIENT_SECRET_INVALID', 'error_description: "secret for invoice\u202Egpj.exe"', {
            basis: 'server',
          }),
        ]}
      />,
    );
    const evidence = container.querySelector('.finding-evidence')!;
    expect(evidence.textContent).toBe(
      'Evidence: error_description: "secret for invoice⟨U+202E⟩gpj.exe"',
    );
    expect(evidence.textContent).not.toContain('\u202E');
    expect(evidence.querySelector('.invisible-char')?.getAttribute('aria-label')).toBe(
      'RIGHT-TO-LEFT OVERRIDE (U+202E)',
    );
  });
});
