// SECURITY.md §7, case 16: token endpoint faults, through the engine's token request against a
// fault server on 127.0.0.1 (and a self-signed HTTPS server for the TLS case).
import { createServer as createHttps } from 'node:https';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY, DEFAULT_TIMEOUT_MS } from '../core/http.js';
import { must, testEngine } from '../core/test-helpers.js';
import { selfSignedCert } from '../testing/net.js';

const SECRET = 'sec16-canary-client-secret-0042';
const GOOD = JSON.stringify({
  access_token: 'at-0123456789abcdef',
  token_type: 'Bearer',
  expires_in: 300,
  scope: 'system/*.rs',
});

let faults: Server;
let elsewhere: Server;
let tls: Server;
let base: string;
let elsewhereBase: string;
let tlsBase: string;
/** Requests the redirect target received, with their Authorization header. */
const redirected: (string | undefined)[] = [];
const hanging: ServerResponse[] = [];
let flaky = true;

function answer(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? '';
  const send = (status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  if (path === '/html200')
    return send(200, 'text/html', '<!doctype html><html><body><h1>Portal</h1></body></html>');
  if (path === '/truncated') return send(200, 'application/json', GOOD.slice(0, 25));
  if (path === '/500')
    return send(
      500,
      'text/html',
      '<html><body><h1>Internal Server Error</h1><p>Tomcat</p></body></html>',
    );
  if (path === '/silent') return void hanging.push(res);
  if (path === '/302' || path === '/307') {
    res.writeHead(Number(path.slice(1)), { location: `${elsewhereBase}/token` });
    return res.end();
  }
  if (path === '/huge') {
    // 50 MB in 1 MB chunks; the client stops reading at its cap.
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    const more = () => {
      while (sent < 50) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    res.on('error', () => {});
    return more();
  }
  if (path === '/flaky')
    return flaky
      ? send(503, 'text/html', '<h1>Service Unavailable</h1>')
      : send(200, 'application/json', GOOD);
  return send(404, 'text/plain', 'nope');
}

beforeAll(async () => {
  faults = createServer(answer);
  elsewhere = createServer((req, res) => {
    redirected.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(GOOD);
  });
  await Promise.all([
    new Promise<void>((r) => faults.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r)),
  ]);
  base = `http://127.0.0.1:${(faults.address() as AddressInfo).port}`;
  elsewhereBase = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;

  const cert = selfSignedCert('ofd-sec16-');
  tls = createHttps({ key: cert.key, cert: cert.cert }, (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(GOOD);
  });
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  tlsBase = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of hanging) r.destroy();
  for (const s of [faults, elsewhere, tls]) s.closeAllConnections();
  await Promise.all([faults, elsewhere, tls].map((s) => new Promise((r) => s.close(r))));
});

async function tokenRequest(
  path: string,
  opts: { timeoutMs?: number; allowSelfSigned?: boolean; url?: string } = {},
) {
  const engine = testEngine(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {});
  const p = must(
    await engine.saveProfile({
      name: 'sec16',
      tokenEndpoint: opts.url ?? `${base}${path}`,
      clientId: 'c1',
      scope: 'system/*.rs',
      auth: { method: 'client_secret_basic', clientSecret: SECRET },
      ...(opts.allowSelfSigned ? { tls: { allowSelfSigned: true } } : {}),
    }),
  );
  const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
  const r = must(await engine.sendTokenRequest({ draftId: draft.id }));
  const exchanges = must(await engine.listExchanges());
  expect(JSON.stringify(exchanges)).not.toContain(SECRET);
  return { engine, draft, r, ex: exchanges.at(-1)! };
}

describe('sec-16 token endpoint faults', () => {
  it('sec-16 HTML with 200: not a token response, NON_JSON_RESPONSE', async () => {
    const { r, engine } = await tokenRequest('/html200');
    expect(r.ok).toBe(false);
    expect(r.findings[0]?.code).toBe('NON_JSON_RESPONSE');
    expect(must(await engine.getTokenSet()).tokens).toBeNull();
  });

  it('sec-16 truncated JSON: refused, no tokens held', async () => {
    const { r, engine } = await tokenRequest('/truncated');
    expect(r.ok).toBe(false);
    expect(r.findings.map((f) => f.code)).toContain('NON_JSON_RESPONSE');
    expect(must(await engine.getTokenSet()).tokens).toBeNull();
  });

  it('sec-16 500 with an HTML body: a server error, named', async () => {
    const { r } = await tokenRequest('/500');
    expect(r.ok).toBe(false);
    expect(r.status).toBe(500);
    expect(r.findings[0]?.code).toBe('SERVER_ERROR');
  });

  it('sec-16 no bytes at all: a bounded timeout (default ≤ 30 s), then a named failure', async () => {
    expect(DEFAULT_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
    const { r, ex } = await tokenRequest('/silent', { timeoutMs: 300 });
    expect(r.ok).toBe(false);
    expect(ex.error?.code).toBe('TIMEOUT');
    expect(r.findings[0]?.code).toBe('NETWORK_ERROR');
    expect(r.findings[0]?.evidence).toContain('no answer within the timeout');
  });

  it.each(['/302', '/307'])(
    'sec-16 %s to another host: not followed, credentials never sent there',
    async (path) => {
      redirected.length = 0;
      const { r, ex } = await tokenRequest(path);
      expect(r.ok).toBe(false);
      expect(r.status).toBe(Number(path.slice(1)));
      expect(ex.response?.redirectNotFollowed).toBe(`${elsewhereBase}/token`);
      expect(r.findings[0]?.code).toBe('WRONG_TOKEN_ENDPOINT');
      expect(redirected).toEqual([]);
    },
  );

  it('sec-16 a 50 MB answer: reading stops at the 1 MB cap with a message naming it', async () => {
    expect(DEFAULT_MAX_BODY).toBe(1024 * 1024);
    const { r, ex } = await tokenRequest('/huge');
    expect(r.ok).toBe(false);
    expect(ex.error?.code).toBe('BODY_TOO_LARGE');
    expect(ex.error?.message).toContain(`larger than ${DEFAULT_MAX_BODY / 1024} KB`);
    expect(ex.response?.truncated).toBe(true);
    expect(ex.response!.body.length).toBeLessThanOrEqual(DEFAULT_MAX_BODY);
    const f = r.findings.find((x) => x.title === 'Response too large');
    expect(f?.evidence).toContain(`${DEFAULT_MAX_BODY / 1024} KB`);
    expect(f?.fix).toContain('a token or metadata response is a few KB');
  });

  it('sec-16 a self-signed certificate: TLS_UNTRUSTED, never bypassed without the per-profile opt-in', async () => {
    const { r, ex } = await tokenRequest('', { url: `${tlsBase}/token` });
    expect(r.ok).toBe(false);
    expect(ex.error?.code).toBe('TLS_UNTRUSTED');
    expect(r.findings[0]?.code).toBe('TLS_UNTRUSTED');
    expect(ex.tls).toBeUndefined();
    const optIn = await tokenRequest('', { url: `${tlsBase}/token`, allowSelfSigned: true });
    expect(optIn.r.ok).toBe(true);
    expect(optIn.ex.tls?.warning).toContain('Certificate checks are OFF');
  });

  it('sec-16 the flow can be retried: the same draft is sent again after the fault', async () => {
    flaky = true;
    const { engine, draft, r } = await tokenRequest('/flaky');
    expect(r.ok).toBe(false);
    flaky = false;
    const again = must(await engine.sendTokenRequest({ draftId: draft.id }));
    expect(again.ok).toBe(true);
    expect(must(await engine.getTokenSet()).tokens?.accessToken.masked).toBeTruthy();
  });
});
