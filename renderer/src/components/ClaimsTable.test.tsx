import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ClaimsTable } from './ClaimsTable.js';

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
});
