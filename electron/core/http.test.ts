import { createServer as createHttps } from 'node:https';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must, testEngine } from './test-helpers.js';
import { selfSignedCert } from '../testing/net.js';

let plain: Server;
let tls: Server;
let base: string;
let tlsBase: string;
let caPath: string;
const hanging: import('node:http').ServerResponse[] = [];

beforeAll(async () => {
  plain = createServer((req, res) => {
    if (req.url === '/php/token') {
      res.writeHead(400, { 'content-type': 'text/html' });
      res.end(
        '<br />\n<b>Notice</b>:  Undefined offset: 1 in /var/www/phpseclib/RSA.php on line 2\n{"error":"invalid_client","error_description":"Client authentication failed"}',
      );
    } else if (req.url === '/html/token') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body><h1>Login</h1></body></html>');
    } else if (req.url === '/incomplete/.well-known/smart-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          token_endpoint: `${base}/php/token`,
          code_challenge_methods_supported: ['S256', 'plain'],
        }),
      );
    } else if (req.url === '/slow/token') hanging.push(res);
    else if (req.url === '/redirect/token') {
      res.writeHead(307, { location: 'https://elsewhere.example/token' });
      res.end();
    } else if (req.url === '/big/token') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;

  const cert = selfSignedCert();
  caPath = cert.certPath;
  tls = createHttps({ key: cert.key, cert: cert.cert }, (_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"error":"invalid_client"}');
  });
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  tlsBase = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of hanging) r.destroy();
  plain.closeAllConnections();
  tls.closeAllConnections();
  await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => tls.close(r))]);
});

async function send(
  tokenEndpoint: string,
  opts: { timeoutMs?: number; tls?: { caPath?: string; allowSelfSigned?: boolean } } = {},
) {
  const engine = testEngine(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {});
  const p = must(
    await engine.saveProfile({
      name: 'x',
      tokenEndpoint,
      clientId: 'c',
      scope: 'system/*.rs',
      auth: { method: 'client_secret_basic', clientSecret: 'canary-secret-777' },
      ...(opts.tls ? { tls: opts.tls } : {}),
    }),
  );
  const d = must(await engine.prepareTokenRequest({ profileId: p.id }));
  const r = must(await engine.sendTokenRequest({ draftId: d.id }));
  const ex = must(await engine.listExchanges());
  expect(ex).toHaveLength(1);
  expect(JSON.stringify(ex)).not.toContain('canary-secret-777');
  return { r, ex: ex[0]! };
}

describe('transport faults: a clear finding, and the exchange is still in the timeline', () => {
  it('JSON after a PHP notice is read and flagged', async () => {
    const { r, ex } = await send(`${base}/php/token`);
    expect(r.findings.map((f) => f.code)).toContain('NON_JSON_RESPONSE');
    expect(r.nonJsonPrefix).toContain('Notice');
    expect(r.body?.error).toBe('invalid_client');
    expect(ex.response?.body).toContain('Notice');
  });
  it('an HTML page with 200', async () => {
    const { r } = await send(`${base}/html/token`);
    expect(r.ok).toBe(false);
    expect(r.findings[0]?.code).toBe('NON_JSON_RESPONSE');
  });
  it('a timeout', async () => {
    const { r, ex } = await send(`${base}/slow/token`, { timeoutMs: 300 });
    expect(r.findings[0]?.code).toBe('NETWORK_ERROR');
    expect(ex.error?.code).toBe('TIMEOUT');
  });
  it('a refused connection', async () => {
    const { r, ex } = await send('http://127.0.0.1:9/token');
    expect(r.findings[0]?.code).toBe('NETWORK_ERROR');
    expect(ex.error?.message).toContain('refused');
  });
  it('an untrusted certificate, then trusted through the profile CA or an explicit opt-in', async () => {
    const { r, ex } = await send(`${tlsBase}/token`);
    expect(r.findings[0]?.code).toBe('TLS_UNTRUSTED');
    expect(ex.error?.code).toBe('TLS_UNTRUSTED');
    const withCa = await send(`${tlsBase}/token`, { tls: { caPath } });
    expect(withCa.r.status).toBe(400);
    const optIn = await send(`${tlsBase}/token`, { tls: { allowSelfSigned: true } });
    expect(optIn.r.status).toBe(400);
    expect(optIn.ex.tls?.warning).toContain('OFF');
  });
  it('a redirect is not followed with credentials', async () => {
    const { r, ex } = await send(`${base}/redirect/token`);
    expect(r.status).toBe(307);
    expect(ex.response?.redirectNotFollowed).toBe('https://elsewhere.example/token');
    expect(r.findings[0]?.code).toBe('WRONG_TOKEN_ENDPOINT');
    expect(r.findings[0]?.evidence).toContain('elsewhere.example');
  });
  it('a body over the cap is cut and flagged', async () => {
    const { ex } = await send(`${base}/big/token`);
    expect(ex.error?.code).toBe('BODY_TOO_LARGE');
    expect(ex.response?.truncated).toBe(true);
  });
  it('a wrong path gives ENDPOINT_NOT_FOUND', async () => {
    const { r } = await send(`${base}/nope/token`);
    expect(r.findings[0]?.code).toBe('ENDPOINT_NOT_FOUND');
  });
});

describe('discovery and client-key checks', () => {
  it('flags missing required SMART fields and an advertised plain PKCE method', async () => {
    const engine = testEngine();
    const d = must(await engine.discover({ fhirBaseUrl: `${base}/incomplete` }));
    expect(d.tokenEndpoint).toBe(`${base}/php/token`);
    const incomplete = d.findings.filter((f) => f.code === 'DISCOVERY_INCOMPLETE');
    expect(incomplete.map((f) => f.evidence).join(' ')).toContain(
      'grant_types_supported, capabilities',
    );
    expect(incomplete.map((f) => f.evidence).join(' ')).toContain('plain');
    const smart = d.documents.find((x) => x.kind === 'smart-configuration')!;
    expect(smart.fields.find((f) => f.name === 'capabilities')?.status).toBe('missing-required');
  });

  it('reports an unreachable registered JWKS URL and a jku that differs from it', async () => {
    const engine = testEngine();
    const key = must(await engine.generateKey({ kind: 'EC-P-384', alg: 'ES384' }));
    const p = must(
      await engine.saveProfile({
        name: 'k',
        tokenEndpoint: `${base}/php/token`,
        jwksUri: `${base}/missing/jwks.json`,
        clientId: 'c',
        scope: 'system/*.rs',
        auth: { method: 'private_key_jwt', keyId: key.id },
      }),
    );
    const a = must(
      await engine.buildAssertion({
        profileId: p.id,
        overrides: { header: { jku: 'https://other.example/jwks.json' } },
      }),
    );
    const codes = a.lint.map((f) => f.code);
    expect(codes).toContain('JWKS_UNREACHABLE');
    expect(codes).toContain('ASSERTION_JKU_MISMATCH');
    expect(
      must(await engine.listExchanges()).some((e) => e.request.url.endsWith('/missing/jwks.json')),
    ).toBe(true);
    must(await engine.clearExchanges());
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    expect(draft.preflight.map((f) => f.code)).toContain('JWKS_UNREACHABLE');
    const sent = must(await engine.sendTokenRequest({ draftId: draft.id }));
    expect(sent.findings.map((f) => f.code)).toContain('JWKS_UNREACHABLE');
    // Prepared and sent: the registered JWKS URL is fetched once, not once per step.
    const fetches = must(await engine.listExchanges()).filter((e) =>
      e.request.url.endsWith('/missing/jwks.json'),
    );
    expect(fetches).toHaveLength(1);
  });
});
