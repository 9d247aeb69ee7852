/**
 * The backend-services walk of e2e/specs/backend-services.spec.ts, in the real Electron app
 * (out/main, out/preload, out/renderer; build them with build-electron.mjs and build-renderer.mjs),
 * plus the runtime half of sec-19: one window, no Node in the page, window.open and
 * navigation away are denied. Runs when ELECTRON_PATH points at an Electron binary.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from '@playwright/test';
import { expect, test as base } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ELECTRON_PATH = process.env.ELECTRON_PATH;
const SKIP_REASON = 'ELECTRON_PATH not set: the Electron binary cannot be downloaded here';

if (!ELECTRON_PATH) console.log(`Electron e2e skipped: ${SKIP_REASON}`);

const test = base.extend<{ electronApp: ElectronApplication; page: Page }>({
  electronApp: async ({}, use) => {
    // A fresh profile directory per test (Linux: userData is $XDG_CONFIG_HOME/<app name>).
    const home = mkdtempSync(join(tmpdir(), 'ofd-electron-e2e-'));
    const app = await _electron.launch({
      executablePath: ELECTRON_PATH,
      args: [ROOT],
      cwd: ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home } as Record<string, string>,
    });
    await use(app);
    await app.close();
  },
  page: async ({ electronApp }, use) => {
    const w = await electronApp.firstWindow();
    await w.waitForLoadState('domcontentloaded');
    await use(w);
  },
});

test.skip(!ELECTRON_PATH, SKIP_REASON);

test('sec-19 the page has the bridge and no Node; window.open and navigation away are denied', async ({
  electronApp,
  page,
}) => {
  expect(page.url()).toBe('app://renderer/index.html');
  // One window and nothing else (no <webview>, no hidden window); the options it was made with
  // are asserted in electron/main/shell.test.ts (Electron has no public getter for them).
  expect(
    await electronApp.evaluate(({ webContents }) =>
      webContents.getAllWebContents().map((wc) => wc.getType()),
    ),
  ).toEqual(['window']);
  // The page has the contract bridge and no Node.
  expect(
    await page.evaluate(() => ({
      bridge: typeof (window as unknown as { oauthDebugger?: unknown }).oauthDebugger,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    })),
  ).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined' });
  // Non-https targets: denied in the app and refused by the openExternal allow-list too, so no
  // system browser opens during the test.
  expect(await page.evaluate(() => window.open('file:///etc/passwd') === null)).toBe(true);
  await page.evaluate(() => {
    location.href = 'file:///etc/passwd';
  });
  // Still the same document: a navigation would have destroyed this execution context.
  expect(await page.evaluate(() => [location.href, document.title.length > 0])).toEqual([
    'app://renderer/index.html',
    true,
  ]);
  expect(page.url()).toBe('app://renderer/index.html');
  expect(electronApp.windows()).toHaveLength(1);
});

test('a person walks from an empty profile to a FHIR resource with private_key_jwt, in the desktop app', async ({
  page,
  smart,
}) => {
  const app = new AppPage(page);
  await app.createProfile({
    name: 'Test SMART server',
    fhirBaseUrl: smart.fhirBase,
    clientId: 'e2e-backend',
    scope: 'system/Patient.rs',
    method: 'private_key_jwt',
  });

  const jwks = await app.generateKeyForProfile('RSA-2048', 'RS384');
  expect(jwks.keys).toHaveLength(1);
  expect(JSON.stringify(jwks)).not.toContain('"d"');
  smart.setClientJwks('e2e-backend', jwks as never);

  const discovery = await app.open('Discovery');
  await discovery.getByRole('button', { name: 'Discover' }).click();
  await expect(discovery.getByText(smart.tokenEndpoint).first()).toBeVisible();

  const assertion = await app.open('Client assertion');
  await assertion.getByRole('button', { name: 'Build assertion' }).click();
  await expect(assertion.getByText('No problems found')).toBeVisible();

  const tokenReq = await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  await expect(tokenReq.getByText('200', { exact: false }).first()).toBeVisible();

  const tokens = await app.open('Tokens');
  await expect(tokens.getByText(/Signature verified with key server-rs256/)).toBeVisible();

  const resource = await app.open('Resource request');
  await resource.getByLabel('FHIR path').fill('Patient?_count=1');
  await resource.getByRole('button', { name: 'Send GET' }).click();
  await expect(resource.getByText('"resourceType": "Bundle"').first()).toBeVisible();

  const timeline = page.getByRole('complementary', { name: 'Timeline' });
  await expect(timeline.getByText('/token').first()).toBeVisible();
  await expect(timeline).not.toContainText(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
});
