import { defineConfig } from '@playwright/test';

// The desktop app itself, through Playwright's _electron (experimental): needs the Electron
// binary at ELECTRON_PATH. Without it every test is skipped with the reason, and test-all.mjs
// reports the skips as skips (never as passes).
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.electron\.spec\.ts$/,
  outputDir: '../../.tsbuild/playwright-electron-output',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});
