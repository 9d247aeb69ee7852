import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from './App.js';
import { createFakeApi, type FakeHandlers } from './api/fake-api.js';
import { useApp } from './store/index.js';
import type { StepId } from './store/steps.js';

/** Boots the store on a fake engine and renders the whole app on one step. */
export async function renderApp(
  options: {
    step?: StepId;
    handlers?: Partial<FakeHandlers>;
    setup?: (fake: ReturnType<typeof createFakeApi>) => void;
  } = {},
) {
  const fake = createFakeApi(options.handlers);
  options.setup?.(fake);
  const user = userEvent.setup({ delay: null });
  await useApp.getState().boot(fake.bridge);
  if (options.step) useApp.getState().goTo(options.step);
  const view = render(<App />);
  return { fake, user, ...view };
}
