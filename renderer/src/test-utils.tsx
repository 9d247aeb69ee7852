import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from './App.js';
import {
  createFakeApi,
  FAKE_AUTH_PROFILE,
  type FakeApi,
  type FakeHandlers,
  type FakeOptions,
} from './api/fake-api.js';
import { useApp } from './store/index.js';
import type { StepId } from './store/steps.js';

/** Boots the store on a fake engine and renders the whole app on one step. */
export async function renderApp(
  options: {
    step?: StepId;
    handlers?: Partial<FakeHandlers>;
    fakeOptions?: FakeOptions;
    setup?: (fake: FakeApi) => void;
    /** Makes this profile active after boot. */
    activeProfileId?: string;
    /** Runs after boot, before the first render (drive the store or the fake "engine"). */
    before?: (fake: FakeApi) => Promise<void> | void;
  } = {},
) {
  const fake = createFakeApi(options.handlers, options.fakeOptions);
  options.setup?.(fake);
  const user = userEvent.setup({ delay: null });
  await useApp.getState().boot(fake.bridge);
  if (options.activeProfileId) useApp.getState().selectProfile(options.activeProfileId);
  await options.before?.(fake);
  if (options.step) useApp.getState().goTo(options.step);
  const view = render(<App />);
  return { fake, user, ...view };
}

/** The fake with the authorization-code profile added and active. */
export function renderAuthApp(options: Parameters<typeof renderApp>[0] = {}) {
  return renderApp({
    ...options,
    setup: (f) => {
      f.state.profiles.push(structuredClone(FAKE_AUTH_PROFILE));
      options.setup?.(f);
    },
    activeProfileId: FAKE_AUTH_PROFILE.id,
  });
}

/** Signs in through the fake (start, then the browser comes back) before the render. */
export async function signInFirst(fake: FakeApi): Promise<void> {
  await useApp.getState().startAuthorization({ autoExchange: true });
  fake.simulateCallback();
}
