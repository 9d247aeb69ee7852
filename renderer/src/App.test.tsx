import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FAKE_AUTH_PROFILE } from './api/fake-api.js';
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
    const { user } = await renderApp({
      setup: (f) => f.state.profiles.push(structuredClone(FAKE_AUTH_PROFILE)),
    });
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    expect(within(rail).queryByRole('button', { name: 'Authorize' })).toBeNull();
    await user.click(screen.getByRole('button', { name: /Patient app/ }));
    expect(useApp.getState().activeProfileId).toBe(FAKE_AUTH_PROFILE.id);
    const titles = within(rail)
      .getAllByRole('button')
      .map((b) => b.textContent?.replace(/^\d+/, ''));
    expect(titles).toEqual(STEPS.map((s) => s.title));
    expect(stepsForFlow('password').map((s) => s.id)).not.toContain('authorize');
    for (const step of STEPS) {
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
