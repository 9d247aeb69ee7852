// issue 11 §3: one run with a canary value in every secret the walk carries. Afterwards every
// place the app writes or shows text is grepped for each one: the data folder, the web host's
// stdout and stderr, the browser console, every export, copy and download, and the page text
// of every step. Each must hold none of them.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startSmartServer, type SmartServer } from '../../electron/testing/smart-server.js';
import { expect, test } from '../fixtures/app.js';
import { AppPage, signInAtTestServer } from '../pages/app-page.js';
import {
  countHits,
  filesUnder,
  LeakTable,
  pageText,
  serveProcess,
  type ServedHost,
} from '../pages/leak-check.js';

const WEB_CLIENT = 'canary-web';
const BACKEND_CLIENT = 'canary-backend';
const canary = (what: string) => `canary-${what}-${randomBytes(12).toString('hex')}`;

/** Secret kind → every plaintext value of it seen in the run (set by the test or the server). */
type Canaries = Record<string, Set<string>>;

const KINDS = [
  'client secret',
  'private key',
  'generated key',
  'client assertion',
  'access token',
  'refresh token',
  'ID token',
  'authorization code',
  'PKCE verifier',
  'registration access token',
  'registered client secret',
  'passphrase',
] as const;

/** What the server read and answered, by kind (oidc-provider's own view of the values). */
function recordServerValues(canaries: Canaries) {
  const add = (kind: string, v: unknown) => {
    if (typeof v === 'string' && v.length >= 8) canaries[kind]!.add(v);
  };
  return (e: { path: string; params: Record<string, unknown>; body: unknown }) => {
    const body = (e.body && typeof e.body === 'object' ? e.body : {}) as Record<string, unknown>;
    add('client assertion', e.params.client_assertion);
    add('authorization code', e.params.code);
    add('PKCE verifier', e.params.code_verifier);
    add('refresh token', e.params.refresh_token);
    add('access token', body.access_token);
    add('refresh token', body.refresh_token);
    add('ID token', body.id_token);
    add('registration access token', body.registration_access_token);
    if (e.path.startsWith('/reg')) add('registered client secret', body.client_secret);
  };
}

/** A JWT's signature alone is as much a secret as the whole token. */
function needles(canaries: Canaries): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(canaries).map(([kind, values]) => [
      kind,
      [...values].flatMap((v) => {
        const parts = v.split('.');
        return parts.length === 3 && parts[2]!.length >= 16 ? [v, parts[2]!] : [v];
      }),
    ]),
  );
}

/** An RSA key's private members (JWK d, p, q, dp, dq, qi) and the PEM lines past the modulus. */
function privateParts(pem: string): string[] {
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  const lines = pem.trim().split('\n').slice(1, -1);
  return [jwk.d!, jwk.p!, jwk.q!, jwk.dp!, jwk.dq!, jwk.qi!, ...lines.slice(7, -1)];
}

/** The RFC 7638 thumbprint of the key's public part: the kid the app gives an imported key. */
function createPublicKeyThumbprint(pem: string): string {
  const { e, kty, n } = createPublicKey(pem).export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
}

async function openAllExchanges(page: Page) {
  const list = page.getByRole('list', { name: 'HTTP exchanges' });
  const summaries = list.locator('button.exchange-summary[aria-expanded="false"]');
  while ((await summaries.count()) > 0) await summaries.first().click();
}

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

test('no canary secret reaches the data folder, the logs, the console, an export or the page', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  const canaries: Canaries = Object.fromEntries(KINDS.map((k) => [k, new Set<string>()]));
  const selfCheck = new LeakTable(() => needles(canaries));

  // The secrets the test chooses: the client secret, the passphrase and the private key.
  const clientSecret = canary('client-secret');
  const passphrase = canary('passphrase');
  canaries['client secret']!.add(clientSecret);
  canaries['client secret']!.add(Buffer.from(`${WEB_CLIENT}:${clientSecret}`).toString('base64'));
  canaries.passphrase!.add(passphrase);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const importedKid = createPublicKeyThumbprint(pem);
  for (const v of privateParts(pem)) canaries['private key']!.add(v);
  const pemLines = pem.trim().split('\n').slice(1, -1);
  // The grep finds what it looks for (so a 0 below means absent, not a broken search).
  selfCheck.look('(self-check: the PEM itself)', pem);
  expect(selfCheck.hits()).toEqual([
    `(self-check: the PEM itself) × private key: ${pemLines.slice(7, -1).length}`,
  ]);
  const table = new LeakTable(() => needles(canaries));

  const smart: SmartServer = await startSmartServer({
    clients: [
      {
        client_id: BACKEND_CLIENT,
        token_endpoint_auth_method: 'private_key_jwt',
        hostedJwks: true,
      },
      {
        client_id: WEB_CLIENT,
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: clientSecret,
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['http://127.0.0.1/callback'],
      },
    ],
    onExchange: recordServerValues(canaries),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'ofd-canary-'));
  let host: ServedHost | undefined;
  const consoleLines: string[] = [];
  let callbackUrl: string | undefined;
  try {
    host = await serveProcess({ OFD_DATA_DIR: dataDir, OFD_PASSPHRASE: passphrase });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.url });
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}\n${e.stack ?? ''}`));
    const app = new AppPage(page);
    const snap = async (where: string) => table.look(`page: ${where}`, await pageText(page));
    await page.goto(host.openUrl);

    // 1. Backend services with private_key_jwt and an imported key.
    await app.createProfile({
      name: 'Canary backend',
      fhirBaseUrl: smart.fhirBase,
      clientId: BACKEND_CLIENT,
      scope: 'system/Patient.rs',
      method: 'private_key_jwt',
    });
    const keys = await app.open('Keys');
    await keys.getByLabel('PEM or JWK').fill(pem);
    await keys.getByLabel('Imported key alg').selectOption('RS384');
    await keys.getByRole('button', { name: 'Import key' }).click();
    await keys.getByRole('button', { name: 'Use in profile' }).click();
    await expect(keys.getByText(/^in profile$/i)).toBeVisible();
    await keys.getByRole('button', { name: 'Export JWKS' }).click();
    const jwksText =
      (await keys
        .getByRole('figure', { name: 'JWKS (public keys only)' })
        .locator('pre')
        .textContent()) ?? '';
    table.look('export: JWKS', jwksText);
    smart.setClientJwks(BACKEND_CLIENT, JSON.parse(jwksText) as never);
    // A key the engine generates: its private parts are known here only through the one place
    // meant to hold them, the PEM file "Export private key" writes (not grepped: it is the key).
    await keys.getByLabel('Key type').selectOption('RSA-2048');
    await keys.getByLabel('Algorithm').selectOption('RS384');
    await keys.getByRole('button', { name: 'Generate key' }).click();
    await expect(keys.getByRole('button', { name: 'Use in profile' })).toHaveCount(2);
    const exportTo = join(mkdtempSync(join(tmpdir(), 'ofd-canary-key-')), 'generated.pem');
    const keyToExport = keys.getByLabel('Key to export');
    const generatedOption = keyToExport.locator('option').filter({ hasNotText: importedKid });
    await keyToExport.selectOption((await generatedOption.getAttribute('value')) ?? '');
    await keys.getByLabel('File path').fill(exportTo);
    await keys.getByRole('button', { name: 'Export private key' }).click();
    await expect(keys.getByText('Private key written to')).toBeVisible();
    for (const v of privateParts(readFileSync(exportTo, 'utf8'))) canaries['generated key']!.add(v);
    await snap('Keys');

    const discovery = await app.open('Discovery');
    await discovery.getByRole('button', { name: 'Discover' }).click();
    await expect(discovery.getByText(smart.tokenEndpoint).first()).toBeVisible();
    const assertion = await app.open('Client assertion');
    await assertion.getByRole('button', { name: 'Build assertion' }).click();
    await expect(assertion.getByText('No problems found')).toBeVisible();
    await snap('Client assertion');
    const tokenReq = await app.open('Token request');
    await tokenReq.getByRole('button', { name: 'Prepare request' }).click();
    await tokenReq.getByRole('button', { name: 'Send request' }).click();
    await expect(tokenReq.getByText('200', { exact: false }).first()).toBeVisible();
    await snap('Token request (backend)');
    const tokens = await app.open('Tokens');
    await expect(tokens.getByText(/Signature verified with key server-rs256/)).toBeVisible();
    await snap('Tokens (backend)');
    const resource = await app.open('Resource request');
    await resource.getByLabel('FHIR path').fill('Patient?_count=1');
    await resource.getByRole('button', { name: 'Send GET' }).click();
    await expect(resource.getByText('"resourceType": "Bundle"').first()).toBeVisible();
    await snap('Resource request (backend)');

    // 2. Authorization code + PKCE with a confidential client (client_secret_basic).
    await app.open('Profile');
    const profile = app.step('Profile');
    await profile.getByRole('button', { name: 'New profile' }).click();
    await profile.getByLabel('Profile name').fill('Canary web app');
    await profile.getByLabel('Flow').selectOption('authorization-code');
    await profile.getByLabel('FHIR base URL').fill(smart.fhirBase);
    await profile.getByLabel('Client ID').fill(WEB_CLIENT);
    await profile
      .getByLabel('Scope')
      .fill('openid fhirUser offline_access launch/patient patient/*.rs');
    await profile.getByLabel('Auth method').selectOption('client_secret_basic');
    await profile.getByLabel('Client secret').fill(clientSecret);
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await expect(page.getByRole('banner')).toContainText('Canary web app');
    await snap('Profile (saved with the secret)');

    const auth = await app.open('Authorize');
    const signInTab = context.waitForEvent('page');
    await auth.getByRole('button', { name: 'Authorize in browser' }).click();
    const tab = await signInTab;
    await signInAtTestServer(tab);
    await expect(tab.getByText(/return to OAuth Flow Debugger/i)).toBeVisible();
    // Control: the code the server saw is the one the browser carried (the grep would find it).
    callbackUrl = tab.url();
    await tab.close();
    await expect(auth.getByRole('status', { name: 'Sign-in status' })).toContainText(/Signed in/i);
    await snap('Authorize');
    await auth.getByRole('button', { name: 'Open Tokens' }).click();
    const webTokens = app.step('Tokens');
    await expect(webTokens.getByRole('heading', { name: /ID token/ })).toBeVisible();
    await webTokens.getByRole('button', { name: 'Refresh now' }).click();
    await expect(webTokens.getByText(/^Result: Refresh/)).toBeVisible();
    await snap('Tokens (after refresh)');

    // 3. Dynamic registration (RFC 7591) and reading it back with its access token (RFC 7592).
    const reg = await app.open('Registration');
    await reg.getByRole('button', { name: 'Prepare registration' }).click();
    await reg.getByRole('button', { name: 'Send registration' }).click();
    await expect(reg.getByText('HTTP 201').first()).toBeVisible();
    await reg.getByRole('button', { name: 'Read registration' }).click();
    await expect(reg.getByText('HTTP 200').first()).toBeVisible();
    await snap('Registration');

    // Exports: the profile JSON, every exchange's curl and raw text, the Inspector report.
    await app.open('Profile');
    await app.step('Profile').getByRole('button', { name: 'Export', exact: true }).click();
    const exported = app.step('Profile').getByRole('figure', { name: 'Profile JSON (no secrets)' });
    table.look('export: profile JSON', (await exported.locator('pre').textContent()) ?? '');
    await openAllExchanges(page);
    await snap('Timeline (every exchange open)');
    const timeline = page.getByRole('complementary', { name: 'Timeline' });
    const curls = timeline.getByRole('button', { name: 'Copy as curl' });
    const n = await curls.count();
    expect(n).toBeGreaterThan(5);
    let firstTokenCurl = '';
    for (let i = 0; i < n; i++) {
      await curls.nth(i).click();
      const text = await clipboard(page);
      table.look('clipboard: Copy as curl (every exchange)', text);
      if (!firstTokenCurl && text.includes('/token')) firstTokenCurl = text;
    }
    const raws = timeline.getByRole('button', { name: 'Copy request and response' });
    for (let i = 0; i < (await raws.count()); i++) {
      await raws.nth(i).click();
      table.look('clipboard: Copy request and response', await clipboard(page));
    }

    const inspector = await app.open('Inspector');
    await inspector.getByRole('textbox', { name: 'Evidence 1' }).fill(firstTokenCurl);
    await inspector.getByRole('button', { name: 'Inspect' }).click();
    const results = inspector.getByLabel('Inspector results');
    await expect(results.getByRole('button', { name: 'Copy report' })).toBeVisible();
    await results.getByRole('button', { name: 'Copy report' }).click();
    table.look('clipboard: Inspector Copy report', await clipboard(page));
    const download = page.waitForEvent('download');
    await results.getByRole('button', { name: 'Save report…' }).click();
    const file = await (await download).path();
    table.look('download: inspector-report.md', readFileSync(file, 'utf8'));
    await snap('Inspector');

    // Every step once more, as a person would page through them at the end (the ones the rail
    // offers for this profile: Keys is not used by a client_secret_basic profile).
    for (const title of ['Profile', 'Discovery', 'Scopes', 'Keys', 'Token request', 'Tokens']) {
      const button = page.getByRole('navigation').getByRole('button', { name: title, exact: true });
      if ((await button.getAttribute('aria-disabled')) === 'true') continue;
      await app.open(title).then(() => snap(`${title} (end)`));
    }
  } finally {
    const code = await host?.stop();
    await smart.close();
    expect(code ?? 0).toBe(0);
  }

  // Every kind was really carried (the test knows a plaintext value of each).
  for (const kind of KINDS) expect(canaries[kind]!.size, kind).toBeGreaterThan(0);
  expect(countHits(callbackUrl ?? '', [...canaries['authorization code']!])).toBe(1);

  const files = filesUnder(dataDir);
  for (const [file, text] of files) table.look(`data dir: ${file}`, text);
  // The grep covered the stored secrets: the key, the client secret and the registration access
  // token are in the store, each as a passphrase-encrypted JWE (PBES2), nowhere in plaintext.
  const store = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')) as {
    secrets: Record<string, string>;
  };
  const stored = Object.entries(store.secrets);
  const expected: [RegExp, number][] = [
    [/^key:/, 2],
    [/:clientSecret$/, 1],
    [/:registrationAccessToken$/, 1],
  ];
  for (const [name, count] of expected)
    expect(stored.filter(([k]) => name.test(k)).length, String(name)).toBe(count);
  for (const [, v] of stored) {
    expect(v.split('.')).toHaveLength(5);
    expect(JSON.parse(Buffer.from(v.split('.')[0]!, 'base64url').toString()).alg).toMatch(/^PBES2/);
  }
  table.look('web host stdout', host!.stdout());
  table.look('web host stderr', host!.stderr());
  table.look('browser console', consoleLines.join('\n'));
  console.log(
    `Browser console (${consoleLines.length}): ${consoleLines.map((l) => l.slice(0, 160)).join(' | ')}\n` +
      `Data dir files: ${files.map(([f, t]) => `${f} (${t.length} bytes)`).join(', ')}.`,
  );
  console.log(
    `Canary values per kind: ${KINDS.map((k) => `${k} ${canaries[k]!.size}`).join(', ')}\n${table.render()}`,
  );
  expect(table.hits()).toEqual([]);
});
