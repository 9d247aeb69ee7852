import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { toProfileInput } from './store/profile-input.js';
import { useApp } from './store/index.js';
import { usedSteps } from './store/step-status.js';
import { STEPS, railSteps, stepTitle, stepsForFlow, type StepId } from './store/steps.js';
import { renderApp, type TestApp } from './test-utils.js';
import { must } from './test/real-core.js';

describe('App', () => {
  it('lists the steps of the profile’s flow in the rail and shows each as a named region', async () => {
    const { user } = await renderApp();
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    const buttons = within(rail).getAllByRole('button');
    const steps = stepsForFlow('backend-services');
    // Every number keeps its place: Authorize (7) stays, not used by this flow.
    expect(buttons.map((b) => b.textContent?.replace(/^\d+/, ''))).toEqual(
      railSteps('backend-services').map((s) => s.title),
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
    expect(
      within(rail).getByRole('button', { name: 'Authorize' }).getAttribute('aria-disabled'),
    ).toBe('true');
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
      const button = within(rail).getByRole('button', { name: step.title });
      // Keys and Client assertion are not used by a public client: opened as by a link.
      if (button.getAttribute('aria-disabled')) act(() => useApp.getState().goTo(step.id));
      else await user.click(button);
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

const region = (title: string) => screen.getByRole('region', { name: title });
const heading = (title: string) => within(region(title)).getByRole('heading', { level: 2 });
const announcements = () => screen.getByRole('status', { name: 'Announcements' });
/** Waits for the live region to say something that matches. */
const announced = (text: RegExp) =>
  waitFor(() => expect(announcements().textContent).toMatch(text));

/** A client_credentials token from the test server, held by the engine. */
async function withToken({ core, backend }: TestApp) {
  const draft = must(await core.prepareTokenRequest({ profileId: backend!.id }));
  expect(must(await core.sendTokenRequest({ draftId: draft.id })).ok).toBe(true);
}

describe('keyboard and screen readers', () => {
  it('offers “Skip to the step” as the first Tab stop, to the current step’s heading', async () => {
    const { user } = await renderApp({ step: 'keys' });
    await user.tab();
    const skip = screen.getByRole('link', { name: 'Skip to the step' });
    expect(document.activeElement).toBe(skip);
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(heading('Keys'));
    // One more Tab is in the step's content, past the header and the rail.
    await user.tab();
    expect(region('Keys').contains(document.activeElement)).toBe(true);
  });

  it('moves focus to the step heading when the step changes, by the rail or Alt+arrows', async () => {
    const { user } = await renderApp();
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    // Nothing is focused at start (no step change yet).
    expect(document.activeElement).toBe(document.body);
    await user.click(within(rail).getByRole('button', { name: 'Discovery' }));
    expect(document.activeElement).toBe(heading('Discovery'));

    // The rail's order, without the steps the profile does not use.
    const order = usedSteps(useApp.getState()).map((s) => s.id);
    const at = order.indexOf('discovery');
    const next = order[at + 1]!;
    await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(useApp.getState().step).toBe(next);
    expect(document.activeElement).toBe(heading(stepTitle(next)));
    await user.keyboard('{Alt>}{ArrowUp}{/Alt}{Alt>}{ArrowUp}{/Alt}');
    expect(useApp.getState().step).toBe(order[at - 1]);
    expect(document.activeElement).toBe(heading(stepTitle(order[at - 1]!)));
    // The first step has no previous one.
    await user.keyboard('{Alt>}{ArrowUp}{/Alt}{Alt>}{ArrowUp}{/Alt}');
    expect(useApp.getState().step).toBe(order[0]);

    // In a text field Alt+arrows belong to the field (Option+arrows move the caret on macOS).
    await user.click(within(rail).getByRole('button', { name: 'Resource request' }));
    const path = screen.getByLabelText('FHIR path');
    await user.click(path);
    await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(useApp.getState().step).toBe('resource');
    expect(document.activeElement).toBe(path);
  });

  it('follows the rail of the profile’s flow with Alt+↓, skipping steps it does not use', async () => {
    const { user } = await renderApp({ profiles: ['backend', 'auth'], active: 'auth' });
    const seen: StepId[] = [useApp.getState().step];
    const order = usedSteps(useApp.getState()).map((s) => s.id);
    expect(order).toEqual(
      stepsForFlow('authorization-code')
        .filter((s) => order.includes(s.id))
        .map((s) => s.id),
    );
    for (let i = 1; i < order.length; i++) {
      await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
      seen.push(useApp.getState().step);
      expect(document.activeElement).toBe(heading(stepTitle(useApp.getState().step)));
    }
    expect(seen).toEqual(order);
    expect(seen).toContain('authorize');
  });

  it('after an action moves focus to its result and announces it (Prepare, then Send)', async () => {
    const { user } = await renderApp({ step: 'token-request' });
    await user.click(screen.getByRole('button', { name: 'Prepare request' }));
    await announced(/^Prepare request: /);
    // The prepared request: its heading has focus, not <body>.
    expect(document.activeElement?.textContent).toBe('Request');
    expect(region('Token request').contains(document.activeElement)).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Send request' }));
    await announced(/^Send request: Access token received\./);
    expect(document.activeElement?.textContent).toBe('Response');
  });

  it('moves focus to the first finding of a refused request and says what it is', async () => {
    const { user } = await renderApp({
      step: 'resource',
      setup: async (t) => {
        // A token for Patient only; the path asks for Observations.
        must(
          await t.core.saveProfile({ ...toProfileInput(t.backend!), scope: 'system/Patient.rs' }),
        );
        await withToken(t);
      },
    });
    const path = screen.getByLabelText('FHIR path');
    await user.clear(path);
    await user.type(path, 'Observation');
    await user.click(screen.getByRole('button', { name: 'Send GET' }));
    const findings = within(region('Resource request')).getByRole('list', { name: 'Findings' });
    const first = within(findings).getAllByRole('listitem')[0]!;
    await waitFor(() => expect(document.activeElement).toBe(first));
    expect(first.textContent).toContain('RESOURCE_FORBIDDEN');
    const title = first.querySelector('.finding-title')!.textContent!;
    expect(announcements().textContent).toMatch(/^Send GET: \d+ findings?\. First: /);
    expect(announcements().textContent).toContain(title);
  });

  it('runs the step’s primary action with Ctrl+Enter; a text field keeps focus', async () => {
    const { user, calls } = await renderApp({ step: 'resource', setup: withToken });
    const path = screen.getByLabelText('FHIR path');
    await user.click(path);
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(calls('callResource')).toHaveLength(1);
    await announced(/^Send GET: /);
    expect(region('Resource request').textContent).toContain('HTTP 200');
    // The person was typing: the caret stays where it was.
    expect(document.activeElement).toBe(path);

    // ⌘+Enter (macOS) from outside a field does the same, and focus then goes to the result.
    await user.click(heading('Resource request'));
    await user.keyboard('{Meta>}{Enter}{/Meta}');
    expect(calls('callResource')).toHaveLength(2);
    await waitFor(() =>
      expect(document.activeElement?.closest('.results')).toBe(
        region('Resource request').querySelector('.results'),
      ),
    );
  });

  it('lists the shortcuts in a dialog on “?”; Escape closes it and focus returns', async () => {
    const { user } = await renderApp({ step: 'discovery' });
    const discover = screen.getByRole('button', { name: 'Discover' });
    discover.focus();
    await user.keyboard('?');
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByRole('heading', { name: 'Keyboard shortcuts' })).toBeTruthy();
    const rows = within(dialog)
      .getAllByRole('row')
      .map((r) => r.textContent);
    expect(rows.some((r) => /Ctrl|⌘/.test(r ?? '') && r?.includes('main action'))).toBe(true);
    expect(rows.some((r) => r?.includes('Next step'))).toBe(true);
    expect(rows.some((r) => r?.includes('Previous step'))).toBe(true);
    expect(dialog.contains(document.activeElement)).toBe(true);
    // Tab stays in the dialog.
    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);
    // Shortcuts of the page do not act behind the dialog.
    await user.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(useApp.getState().step).toBe('discovery');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull();
    expect(document.activeElement).toBe(discover);

    // "?" typed in a text field is text; the header button opens the same list.
    await user.click(screen.getByRole('button', { name: 'Keyboard shortcuts' }));
    expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Keyboard shortcuts' }));
  });

  it('does not open the shortcuts when “?” is typed in a field', async () => {
    const { user } = await renderApp({ step: 'resource', setup: withToken });
    const path = screen.getByLabelText('FHIR path') as HTMLInputElement;
    await user.clear(path);
    await user.type(path, 'Patient?_id=1');
    expect(path.value).toBe('Patient?_id=1');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('announces a failed action with its message and moves focus to the alert', async () => {
    const { user, api } = await renderApp({
      step: 'discovery',
      setup: ({ api }) => {
        // A refusal by the engine (not by a server): its Result error is what the page shows.
        api.discover.mockResolvedValue({
          ok: false,
          error: {
            code: 'NETWORK_ERROR',
            message: 'The server did not answer.',
            fix: 'Check the URL.',
          },
        });
      },
    });
    await user.click(screen.getByRole('button', { name: 'Discover' }));
    expect(api.discover).toHaveBeenCalled();
    const alert = within(region('Discovery')).getByRole('alert');
    await waitFor(() => expect(document.activeElement).toBe(alert));
    expect(announcements().textContent).toBe(
      'Discover failed: NETWORK_ERROR The server did not answer.',
    );
  });
});
