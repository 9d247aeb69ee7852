import { defineConfig } from '@playwright/test';

// Debian's Chromium: Playwright cannot download its own browsers here. On CI a missing browser
// fails the run (launch error), it is never skipped.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The window size of the run (OFD_VIEWPORT=1920x1080 for the screenshots at the large size).
const [width, height] = (process.env.OFD_VIEWPORT ?? '1280x800').split('x').map(Number);

export default defineConfig({
  testDir: './specs',
  outputDir: '../.tsbuild/playwright-output',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: width || 1280, height: height || 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
