import { mkdirSync } from 'node:fs';
import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';
import type { Page } from '@playwright/test';

const TOKEN_SCREEN = 'This page is not connected to the debugger';

async function expectWorkspace(page: Page, profileName: string) {
  await expect(page.getByRole('banner')).toContainText(profileName);
  await expect(page.getByRole('navigation', { name: 'Steps' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Profile' })).toContainText(profileName);
  await expect(page.getByText('FORBIDDEN')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: TOKEN_SCREEN })).toHaveCount(0);
}

async function expectTokenScreen(page: Page) {
  const screen = page.getByRole('main', { name: TOKEN_SCREEN });
  await expect(screen).toBeVisible();
  await expect(screen).toContainText(
    'This page belongs to an earlier run of OAuth Flow Debugger, or its link lost the access token',
  );
  await expect(screen).toContainText('npm start / oauth-flow-debugger serve');
  // Nothing of the workspace behind it.
  await expect(page.getByRole('navigation', { name: 'Steps' })).toHaveCount(0);
  await expect(page.getByRole('banner')).toHaveCount(0);
  await expect(page.getByText(/No profiles yet/i)).toHaveCount(0);
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save profile' })).toHaveCount(0);
  return screen;
}

test('a reload keeps the session; the printed link again recovers a tab of an earlier run', async ({
  page,
  host,
}) => {
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  // The token left the address bar; it lives in this tab's sessionStorage.
  await expect(page.getByRole('navigation', { name: 'Steps' })).toBeVisible();
  expect(page.url()).toBe(`${host.url}/`);
  expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([host.token]);

  await app.createProfile({
    name: 'Reload survivor',
    fhirBaseUrl: 'https://fhir.example.test/r4',
    clientId: 'reload-client',
    scope: 'system/Patient.rs',
    method: 'private_key_jwt',
  });

  await page.reload();
  await expectWorkspace(page, 'Reload survivor');
  expect(page.url()).toBe(`${host.url}/`);

  // A token of an earlier run (the host restarted with a new one): the token screen.
  await page.evaluate(() => {
    const key = Object.keys(sessionStorage)[0]!;
    sessionStorage.setItem(key, 'token-of-an-earlier-run');
  });
  await page.reload();
  await expectTokenScreen(page);

  // Opening the printed URL again in the same tab (only the fragment changes): back in.
  await page.goto(host.openUrl);
  await expectWorkspace(page, 'Reload survivor');
  expect(page.url()).toBe(`${host.url}/`);
  expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([host.token]);
});

test('the app URL without its token, in a fresh browser: the token screen, keyboard and themes', async ({
  browser,
  host,
}) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${host.url}/`);
  const screen = await expectTokenScreen(page);

  // The heading has the focus; Tab reaches the details, Enter opens them.
  await expect(screen.getByRole('heading', { level: 1 })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(screen.getByText('Technical details')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(screen.locator('details')).toHaveAttribute('open', '');
  await expect(screen.locator('details')).toContainText('FORBIDDEN');
  await page.keyboard.press('Enter');
  await expect(screen.locator('details')).not.toHaveAttribute('open', '');

  // Screenshots for reading by eye (OFD_SCREENSHOTS=dir), at the window size, light and dark.
  const dir = process.env.OFD_SCREENSHOTS;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: `${dir}/token-screen-${colorScheme}.png` });
    }
  }
  // The page fits the window: no scrolling behind the screen.
  expect(
    await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight),
  ).toBeLessThanOrEqual(0);
  await context.close();
});
