import { DEVICE_CODE_GRANT } from '../../shared/types.js';
import { startSmartServer } from '../../electron/testing/smart-server.js';
import { expect, test as base } from '../fixtures/app.js';
import { AppPage, signInAtTestServer } from '../pages/app-page.js';

/** The SMART test server with a public device client (RFC 8628: no redirect URI, no secret). */
const test = base.extend({
  smart: async ({}, use) => {
    const s = await startSmartServer({
      clients: [
        {
          client_id: 'device-client',
          token_endpoint_auth_method: 'none',
          application_type: 'native',
          grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
          scope: 'openid profile offline_access fhirUser',
        },
      ],
    });
    await use(s);
    await s.close();
  },
});

test('a person signs in on another device with the user code; the app polls and gets tokens', async ({
  page,
  context,
  host,
  smart,
}) => {
  test.setTimeout(90_000);
  const app = new AppPage(page);
  await page.goto(host.openUrl);

  // The profile form shows what the device flow needs and hides the browser sign-in fields.
  const profile = app.step('Profile');
  await profile.getByLabel('Profile name').fill('TV app');
  await profile.getByLabel('Flow').selectOption('device-code');
  await expect(profile.getByLabel('Device authorization endpoint')).toBeVisible();
  await expect(profile.getByLabel('Redirect URI')).toHaveCount(0);
  await expect(profile.getByLabel('PKCE')).toHaveCount(0);
  await profile.getByLabel('FHIR base URL').fill(smart.fhirBase);
  await profile.getByLabel('Client ID').fill('device-client');
  await expect(profile.getByLabel('Scope', { exact: true })).toHaveValue('openid offline_access');
  await profile.getByLabel('Auth method').selectOption('none');
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('banner')).toContainText('TV app');
  await app.shoot('21-device-profile');

  // The rail has Device sign-in in place of Authorize.
  const rail = page.getByRole('navigation', { name: 'Steps' });
  await expect(rail.getByRole('button', { name: 'Authorize', exact: true })).toHaveCount(0);
  const device = await app.open('Device sign-in');
  await app.shoot('22-device-plan');

  // The first poll is answered slow_down (the server's tamper switch): the interval grows.
  smart.tamper.deviceSlowDown = 1;
  const pages = context.pages().length;
  await device.getByRole('button', { name: 'Start device sign-in' }).click();
  const status = device.getByRole('status', { name: 'Device sign-in status' });
  await expect(status).toContainText('waiting');
  const code =
    (await device.getByRole('group', { name: 'Enter this code' }).locator('kbd').textContent()) ??
    '';
  expect(code).toMatch(/^[A-Z0-9-]{6,}$/);
  const link = device.getByRole('link', { name: /^http/ });
  const verificationUri = (await link.getAttribute('href')) ?? '';
  expect(verificationUri).toContain(smart.issuer);
  expect(await link.getAttribute('target')).toBe('_blank');
  await expect(device.getByRole('img', { name: /^QR code of http/ })).toBeVisible();
  await expect(device.getByText(/Code expires in \d+:\d\d/)).toBeVisible();
  // Nothing opened by itself.
  expect(context.pages().length).toBe(pages);

  const polling = device.getByLabel('Polling');
  await expect(polling).toContainText(/slow_down answers\s*1/, { timeout: 15_000 });
  await expect(polling).toContainText(/Interval\s*10 s/);
  // Nothing is wider than the window (the QR code and the large code wrap below the text).
  const overflow = await page.evaluate(() =>
    [document.documentElement, ...document.querySelectorAll('main, main *')].some(
      (e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'auto',
    ),
  );
  expect(overflow).toBe(false);
  await app.shoot('23-device-waiting');

  // The other device: the verification page asks for the code, then login and consent.
  const phone = await context.newPage();
  // The provider's pages import a web font; there is no internet here.
  await phone.route(/fonts\.googleapis\.com/, (r) => r.abort());
  await phone.goto(verificationUri);
  await phone.locator('input[name="user_code"]').fill(code);
  await phone.getByRole('button', { name: 'Continue' }).click();
  await expect(phone.getByRole('heading', { name: 'Confirm Device' })).toBeVisible();
  await phone.getByRole('button', { name: 'Continue' }).click();
  await signInAtTestServer(phone);
  await expect(phone.getByRole('heading', { name: 'Sign-in Success' })).toBeVisible();
  await phone.close();

  // The next poll (10 s after the slow_down) gets the tokens.
  await expect(status).toContainText('Signed in: tokens received', { timeout: 20_000 });
  await expect(device).toContainText('Received: access token, id token, refresh token');
  await expect(polling).toContainText(/Last answer\s*tokens/);
  await app.shoot('24-device-done');

  await device.getByRole('button', { name: 'Open Tokens' }).click();
  const tokens = app.step('Tokens');
  await expect(tokens.getByRole('heading', { name: /ID token/ })).toBeVisible();
  await expect(tokens.getByRole('row', { name: /^sub alice/ }).first()).toBeVisible();
  await app.shoot('25-device-tokens');

  // The device code never reached the page (the timeline shows a placeholder).
  expect(await page.content()).not.toMatch(/device_code=[A-Za-z0-9_-]{20,}/);
});
