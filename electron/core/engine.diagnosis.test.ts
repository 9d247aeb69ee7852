/**
 * Issue 9 §4: correct on plain OAuth/OIDC and on SMART servers. Each behaviour against a small
 * real HTTP server that answers as the case needs and records what the engine sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url } from 'jose';
import { must, testEngine } from './test-helpers.js';
import type { Engine } from './engine.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Answer = { status: number; headers?: Record<string, string>; body: string };

let server: Server;
let base = '';
const seen: Seen[] = [];
let answer: (req: Seen) => Answer = () => ({ status: 404, body: '' });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let engine: Engine;
beforeAll(() => {
  engine = testEngine();
});

const enc = (o: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(o)));

describe('tokens a client cannot verify', () => {
  it('an HS256 access token is "not verifiable by a client", never a failed signature', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ keys: [] }) });
    const hs = `${enc({ alg: 'HS256', typ: 'at+jwt' })}.${enc({ sub: 'x', exp: 4102444800 })}.c2ln`;
    const r = must(await engine.decodeToken({ token: hs, jwksUrl: `${base}/jwks` }));
    expect(r.verification.status).toBe('unchecked');
    expect(r.verification.message).toMatch(/not verifiable by a client/);
    expect(r.findings.map((f) => f.code)).not.toContain('TOKEN_SIGNATURE_INVALID');
  });
});

describe('introspection with a Bearer token (RFC 7662 §2.1)', () => {
  it('the profile’s stored token, or --bearer, replaces client authentication', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ active: true, scope: 'a' }) });
    const p = must(
      await engine.saveProfile({
        name: 'introspect-bearer',
        introspectionEndpoint: `${base}/introspect`,
        tokenEndpoint: `${base}/token`,
        clientId: 'rs',
        scope: '',
        auth: { method: 'client_secret_basic', clientSecret: 'the-secret' },
        introspectionToken: 'stored-bearer-token',
      }),
    );
    expect(p.hasIntrospectionToken).toBe(true);
    seen.length = 0;
    const r = must(
      await engine.introspectToken({ profileId: p.id, which: 'access_token', token: 'tok' }),
    );
    expect(r.ok).toBe(true);
    expect(seen[0]!.headers.authorization).toBe('Bearer stored-bearer-token');
    expect(seen[0]!.body).toBe('token=tok&token_type_hint=access_token');
    seen.length = 0;
    must(
      await engine.introspectToken({
        profileId: p.id,
        which: 'access_token',
        token: 'tok',
        bearer: 'given-bearer',
      }),
    );
    expect(seen[0]!.headers.authorization).toBe('Bearer given-bearer');
    // The Bearer token is a secret: masked in the timeline.
    const ex = must(await engine.listExchanges()).at(-1)!;
    expect(JSON.stringify(ex)).not.toContain('given-bearer');
  });

  it('a refused Bearer token is diagnosed like any refusal, with the server’s words', async () => {
    answer = () => ({
      status: 401,
      headers: {
        'www-authenticate': 'Bearer error="invalid_token", error_description="token expired"',
      },
      body: '',
    });
    const p = must(
      await engine.saveProfile({
        name: 'introspect-refused',
        introspectionEndpoint: `${base}/introspect`,
        tokenEndpoint: `${base}/token`,
        clientId: 'rs',
        scope: '',
        auth: { method: 'none' },
      }),
    );
    const r = must(
      await engine.introspectToken({
        profileId: p.id,
        which: 'access_token',
        token: 't',
        bearer: 'b',
      }),
    );
    expect(r.ok).toBe(false);
    expect(r.findings[0]).toMatchObject({ basis: 'server' });
    expect(r.findings[0]!.evidence).toContain('token expired');
  });
});

describe('client_id beside a client assertion', () => {
  it('is sent when the profile asks (auth.sendClientId), and suggested when the server wants it', async () => {
    const key = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
    const profile = (sendClientId: boolean) =>
      engine.saveProfile({
        name: `assertion-${sendClientId}`,
        tokenEndpoint: `${base}/token`,
        clientId: 'svc',
        scope: 'system/*.rs',
        auth: {
          method: 'private_key_jwt',
          keyId: key.id,
          alg: 'RS384',
          ...(sendClientId ? { sendClientId } : {}),
        },
      });
    const on = must(await profile(true));
    const draft = must(await engine.prepareTokenRequest({ profileId: on.id }));
    expect(draft.params.find(([n]) => n === 'client_id')?.[1]).toBe('svc');

    const off = must(await profile(false));
    const d2 = must(await engine.prepareTokenRequest({ profileId: off.id }));
    expect(d2.params.some(([n]) => n === 'client_id')).toBe(false);
    answer = () => ({
      status: 400,
      body: JSON.stringify({
        error: 'invalid_request',
        error_description: 'client_id is required',
      }),
    });
    const r = must(await engine.sendTokenRequest({ draftId: d2.id }));
    expect(r.findings[0]!.fix).toMatch(/Send client_id with the assertion/);
    expect(r.findings[0]!.evidence).toMatch(/RFC 7521 makes client_id optional/);
  });
});

describe('discovery', () => {
  const smart = (extra: Record<string, unknown> = {}) => ({
    issuer: base,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    capabilities: ['client-confidential-asymmetric'],
    ...extra,
  });

  it('accepts a full well-known URL and follows a redirect, showing its Location', async () => {
    answer = (req) =>
      req.url === '/old/.well-known/smart-configuration'
        ? { status: 301, headers: { location: '/fhir/.well-known/smart-configuration' }, body: '' }
        : req.url === '/fhir/.well-known/smart-configuration'
          ? {
              status: 200,
              body: JSON.stringify(
                smart({
                  token_endpoint_auth_methods_supported: ['private_key_jwt'],
                  token_endpoint_auth_signing_alg_values_supported: ['RS384'],
                }),
              ),
            }
          : { status: 404, body: '' };
    const d = must(
      await engine.discover({ fhirBaseUrl: `${base}/old/.well-known/smart-configuration` }),
    );
    const doc = d.documents.find((x) => x.kind === 'smart-configuration')!;
    expect(doc.url).toBe(`${base}/old/.well-known/smart-configuration`);
    expect(doc.ok).toBe(true);
    expect(doc.redirectedTo).toBe(`${base}/fhir/.well-known/smart-configuration`);
    const hop = d.findings.find((f) => f.title === 'Discovery was redirected');
    expect(hop?.evidence).toContain(`Location ${base}/fhir/.well-known/smart-configuration`);
    expect(d.tokenEndpoint).toBe(`${base}/token`);
  });

  it('no warning contradicts the documents: auth fields the OpenID document advertises count', async () => {
    answer = (req) =>
      req.url === '/.well-known/smart-configuration'
        ? { status: 200, body: JSON.stringify(smart()) }
        : req.url === '/.well-known/openid-configuration'
          ? {
              status: 200,
              body: JSON.stringify({
                ...smart(),
                token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
                token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
              }),
            }
          : { status: 404, body: '' };
    const d = must(await engine.discover({ fhirBaseUrl: base }));
    expect(d.findings.map((f) => f.title)).not.toContain(
      'Discovery does not advertise asymmetric client authentication',
    );
    expect(d.authMethods).toContain('private_key_jwt');
  });
});

describe('redirect URIs and the flow', () => {
  it('register sends the profile’s redirectUri whatever the flow; with no flow, a redirectUri means the code flow', async () => {
    answer = () => ({ status: 404, body: '' });
    const backend = must(
      await engine.saveProfile({
        name: 'backend-with-redirect',
        flow: 'backend-services',
        registrationEndpoint: `${base}/register`,
        tokenEndpoint: `${base}/token`,
        clientId: '',
        scope: 'system/*.rs',
        redirectUri: 'https://app.example.com/cb',
        auth: { method: 'client_secret_basic' },
      }),
    );
    const r1 = JSON.parse(
      must(await engine.prepareRegistration({ profileId: backend.id })).body,
    ) as Record<string, unknown>;
    expect(r1.redirect_uris).toEqual(['https://app.example.com/cb']);

    const noFlow = must(
      await engine.saveProfile({
        name: 'no-flow',
        registrationEndpoint: `${base}/register`,
        tokenEndpoint: `${base}/token`,
        clientId: 'app',
        scope: 'openid',
        redirectUri: 'https://app.example.com/cb',
        auth: { method: 'none' },
      }),
    );
    const r2 = JSON.parse(
      must(await engine.prepareRegistration({ profileId: noFlow.id })).body,
    ) as Record<string, unknown>;
    expect(r2.grant_types).toContain('authorization_code');
    // The token request follows the same flow: it wants the code of an authorization.
    const t = await engine.prepareTokenRequest({ profileId: noFlow.id });
    expect(t.ok).toBe(false);
    expect(!t.ok && t.error.message).toMatch(/No authorization code has been received/);
  });
});
