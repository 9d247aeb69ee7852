import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { CodeBlock } from './CodeBlock.js';

describe('CodeBlock', () => {
  it('shows ordinary text whole', () => {
    render(<CodeBlock label="Claims" what="claims" text={'{"a":1}'} />);
    expect(screen.getByRole('group', { name: 'Claims' }).textContent).toBe('{"a":1}');
    expect(screen.queryByRole('button', { name: /Show all/ })).toBeNull();
  });

  it('shortens very long text, shows it all on request, and always copies all of it', async () => {
    const user = userEvent.setup();
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const text = `${'x'.repeat(30_000)}END`;
    render(<CodeBlock label="Claims" what="claims" text={text} />);
    const block = screen.getByRole('group', { name: 'Claims' });
    expect(block.textContent!.length).toBeLessThan(5_000);
    expect(block.textContent).not.toContain('END');
    await user.click(screen.getByRole('button', { name: 'Copy claims' }));
    expect(writeText).toHaveBeenCalledWith(text);
    await user.click(screen.getByRole('button', { name: 'Show all (30,003 characters)' }));
    expect(block.textContent).toBe(text);
  });

  it('shows hidden characters as markers but copies the exact text', async () => {
    const user = userEvent.setup();
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const text = '{"error_description":"bad \u202Etnemugra"}';
    render(<CodeBlock label="Body" what="body" text={text} />);
    const block = screen.getByRole('group', { name: 'Body' });
    expect(block.textContent).toBe('{"error_description":"bad ⟨U+202E⟩tnemugra"}');
    const copy = screen.getByRole('button', { name: 'Copy body' });
    expect(copy.getAttribute('title')).toMatch(/exact text, invisible characters included/);
    await user.click(copy);
    expect(writeText).toHaveBeenCalledWith(text);
  });
});
