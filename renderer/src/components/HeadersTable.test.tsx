import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HeadersTable } from './HeadersTable.js';

describe('HeadersTable', () => {
  it('is a table of name and value rows for screen readers, also where it stacks', () => {
    render(
      <HeadersTable
        headers={[
          ['content-type', 'application/json'],
          ['www-authenticate', 'Bearer error="invalid_token"'],
        ]}
        caption="Response headers"
      />,
    );
    const table = screen.getByRole('table', { name: 'Response headers' });
    // The stacking styles hang on this class; the roles keep the table whatever the display.
    expect(table.classList.contains('table-stack-narrow')).toBe(true);
    const row = within(table).getByRole('row', { name: /www-authenticate/ });
    expect(within(row).getByRole('rowheader').textContent).toBe('www-authenticate');
    expect(within(row).getByRole('cell').textContent).toBe('Bearer error="invalid_token"');
  });

  it('says so when there are no headers', () => {
    render(<HeadersTable headers={[]} caption="Response headers" />);
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText('No headers.')).toBeTruthy();
  });
});
