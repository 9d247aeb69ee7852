import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../fixtures/app.js';
import {
  BIG_HAR_CLIENT,
  recordFailingExchange,
  writeBigHar,
} from '../../electron/testing/big-har.js';
import { startSmartServer } from '../../electron/testing/smart-server.js';
import { AppPage } from '../pages/app-page.js';

test('a support engineer opens a 60 MB HAR from disk in the Inspector and reads the cause', async ({
  page,
  host,
}) => {
  test.setTimeout(180_000);
  const smart = await startSmartServer({ clients: [BIG_HAR_CLIENT] });
  try {
    // The customer's browser recorded one refused token request among page assets and beacons.
    const file = join(mkdtempSync(join(tmpdir(), 'ofd-large-har-')), 'customer-sign-in.har');
    const written = await writeBigHar(file, {
      bytes: 60 * 1024 * 1024,
      oauth: await recordFailingExchange(smart),
    });

    const app = new AppPage(page);
    await page.goto(host.openUrl);
    const inspector = await app.open('Inspector');
    await inspector.getByLabel('Evidence files').setInputFiles(file);
    // Streamed to the web host in parts, with the bytes sent shown.
    await expect(inspector.getByRole('status', { name: 'Large file' })).toContainText(
      /Sending customer-sign-in\.har|Reading customer-sign-in\.har/,
    );

    const results = inspector.getByLabel('Inspector results');
    const cause = results.getByRole('list', { name: 'Most likely cause' });
    await expect(cause).toContainText('CLIENT_SECRET_INVALID', { timeout: 60_000 });
    await expect(
      results.getByText('The server refused the request (the token endpoint).', { exact: false }),
    ).toBeVisible();
    await expect(results).toContainText(
      `${written.noise.toLocaleString('en')} of ${written.entries.toLocaleString('en')} requests skipped as not OAuth/OIDC/FHIR traffic`,
    );
    // The entry picker numbers the kept entries as in the file.
    await expect(results.getByLabel('HAR entry to diagnose')).toContainText('POST');
    await expect(inspector.getByRole('textbox', { name: 'Evidence 1' })).toHaveValue('');
    await expect(inspector.getByRole('status', { name: 'Large file' })).toHaveCount(0);
    await app.shoot('34-inspector-large-har');
  } finally {
    await smart.close();
  }
});
