import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

test('a person walks from an empty profile to a FHIR resource with private_key_jwt', async ({
  page,
  host,
  smart,
}) => {
  const app = new AppPage(page);
  await page.goto(host.openUrl);

  await app.createBackendProfile(smart.fhirBase, 'Test SMART server');
  await app.shoot('01-profile');

  // Keys: generate, use in the profile, publish the JWKS where the server looks for it.
  const jwks = await app.generateKeyForProfile('RSA-2048', 'RS384');
  expect(jwks.keys).toHaveLength(1);
  expect(JSON.stringify(jwks)).not.toContain('"d"');
  smart.setClientJwks('e2e-backend', jwks as never);
  // The app shell scrolls inside its panes; the page itself never grows past the window.
  expect(
    await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight),
  ).toBeLessThanOrEqual(0);
  await app.shoot('02-keys');

  // Discovery
  const discovery = await app.open('Discovery');
  await discovery.getByRole('button', { name: 'Discover' }).click();
  await expect(discovery.getByText(smart.tokenEndpoint).first()).toBeVisible();
  await app.shoot('03-discovery');

  // Client assertion
  const assertion = await app.open('Client assertion');
  await assertion.getByRole('button', { name: 'Build assertion' }).click();
  await expect(assertion.getByText('No problems found')).toBeVisible();
  await expect(assertion.getByText(jwks.keys[0]!.kid).first()).toBeVisible();
  await app.shoot('04-assertion');

  // Token request
  const tokenReq = await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await expect(tokenReq.getByText('{{client_assertion}}').first()).toBeVisible();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  await expect(tokenReq.getByText('200', { exact: false }).first()).toBeVisible();
  await app.shoot('05-token-request');

  // Tokens
  const tokens = await app.open('Tokens');
  await expect(tokens.getByText(/Signature verified with key server-rs256/)).toBeVisible();
  await expect(tokens.getByText(/Expires in/)).toBeVisible();
  await app.shoot('06-tokens');

  // Resource request
  const resource = await app.open('Resource request');
  await resource.getByLabel('FHIR path').fill('Patient?_count=1');
  await resource.getByRole('button', { name: 'Send GET' }).click();
  await expect(resource.getByText('"resourceType": "Bundle"').first()).toBeVisible();
  await app.shoot('07-resource');

  // Timeline: every exchange, secrets masked.
  const timeline = page.getByRole('complementary', { name: 'Timeline' });
  await expect(timeline.getByText('/token').first()).toBeVisible();
  await expect(timeline).not.toContainText(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
});

test('a wrong aud is refused, diagnosed with its fix, and the exchange is in the timeline', async ({
  page,
  host,
  smart,
}) => {
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  await app.createBackendProfile(smart.fhirBase, 'Wrong aud');
  smart.setClientJwks('e2e-backend', (await app.generateKeyForProfile()) as never);

  const assertion = await app.open('Client assertion');
  await assertion.getByRole('button', { name: 'Build assertion' }).click();
  const claims = assertion.getByLabel('Claims JSON');
  const edited = JSON.parse(await claims.inputValue()) as Record<string, unknown>;
  edited.aud = `${smart.issuer}/wrong/token`;
  await claims.fill(JSON.stringify(edited, null, 2));
  await assertion.getByRole('button', { name: 'Rebuild with edits' }).click();
  await expect(assertion.getByText('ASSERTION_AUD_MISMATCH').first()).toBeVisible();

  const tokenReq = await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  const first = tokenReq
    .getByRole('listitem')
    .filter({ hasText: 'ASSERTION_AUD_MISMATCH' })
    .first();
  await expect(first).toBeVisible();
  await expect(first).toContainText('Set aud to the exact token endpoint URL');
  await app.shoot('08-refused');
  const timeline = page.getByRole('complementary', { name: 'Timeline' });
  await expect(timeline.getByText('401').first()).toBeVisible();
});
