/**
 * App settings (issue 13) against real servers on 127.0.0.1:0: TLS trust per profile (a
 * self-signed certificate made at test time), the proxy (a real CONNECT proxy in the test), the
 * request timeout (a server that never answers) and the clock-skew tolerance; settings persist in
 * the data folder, and a corrupt settings file is kept aside with a notice.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_INPUTS } from '../../shared/api/inputs.js';
import type { ProfileInput } from '../../shared/types.js';
import { selfSignedCert } from '../testing/net.js';
import { Engine } from './engine.js';
import { idTokenView } from './id-token.js';
import { nodePorts } from './node-ports.js';
import { must, testEngine } from './test-helpers.js';

let target: Server;
let targetBase: string;
let tls: Server;
let tlsBase: string;
let caPem: string;
let proxy: Server;
let proxyUrl: string;
/** What the proxy was asked for: the CONNECT authority (or forwarded URL) and its credentials. */
const proxied: { target: string; auth?: string }[] = [];
const hanging: ServerResponse[] = [];
const tunnels: Socket[] = [];

const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
};

beforeAll(async () => {
  target = createServer((req, res) => {
    if (req.url === '/slow/token') return void hanging.push(res);
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"error":"invalid_client"}');
  });
  targetBase = `http://127.0.0.1:${await listen(target)}`;

  const cert = selfSignedCert('ofd-settings-tls-');
  caPem = cert.cert.toString('utf8');
  tls = createHttps({ key: cert.key, cert: cert.cert }, (_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"error":"invalid_client"}');
  });
  tlsBase = `https://127.0.0.1:${await listen(tls)}`;

  // A small forward proxy: CONNECT tunnels, and plain absolute-URL requests forwarded.
  proxy = createServer((req, res) => {
    const auth = req.headers['proxy-authorization'];
    proxied.push({ target: req.url ?? '', ...(auth ? { auth } : {}) });
    const url = new URL(req.url ?? '');
    const up = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: req.method,
        headers: req.headers,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    req.pipe(up);
  });
  proxy.on('connect', (req, socket: Socket, head) => {
    const auth = req.headers['proxy-authorization'];
    proxied.push({ target: req.url ?? '', ...(auth ? { auth } : {}) });
    const [host, port] = (req.url ?? '').split(':');
    const up = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    tunnels.push(socket, up);
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterAll(async () => {
  for (const r of hanging) r.destroy();
  for (const s of tunnels) s.destroy();
  for (const s of [target, tls, proxy]) s.closeAllConnections();
  await Promise.all([target, tls, proxy].map((s) => new Promise((r) => s.close(r))));
});

const profile = (tokenEndpoint: string, extra: Partial<ProfileInput> = {}): ProfileInput => ({
  name: 'settings',
  tokenEndpoint,
  clientId: 'c',
  scope: 'system/*.rs',
  auth: { method: 'client_secret_basic', clientSecret: 'canary-secret-4242' },
  ...extra,
});

/** Saves the profile, sends its token request, and returns the one exchange it made. */
async function sendWith(engine: Engine, p: ProfileInput) {
  const saved = must(await engine.saveProfile(p));
  const d = must(await engine.prepareTokenRequest({ profileId: saved.id }));
  const r = must(await engine.sendTokenRequest({ draftId: d.id }));
  const all = must(await engine.listExchanges());
  return { r, ex: all.at(-1)! };
}

describe('TLS per profile', () => {
  it('refuses a self-signed certificate by default with TLS_UNTRUSTED', async () => {
    const { r, ex } = await sendWith(testEngine(), profile(`${tlsBase}/token`));
    expect(ex.error?.code).toBe('TLS_UNTRUSTED');
    expect(r.findings[0]?.code).toBe('TLS_UNTRUSTED');
    expect(ex.tls).toBeUndefined();
  });

  it('accepts it with the opt-in, and the exchange carries the warning', async () => {
    const { r, ex } = await sendWith(
      testEngine(),
      profile(`${tlsBase}/token`, { tls: { allowSelfSigned: true } }),
    );
    expect(ex.error).toBeUndefined();
    expect(r.status).toBe(400);
    expect(ex.tls?.allowSelfSigned).toBe(true);
    expect(ex.tls?.warning).toMatch(/Certificate checks are OFF/);
  });

  it('accepts it through a CA chosen by file (held in the profile), without a warning', async () => {
    const engine = testEngine();
    const { r, ex } = await sendWith(
      engine,
      profile(`${tlsBase}/token`, { tls: { caPem, caName: 'test-ca.pem' } }),
    );
    expect(ex.error).toBeUndefined();
    expect(r.status).toBe(400);
    expect(ex.tls?.customCa).toBe(true);
    expect(ex.tls?.warning).toBeUndefined();
    const [view] = must(await engine.listProfiles());
    expect(view?.tls?.caName).toBe('test-ca.pem');
  });

  it('refuses CA text that is not a certificate, in words, and saves nothing', async () => {
    const engine = testEngine();
    const r = await engine.saveProfile(
      profile(`${tlsBase}/token`, { tls: { caPem: 'this is not a certificate' } }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toContain('holds no PEM certificate');
    }
    expect(must(await engine.listProfiles())).toHaveLength(0);
  });
});

describe('proxy', () => {
  it('a custom proxy sees the request (with its basic credentials); none goes direct', async () => {
    const engine = testEngine();
    const saved = must(
      await engine.saveSettings({
        proxy: { mode: 'custom', url: proxyUrl, username: 'proxy-user', password: 'proxy-pw-9911' },
      }),
    );
    expect(saved.proxy).toMatchObject({ mode: 'custom', url: proxyUrl, hasPassword: true });
    expect(JSON.stringify(saved)).not.toContain('proxy-pw-9911');

    proxied.length = 0;
    const via = await sendWith(engine, profile(`${targetBase}/token`));
    expect(via.r.status).toBe(400);
    const port = new URL(targetBase).port;
    expect(proxied.some((p) => p.target.includes(`127.0.0.1:${port}`))).toBe(true);
    expect(proxied[0]?.auth).toBe(
      `Basic ${Buffer.from('proxy-user:proxy-pw-9911').toString('base64')}`,
    );
    // The proxy password reaches neither the timeline nor a settings view.
    expect(JSON.stringify(must(await engine.listExchanges()))).not.toContain('proxy-pw-9911');
    expect(JSON.stringify(must(await engine.getSettings()))).not.toContain('proxy-pw-9911');

    must(await engine.saveSettings({ proxy: { mode: 'none' } }));
    proxied.length = 0;
    const direct = await sendWith(engine, profile(`${targetBase}/token`));
    expect(direct.r.status).toBe(400);
    expect(proxied).toHaveLength(0);
  });

  it('refuses a proxy URL with credentials in it, at the field, in words', () => {
    const r = API_INPUTS.saveSettings.safeParse([
      { proxy: { mode: 'custom', url: 'http://u:secret@127.0.0.1:3128' } },
    ]);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual([0, 'proxy', 'url']);
    expect(r.error?.issues[0]?.message).toContain('Leave credentials out of the URL');
  });
});

describe('request timeout', () => {
  it('a server that never answers gives TIMEOUT after the app setting', async () => {
    const engine = testEngine();
    must(await engine.saveSettings({ requestTimeoutSec: 1 }));
    const { ex } = await sendWith(engine, profile(`${targetBase}/slow/token`));
    expect(ex.error?.code).toBe('TIMEOUT');
    expect(ex.error?.message).toContain('within 1 s');
  });

  it("the profile's override wins over the app setting", async () => {
    const engine = testEngine();
    must(await engine.saveSettings({ requestTimeoutSec: 600 }));
    const { ex } = await sendWith(
      engine,
      profile(`${targetBase}/slow/token`, { requestTimeoutSec: 1 }),
    );
    expect(ex.error?.code).toBe('TIMEOUT');
    expect(ex.error?.message).toContain('within 1 s');
  });

  it('refuses a timeout out of range in words', async () => {
    const r = await testEngine().saveSettings({ requestTimeoutSec: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('between 1 and 600 seconds');
  });
});

describe('clock-skew tolerance', () => {
  const now = 1_900_000_000;

  async function assertionWithIat(iat: number) {
    const { privateKey } = await generateKeyPair('ES256');
    return new SignJWT({ jti: 'j1' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'k' })
      .setIssuer('c')
      .setSubject('c')
      .setAudience('https://as.example/token')
      .setIssuedAt(iat)
      .setExpirationTime(now + 240)
      .sign(privateKey);
  }

  it('an assertion with iat 30 s ahead: accepted within the tolerance, flagged beyond it', async () => {
    const engine = testEngine({ now: () => now * 1000 });
    const jwt = await assertionWithIat(now + 30);
    const within = must(await engine.inspectAssertion({ jwt }));
    expect(within.findings.map((f) => f.code)).not.toContain('CLOCK_SKEW');

    must(await engine.saveSettings({ clockSkewSec: 10 }));
    const beyond = must(await engine.inspectAssertion({ jwt }));
    const skew = beyond.findings.find((f) => f.code === 'CLOCK_SKEW');
    expect(skew?.evidence).toContain('30 s in the future, beyond the 10 s');
  });

  it("the Inspector judges the customer's clock against the server's Date with the tolerance", async () => {
    const engine = testEngine({ now: () => now * 1000 });
    // Signed 40 s before the server's Date: within the default 60 s, beyond a 10 s tolerance.
    const jwt = await assertionWithIat(now - 40);
    const response = [
      'HTTP/1.1 401 Unauthorized',
      `Date: ${new Date(now * 1000).toUTCString()}`,
      'Content-Type: application/json',
      '',
      '{"error":"invalid_client"}',
    ].join('\r\n');
    const items = [{ text: jwt }, { text: response }];
    const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code);
    const within = must(await engine.inspect({ items }));
    expect(codes(within)).not.toContain('CLOCK_SKEW');

    must(await engine.saveSettings({ clockSkewSec: 10 }));
    const beyond = must(await engine.inspect({ items }));
    expect(codes(beyond)).toContain('CLOCK_SKEW');
  });

  it('an id_token with iat 30 s ahead: accepted within the tolerance, flagged beyond it', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const idToken = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('https://as.example')
      .setSubject('u')
      .setAudience('c')
      .setIssuedAt(now + 30)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    const base = { clientId: 'c', issuer: 'https://as.example', now };
    const within = await idTokenView(idToken, { ...base, skewSec: 60 });
    expect(within.checks?.find((c) => c.name === 'iat')).toMatchObject({ ok: true });
    expect(within.findings.map((f) => f.code)).not.toContain('CLOCK_SKEW');
    const beyond = await idTokenView(idToken, { ...base, skewSec: 10 });
    expect(beyond.checks?.find((c) => c.name === 'iat')).toMatchObject({ ok: false });
    expect(beyond.findings.find((f) => f.code === 'CLOCK_SKEW')?.evidence).toContain(
      'beyond the 10 s clock-skew tolerance',
    );
  });
});

describe('persistence', () => {
  it('settings survive a restart in the data folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofd-settings-'));
    const first = new Engine(nodePorts({ dataDir: dir, passphrase: 'settings test passphrase' }));
    must(await first.saveSettings({ requestTimeoutSec: 12, clockSkewSec: 5, theme: 'dark' }));
    const again = new Engine(nodePorts({ dataDir: dir, passphrase: 'settings test passphrase' }));
    const s = must(await again.getSettings());
    expect(s).toMatchObject({ requestTimeoutSec: 12, clockSkewSec: 5, theme: 'dark' });
    expect(s.persisted).toBe(true);
    expect(s.notice).toBeUndefined();
  });

  it('a corrupt settings file is kept aside with a notice, and the defaults apply', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ofd-settings-bad-'));
    writeFileSync(join(dir, 'settings.json'), '{"format": "oauth-flow-debugger-settings", ');
    const engine = new Engine(nodePorts({ dataDir: dir, passphrase: 'settings test passphrase' }));
    const s = must(await engine.getSettings());
    expect(s.requestTimeoutSec).toBe(30);
    expect(s.notice).toMatch(/could not be read .* kept as .*settings\.json\.corrupt-/);
    const aside = /kept as (\S+) and/.exec(s.notice ?? '')?.[1];
    expect(aside && existsSync(aside)).toBe(true);
    expect(readFileSync(aside!, 'utf8')).toContain('oauth-flow-debugger-settings');
    expect(existsSync(join(dir, 'settings.json'))).toBe(false);
  });
});
