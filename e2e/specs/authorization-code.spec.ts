import { portIsFree } from '../../electron/testing/net.js';
import { expect, test } from '../fixtures/app.js';
import { AppPage, signInAtTestServer } from '../pages/app-page.js';

test('a person signs in through the browser, gets tokens, refreshes and revokes', async ({
  page,
  context,
  host,
  smart,
}) => {
  const app = new AppPage(page);
  await page.goto(host.openUrl);

  await app.createPatientAppProfile(smart.fhirBase);
  await app.shoot('11-auth-profile');

  // Authorize: the web host cannot open the system browser, so the page opens the sign-in tab.
  const auth = await app.open('Authorize');
  await app.shoot('12-authorize-plan');
  const signInTab = context.waitForEvent('page');
  await auth.getByRole('button', { name: 'Authorize in browser' }).click();
  const status = auth.getByRole('status', { name: 'Sign-in status' });
  await expect(status).toContainText(/waiting/i);
  await app.shoot('13-authorize-waiting');

  // The authorize URL the app shows names the loopback listener it opened.
  const authorizeUrl = new URL(
    (await auth.getByRole('group', { name: 'Authorize URL' }).textContent()) ?? '',
  );
  expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorizeUrl.searchParams.get('aud')).toBe(smart.fhirBase);
  const redirectUri = authorizeUrl.searchParams.get('redirect_uri') ?? '';
  const port = Number(new URL(redirectUri).port);
  expect(port).toBeGreaterThan(0);
  expect(await portIsFree(port)).toBe(false);

  // The provider's own login and consent pages, in the second tab.
  const tab = await signInTab;
  await signInAtTestServer(tab);
  // The loopback listener answered the browser and told the person to go back to the app.
  await expect(tab.getByText(/return to OAuth Flow Debugger/i)).toBeVisible();
  const callback = new URL(tab.url());
  expect(callback.toString()).toContain(redirectUri);
  const code = callback.searchParams.get('code') ?? '';
  expect(code.length).toBeGreaterThan(10);
  expect(await tab.content()).not.toContain(code);

  await expect(status).toContainText(/Signed in/i);
  await expect(auth.getByRole('list', { name: 'Redirect checks' })).toContainText(/state/i);
  await app.shoot('14-authorize-done');
  // One-shot: the listener is closed and its port is free again.
  await expect.poll(() => portIsFree(port)).toBe(true);

  await auth.getByRole('button', { name: 'Open Tokens' }).click();
  const tokens = app.step('Tokens');
  await expect(tokens.getByRole('heading', { name: /ID token/ })).toBeVisible();
  await expect(
    tokens.getByText(smart.launchContext.patient, { exact: true }).first(),
  ).toBeVisible();
  await expect(tokens.getByText(/Practitioner\/alice/).first()).toBeVisible();
  await app.shoot('15-tokens');

  // Refresh: the server rotates the refresh token and the app shows old -> new.
  await tokens.getByRole('button', { name: 'Refresh now' }).click();
  await expect(tokens.getByText(/^Result: Refresh/)).toBeVisible();
  await expect(tokens.getByRole('table', { name: /Refresh history/i })).toContainText(/yes/i);

  // Revocation of the refresh token, then a refresh must fail with REFRESH_INVALID.
  await tokens.getByRole('button', { name: 'Revoke refresh token' }).click();
  await expect(tokens.getByText(/^Result: Revocation/)).toBeVisible();
  await tokens.getByRole('button', { name: 'Refresh now' }).click();
  await expect(tokens.getByText('REFRESH_INVALID').first()).toBeVisible();
  await app.shoot('16-tokens-revoked');

  // The code never reached the app's page unmasked (the timeline shows a placeholder).
  await app.open('Token request');
  expect(await page.content()).not.toContain(code);
});
