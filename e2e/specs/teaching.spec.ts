import { readFileSync } from 'node:fs';
import { expect, test } from '../fixtures/app.js';
import { AppPage } from '../pages/app-page.js';

test('a trainer runs backend services in guided mode and reads the sequence diagram', async ({
  page,
  host,
  smart,
}) => {
  // Screenshots in both themes (OFD_SCREENSHOTS) take longer than the walk itself.
  if (process.env.OFD_SCREENSHOTS) test.setTimeout(180_000);
  const app = new AppPage(page);
  await page.goto(host.openUrl);
  await app.createBackendProfile(smart.fhirBase, 'Class server');
  const jwks = await app.generateKeyForProfile('RSA-2048', 'RS384');
  smart.setClientJwks('e2e-backend', jwks as never);

  // Guided mode: saved across a reload.
  const guided = page.getByRole('switch', { name: 'Guided' });
  await guided.click();
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Guided' })).toHaveAttribute(
    'aria-checked',
    'true',
  );

  // Discovery: the pause says what will be sent and which section it follows, before Discover.
  const discovery = await app.open('Discovery');
  const explainDiscovery = discovery.getByRole('complementary', {
    name: 'Guided: before Discovery',
  });
  await expect(explainDiscovery).toContainText('smart-configuration');
  await expect(explainDiscovery.getByRole('link', { name: 'RFC 8414 §3' })).toBeVisible();
  await discovery.getByRole('button', { name: 'Discover' }).click();
  await expect(
    discovery.getByRole('complementary', { name: 'Guided: what came back from Discovery' }),
  ).toContainText('Worked.');

  // The token request: paused, sent, then read.
  const tokenReq = await app.open('Token request');
  await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
  const before = tokenReq.getByRole('complementary', {
    name: 'Guided: before Token request (client credentials)',
  });
  await expect(before).toContainText('client_assertion');
  await expect(before.getByRole('link', { name: 'RFC 7523 §2.2' })).toBeVisible();
  await app.shoot('teaching-01-guided-pause');
  await tokenReq.getByRole('button', { name: 'Send request' }).click();
  const after = tokenReq.getByRole('complementary', {
    name: 'Guided: what came back from Token request (client credentials)',
  });
  await expect(after).toContainText('HTTP 200');
  await expect(after).toContainText('Tokens received: access token.');

  // A refused resource request, to see a failed hop.
  const resource = await app.open('Resource request');
  await resource.getByLabel('FHIR path').fill('NoSuchType/1');
  await resource.getByRole('button', { name: 'Send GET' }).click();
  await expect(
    resource.getByRole('complementary', { name: /Guided: what came back from FHIR resource/ }),
  ).toContainText('Refused.');

  // The diagram: one arrow per exchange of the run, the failed hop marked in words.
  await page.getByRole('button', { name: 'Sequence diagram' }).click();
  const diagram = page.getByRole('region', { name: 'Sequence diagram' });
  const arrows = diagram.getByRole('button', { name: /Opens it in the Timeline/ });
  const hops = diagram.getByRole('list', { name: 'Hops of the run' }).getByRole('listitem');
  await expect(hops.first()).toBeAttached();
  const count = await hops.count();
  await expect(arrows).toHaveCount(count);
  await expect(arrows.filter({ hasText: 'POST /token' })).toHaveCount(1);
  await expect(arrows.filter({ hasText: '200 OK' }).first()).toBeVisible();
  const failed = arrows.filter({ hasText: '✕' });
  await expect(failed).toHaveCount(1);
  await expect(failed).toHaveAttribute(
    'aria-label',
    /Resource request: App \(this debugger\) to FHIR server, GET \/.*NoSuchType\/1; failed: HTTP 4\d\d/,
  );
  await expect(diagram).toContainText('✕ 1 failed');
  // The whole app still fits the window (no horizontal scroll).
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
  ).toBeLessThanOrEqual(0);

  // Pressing an arrow selects it for the Timeline.
  await arrows.filter({ hasText: 'POST /token' }).click();
  await expect(arrows.filter({ hasText: 'POST /token' })).toHaveAttribute('aria-pressed', 'true');
  await app.shoot('teaching-02-diagram');

  // Export for slides: an SVG and a PNG download.
  const [svg] = await Promise.all([
    page.waitForEvent('download'),
    diagram.getByRole('button', { name: 'Export SVG' }).click(),
  ]);
  expect(svg.suggestedFilename()).toMatch(/\.svg$/);
  const svgText = readFileSync(await svg.path(), 'utf8');
  expect(svgText).toContain('<svg');
  expect(svgText).toContain('✕ 4');
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    diagram.getByRole('button', { name: 'Export PNG' }).click(),
  ]);
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  // A real PNG (its signature), drawn through the canvas.
  expect(
    readFileSync(await png.path())
      .subarray(1, 4)
      .toString('latin1'),
  ).toBe('PNG');

  // Presenter mode: the diagram beside the step, the access token hidden entirely.
  await page.getByRole('switch', { name: 'Presenter' }).click();
  const tokens = await app.open('Tokens');
  await expect(tokens.getByText('Hidden in presenter mode').first()).toBeVisible();
  await expect(tokens.getByRole('button', { name: 'Reveal' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Sequence diagram' })).toBeVisible();
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await app.shoot('teaching-03-presenter');
});
