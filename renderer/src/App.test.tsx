import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { STEPS } from './store/steps.js';
import { renderApp } from './test-utils.js';

describe('App', () => {
  it('lists every step in the rail and shows each as a named region', async () => {
    const { user } = await renderApp();
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    const buttons = within(rail).getAllByRole('button');
    expect(buttons.map((b) => b.textContent?.replace(/^\d+/, ''))).toEqual(
      STEPS.map((s) => s.title),
    );
    expect(screen.getByRole('region', { name: 'Profile' })).toBeTruthy();

    for (const step of STEPS) {
      const button = within(rail).getByRole('button', { name: step.title });
      await user.click(button);
      expect(button.getAttribute('aria-current')).toBe('step');
      const region = screen.getByRole('region', { name: step.title });
      expect(within(region).getByRole('heading', { level: 2 }).textContent).toBe(step.title);
    }
    expect(
      within(rail).getByRole('button', { name: 'Profile' }).getAttribute('aria-current'),
    ).toBeNull();
  });

  it('toggles the theme on <html>', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Dark theme' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    await user.click(screen.getByRole('button', { name: 'Light theme' }));
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('shows an error Result as an alert with its message and fix', async () => {
    await renderApp({
      handlers: {
        listProfiles: () => ({
          ok: false,
          error: {
            code: 'FILE_ERROR',
            message: 'The profile store is unreadable.',
            fix: 'Move profiles.json aside and restart.',
          },
        }),
      },
    });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The profile store is unreadable.');
    expect(alert.textContent).toContain('Move profiles.json aside and restart.');
  });

  it('shows the empty timeline state', async () => {
    await renderApp();
    const timeline = screen.getByRole('complementary', { name: 'Timeline' });
    expect(timeline.textContent).toContain(
      'No exchanges yet — run a step to see the requests here',
    );
  });
});
