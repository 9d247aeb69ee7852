import { readFileSync } from 'node:fs';
import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

/** A compact JWS: a real assertion or token, which no redacted export may hold. */
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

test('a support engineer runs a good and a bad backend-services run, exports a HAR, re-opens it in the Inspector, and compares the runs', async ({
  page,
  host,
  smart,
}) => {
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  await app.createBackendProfile(smart.fhirBase, 'Customer backend');
  smart.setClientJwks('e2e-backend', (await app.generateKeyForProfile()) as never);

  // The good run: tokens.
  const assertion = await app.open('Client assertion');
  await assertion.getByRole('button', { name: 'Build assertion' }).click();
  await expect(assertion.getByText('No problems found')).toBeVisible();
  const tokenReq = await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  await expect(tokenReq.getByText('200', { exact: false }).first()).toBeVisible();

  // The bad run: the customer's wrong aud, refused.
  await app.open('Client assertion');
  await assertion.getByRole('button', { name: 'Build assertion' }).click();
  const claims = assertion.getByLabel('Claims JSON');
  const edited = JSON.parse(await claims.inputValue()) as Record<string, unknown>;
  edited.aud = `${smart.issuer}/wrong/token`;
  await claims.fill(JSON.stringify(edited, null, 2));
  await assertion.getByRole('button', { name: 'Rebuild with edits' }).click();
  await expect(assertion.getByText('ASSERTION_AUD_MISMATCH').first()).toBeVisible();
  await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  await expect(
    tokenReq.getByRole('listitem').filter({ hasText: 'ASSERTION_AUD_MISMATCH' }).first(),
  ).toBeVisible();

  // The timeline: two runs of the profile, one with tokens, one refused.
  const timeline = page.getByRole('complementary', { name: 'Timeline' });
  const runs = timeline
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { level: 3 }) });
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(0)).toContainText('Customer backend');
  await expect(runs.nth(0)).toContainText('tokens');
  await expect(runs.nth(1)).toContainText('refused');
  await app.shoot('40-timeline-runs');

  // Export HAR…: redacted, markers and no values.
  await timeline.getByRole('button', { name: 'Export HAR…' }).click();
  const panel = timeline.getByRole('region', { name: 'Export HAR' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export HAR', exact: true }).click(),
  ]);
  const harPath = await download.path();
  const har = readFileSync(harPath, 'utf8');
  expect(download.suggestedFilename()).toMatch(/\.har$/);
  expect(JSON.parse(har).log.version).toBe('1.2');
  expect(har).toMatch(/\{\{client_assertion;len=\d+;sha256=[0-9a-f]{8}\}\}/);
  expect(har).not.toMatch(JWT);
  await expect(panel.getByText(/redacted\) in your downloads/)).toBeVisible();
  await panel.getByRole('button', { name: 'Close' }).click();

  // Compare runs: what changed between the good and the bad run.
  await timeline.getByRole('button', { name: 'Compare runs' }).click();
  const compare = timeline.getByRole('region', { name: 'Compare runs' });
  await compare.getByRole('button', { name: 'Compare', exact: true }).click();
  const table = compare.getByRole('table');
  await expect(table.getByRole('columnheader')).toHaveText(['Where', 'Field', 'A', 'B']);
  await expect(table.getByRole('row').filter({ hasText: 'aud' }).first()).toBeVisible();
  await expect(table.getByRole('row').filter({ hasText: '401' }).first()).toBeVisible();
  await expect(table).not.toContainText(JWT);
  await app.shoot('41-run-diff');

  // The exported HAR, re-opened in the Inspector, names the refusal.
  const inspector = await app.open('Inspector');
  await inspector.getByLabel('Evidence files').setInputFiles({
    name: download.suggestedFilename(),
    mimeType: 'application/json',
    buffer: Buffer.from(har),
  });
  await inspector.getByRole('button', { name: 'Inspect' }).click();
  const results = inspector.getByLabel('Inspector results');
  await expect(results.getByRole('list', { name: 'Most likely cause' })).toBeVisible();
  await expect(results).toContainText('401');
  await app.shoot('42-har-in-inspector');
});
