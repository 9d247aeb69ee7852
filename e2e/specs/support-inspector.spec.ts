import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../fixtures/app.js';
import { startOracleHealthSim } from '../../electron/testing/simulators/oracle-health.js';
import { AppPage } from '../pages/app-page.js';

const CAT = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A customer's key and a helper that signs and sends assertions the way their client does. */
async function customer(alg: string, tokenUrl: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: `cust-${alg}`, alg };
  const sign = () => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg, kid: jwk.kid, typ: 'JWT' })
      .setIssuer('cust-app')
      .setSubject('cust-app')
      .setAudience(tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + 240)
      .sign(privateKey);
  };
  return { jwk, sign };
}

test('a support engineer pastes a failing assertion and error body, picks Oracle Health, and reads the cause and fix', async ({
  page,
  host,
}) => {
  const sim = await startOracleHealthSim();
  try {
    const cust = await customer('RS256', sim.urls.tokenEndpoint);
    sim.addClient({ clientId: 'cust-app', jwks: { keys: [cust.jwk] } });
    // What the customer's client did, and what Oracle Health answered.
    const jwt = await cust.sign();
    const r = await fetch(sim.urls.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/Patient.read',
        client_assertion_type: CAT,
        client_assertion: jwt,
      }),
    });
    expect(r.status).toBe(400);
    const errorBody = await r.text();

    const app = new AppPage(page);
    await page.goto(host.openUrl);
    const inspector = await app.open('Inspector');
    await app.shoot('30-inspector-empty');
    await inspector.getByRole('textbox', { name: 'Evidence 1' }).fill(jwt);
    await inspector.getByRole('button', { name: 'Add another piece' }).click();
    await inspector.getByRole('textbox', { name: 'Evidence 2' }).fill(errorBody);
    await inspector.getByLabel('Vendor preset').selectOption({ label: 'Oracle Health (Cerner)' });
    await inspector.getByText('Keys and context (optional)').click();
    await inspector.getByLabel('JWKS', { exact: true }).fill(JSON.stringify({ keys: [cust.jwk] }));
    await inspector.getByLabel('HTTP status').fill('400');
    await app.shoot('31-inspector-filled');
    await inspector.getByRole('button', { name: 'Inspect' }).click();

    const results = inspector.getByLabel('Inspector results');
    const cause = results.getByRole('list', { name: 'Most likely cause' });
    await expect(cause).toContainText('ASSERTION_ALG_NOT_ACCEPTED');
    await expect(cause).toContainText('RS256');
    await expect(cause).toContainText(/Fix:.*RS384/);
    await expect(results.getByRole('list', { name: 'Other findings' })).toContainText(
      'ASSERTION_SIGNATURE_INVALID',
    );
    await expect(
      results.getByText('Signature verified with key cust-RS256', { exact: true }),
    ).toBeVisible();
    await expect(results.getByRole('group', { name: 'Response' })).toContainText('HTTP 400');
    await expect(results.getByRole('group', { name: 'Response' })).toContainText(
      'invalid-signature',
    );
    // The results hold no secret: the assertion is shown decoded and as a placeholder only.
    const shown = await results.innerHTML();
    expect(shown).not.toContain(jwt);
    expect(shown).not.toContain(jwt.split('.')[2]);
    await expect(results.getByLabel('Report', { exact: true })).toContainText(
      'ASSERTION_ALG_NOT_ACCEPTED',
      {
        useInnerText: false,
      },
    );
    await app.shoot('32-inspector-result');
  } finally {
    await sim.close();
  }
});

test('a HAR file opened from disk: the failing entry is diagnosed, and another can be picked', async ({
  page,
  host,
}) => {
  const sim = await startOracleHealthSim();
  try {
    const cust = await customer('RS384', sim.urls.tokenEndpoint);
    sim.addClient({ clientId: 'cust-app', jwks: { keys: [cust.jwk] } });
    const entries = [];
    for (const bearer of [false, true]) {
      const jwt = await cust.sign();
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/Patient.read',
        ...(bearer ? {} : { client_assertion_type: CAT, client_assertion: jwt }),
      }).toString();
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
        ...(bearer ? { authorization: `Bearer ${jwt}` } : {}),
      };
      const res = await fetch(sim.urls.tokenEndpoint, { method: 'POST', headers, body });
      entries.push({
        startedDateTime: new Date().toISOString(),
        request: {
          method: 'POST',
          url: sim.urls.tokenEndpoint,
          headers: Object.entries(headers).map(([name, value]) => ({ name, value })),
          postData: { mimeType: 'application/x-www-form-urlencoded', text: body },
        },
        response: {
          status: res.status,
          headers: [...res.headers.entries()].map(([name, value]) => ({ name, value })),
          content: { text: await res.text() },
        },
      });
    }
    const file = join(mkdtempSync(join(tmpdir(), 'ofd-har-')), 'customer.har');
    writeFileSync(file, JSON.stringify({ log: { version: '1.2', entries } }));

    const app = new AppPage(page);
    await page.goto(host.openUrl);
    const inspector = await app.open('Inspector');
    await inspector.getByLabel('Evidence files').setInputFiles(file);
    await expect(
      inspector.getByRole('textbox', { name: 'Evidence 1: customer.har' }),
    ).not.toBeEmpty();
    await inspector.getByLabel('Vendor preset').selectOption('oracle-health');
    await inspector.getByRole('button', { name: 'Inspect' }).click();

    const results = inspector.getByLabel('Inspector results');
    await expect(results.getByRole('list', { name: 'Most likely cause' })).toContainText(
      'ASSERTION_IN_AUTH_HEADER',
    );
    await expect(results.getByRole('group', { name: 'Request' })).toContainText(
      'Bearer {{client_assertion}}',
    );
    const entry = results.getByLabel('HAR entry to diagnose');
    await expect(entry).toHaveValue('1');
    // Each entry says what it is and whether it failed, before its (long) URL.
    await expect(entry.locator('option:checked')).toHaveText(
      /^#1 token request, failed: 401 POST /,
    );
    await expect(entry.locator('option[value="0"]')).toHaveText(/^#0 token request: 200 POST /);
    await app.shoot('33-inspector-har');
    // The first entry succeeded: no cause to report.
    await entry.selectOption('0');
    await expect(
      results.getByText('No problem was found in what was given.', { exact: true }),
    ).toBeVisible();
    await expect(results.getByRole('group', { name: 'Response' })).toContainText('HTTP 200');
    await expect(results.getByRole('group', { name: 'Response' })).toContainText(
      '{{access_token}}',
    );
  } finally {
    await sim.close();
  }
});
