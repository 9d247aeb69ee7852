import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useApp } from './store/index.js';
import { STEPS, stepsForFlow } from './store/steps.js';
import { renderApp } from './test-utils.js';

describe('App', () => {
  it('lists the steps of the profile’s flow in the rail and shows each as a named region', async () => {
    const { user } = await renderApp();
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    const buttons = within(rail).getAllByRole('button');
    const steps = stepsForFlow('backend-services');
    expect(buttons.map((b) => b.textContent?.replace(/^\d+/, ''))).toEqual(
      steps.map((s) => s.title),
    );
    expect(steps.map((s) => s.id)).toContain('registration');
    expect(steps.map((s) => s.id)).not.toContain('authorize');
    expect(screen.getByRole('region', { name: 'Profile' })).toBeTruthy();

    for (const step of steps) {
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

  it('shows Authorize only for the authorization code flow, and every step renders', async () => {
    const { user, auth } = await renderApp({ profiles: ['backend', 'auth'] });
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    expect(within(rail).queryByRole('button', { name: 'Authorize' })).toBeNull();
    await user.click(screen.getByRole('button', { name: /Patient app/ }));
    expect(useApp.getState().activeProfileId).toBe(auth!.id);
    const titles = within(rail)
      .getAllByRole('button')
      .map((b) => b.textContent?.replace(/^\d+/, ''));
    const steps = stepsForFlow('authorization-code');
    expect(titles).toEqual(steps.map((s) => s.title));
    expect(titles).toContain('Authorize');
    // Every step but the device sign-in (a flow of its own) belongs to this flow.
    expect(STEPS.filter((s) => !steps.includes(s)).map((s) => s.id)).toEqual(['device']);
    expect(stepsForFlow('password').map((s) => s.id)).not.toContain('authorize');
    for (const step of steps) {
      await user.click(within(rail).getByRole('button', { name: step.title }));
      const region = screen.getByRole('region', { name: step.title });
      expect(within(region).getByRole('heading', { level: 2 }).textContent).toBe(step.title);
    }
  });

  it('toggles the theme on <html>', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Dark theme' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    await user.click(screen.getByRole('button', { name: 'Light theme' }));
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('shows an error Result as an alert with its message and fix', async () => {
    // No engine fails to list its profiles on demand: a stubbed answer stands in for a broken store.
    await renderApp({
      setup: ({ api }) => {
        api.listProfiles.mockResolvedValue({
          ok: false,
          error: {
            code: 'FILE_ERROR',
            message: 'The profile store is unreadable.',
            fix: 'Move profiles.json aside and restart.',
          },
        });
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
