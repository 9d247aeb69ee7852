import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

/**
 * The trainer's walk of issue 12 on the practice server alone: start it from the empty state,
 * backend services and the code flow in guided mode, the sequence diagram, and break `aud`.
 */
test('a trainer teaches on the practice server: guided backend services and code flow, the diagram, break aud', async ({
  page,
  context,
  host,
}) => {
  test.setTimeout(120_000);
  const app = new AppPage(page);
  await page.goto(host.openUrl);

  const profile = await app.open('Profile');
  const practice = profile.getByRole('region', { name: 'Practice server' });
  await practice.getByRole('button', { name: 'Start the practice server' }).click();
  await expect(practice.getByRole('button', { name: 'Copy Issuer' })).toBeVisible({
    timeout: 30_000,
  });
  await page.getByRole('switch', { name: 'Guided' }).click();

  // Backend services, guided: the pause names the spec before Send, the outcome after.
  const tokenReq = await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await expect(tokenReq.getByRole('link', { name: 'RFC 7523 §2.2' })).toBeVisible();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  await expect(
    tokenReq.getByRole('complementary', { name: /Guided: what came back/ }),
  ).toContainText('200');

  // The diagram: one request arrow per exchange of the run, each opening its exchange.
  await page.getByRole('button', { name: 'Sequence diagram' }).click();
  const diagram = page.getByRole('region', { name: 'Sequence diagram' });
  const hops = diagram.getByRole('list', { name: 'Hops of the run' }).getByRole('listitem');
  const arrows = diagram.getByRole('button', { name: /Opens it in the Timeline/ });
  await expect(hops.filter({ hasText: 'Token request' })).toHaveCount(1);
  expect(await arrows.count()).toBe(await hops.count());
  await app.shoot('40-trainer-backend-guided');

  // Break aud: the real server refuses it, and the diagnosis names the expected cause.
  await tokenReq.getByText('Break it').click();
  await tokenReq.getByLabel(/^aud \(assertion\)/).check();
  await tokenReq.getByRole('button', { name: 'Prepare broken request' }).click();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  const result = page.getByRole('region', { name: 'Break it result' });
  await expect(result.getByText(/^Match:/)).toContainText('named the expected cause first');
  await expect(result).toContainText('ASSERTION_AUD_MISMATCH');
  await expect(tokenReq.getByRole('list', { name: 'Findings' }).first()).toContainText(
    'ASSERTION_AUD_MISMATCH',
  );
  // The failed hop is marked in the diagram.
  await expect(diagram).toContainText('✕');
  await app.shoot('41-trainer-break-aud');

  // The code flow, guided: nothing is redeemed behind the trainer's back.
  await app.open('Profile');
  await page
    .getByRole('list', { name: 'Profiles' })
    .getByRole('button', { name: /Practice: public app \(PKCE\)/ })
    .click();
  await expect(page.getByRole('banner')).toContainText('Practice: public app (PKCE)');
  const auth = await app.open('Authorize');
  const signInTab = context.waitForEvent('page');
  await auth.getByRole('button', { name: 'Authorize in browser' }).click();
  const tab = await signInTab;
  await tab.waitForLoadState();
  // The documented demo sign-in; the practice server checks the password.
  await tab.getByLabel('Login').fill('demo');
  await tab.getByLabel('Password').fill('practice');
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.getByRole('button', { name: 'Allow' }).click();
  await expect(tab.getByText(/return to OAuth Flow Debugger/i)).toBeVisible();
  await tab.close();
  await expect(auth.getByRole('status', { name: 'Sign-in status' })).toContainText(/received/i);

  const exchange = await app.open('Token request');
  await exchange.getByRole('button', { name: 'Prepare request' }).click();
  await expect(exchange.getByRole('link', { name: /RFC 7636/ }).first()).toBeVisible();
  await exchange.getByRole('button', { name: 'Send request' }).click();
  await expect(
    exchange.getByRole('complementary', { name: /Guided: what came back/ }),
  ).toContainText('200');
  // The browser's hops are in the diagram too.
  await expect(hops.filter({ hasText: 'Authorize (browser)' })).toHaveCount(1);
  await expect(hops.filter({ hasText: 'Callback' })).toHaveCount(1);
  await app.shoot('42-trainer-code-flow-guided');
});
