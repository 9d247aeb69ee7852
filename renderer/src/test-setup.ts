import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { resetApp } from './store/index.js';

// Vitest globals are off, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  resetApp();
  delete document.documentElement.dataset.theme;
  window.localStorage.clear();
});
