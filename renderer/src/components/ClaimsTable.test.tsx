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
});
