import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { resetApp } from './store/index.js';
import { drain } from './test-utils.js';
import { stopEngines } from './test/real-core.js';

// Vitest globals are off, so Testing Library cannot register its own cleanup.
afterEach(async () => {
  // A call still on its way would land in the next test's store.
  await drain();
  cleanup();
  resetApp();
  // Each test had its own engine and web host: stop them (listeners, JWKS host, timers).
  await stopEngines();
  delete document.documentElement.dataset.theme;
  window.localStorage.clear();
});
