import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts'],
          // The kill-during-write runs have the machine to themselves (project durability).
          exclude: ['electron/core/store-kill.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          // 1,000 child processes killed mid-write: alone, after the other projects (test-all.mjs),
          // as they share 2 cores with nothing else.
          name: 'durability',
          environment: 'node',
          include: ['electron/core/store-kill.test.ts'],
          testTimeout: 900_000,
        },
      },
      {
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['renderer/src/test-setup.ts'],
          // The real core: SMART test servers and a fresh engine + web host per test (Node realm).
          globalSetup: ['electron/testing/renderer-global-setup.ts'],
          testTimeout: 15_000,
          // One jsdom and one module graph per worker, not per file: each test resets the store
          // and gets its own engine (test-setup.ts), so files share nothing that matters.
          isolate: false,
        },
      },
    ],
  },
});
