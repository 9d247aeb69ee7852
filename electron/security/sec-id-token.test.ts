// SECURITY.md §7, cases 5 and 6: id_token validation in the code flow. Case 5 runs the real
// authorization code flow against oidc-provider (electron/testing/smart-server.ts) with the
// id_token re-signed by another key; case 6 feeds the engine's validator one claim fault at a time.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { ID_TOKEN_SKEW_SEC, idTokenView, type IdTokenExpectations } from '../core/id-token.js';
import { must, recordedExchanges, testEngine, waitForAuthorization } from '../core/test-helpers.js';

const NOW = Math.floor(Date.now() / 1000);
const half = (alg: string, v: string) => {
  const d = createHash(`sha${alg.slice(2)}`)
    .update(v)
    .digest();
  return d.subarray(0, d.length / 2).toString('base64url');
};

describe('sec-05 invalid id_token signature in the code flow', () => {
  let server: SmartServer;
  const requests: string[] = [];
  beforeAll(async () => {
    server = await startSmartServer({
      clients: [
        {
          client_id: 'native-app',
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          redirect_uris: ['http://127.0.0.1/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
        },
      ],
      onRequest: (method, path) => requests.push(`${method} ${path}`),
    });
  });
  afterAll(() => server?.close());

  it('sec-05 RS256 signed by another key: failed at "ID token validation"; no userinfo or FHIR call', async () => {
    server.tamper.idToken = 'signature';
    try {
      const engine = testEngine();
      const p = must(
        await engine.saveProfile({
          name: 'native',
          flow: 'authorization-code',
          fhirBaseUrl: server.fhirBase,
          clientId: 'native-app',
          scope: 'openid fhirUser patient/Patient.rs',
          auth: { method: 'none' },
        }),
      );
      const flow = must(await engine.startAuthorization({ profileId: p.id, open: false }));
      await fetch(await completeDevLogin(flow.url, { redirectPrefix: flow.redirectUri }));
      const done = await waitForAuthorization(engine, flow.id);
      expect(done.status).toBe('failed');
      expect(done.token?.ok).toBe(false);
      const first = done.token!.findings[0]!;
      expect(first.code).toBe('ID_TOKEN_INVALID');
      expect(first.title).toBe('id_token signature check failed');
      expect(done.token?.idToken?.verification.status).toBe('failed');

      requests.length = 0;
      const before = recordedExchanges(engine).length;
      const info = await engine.callUserinfo({ profileId: p.id });
      expect(info.ok ? '' : info.error.code).toBe('FORBIDDEN');
      expect(info.ok ? '' : info.error.message).toContain('id_token');
      const fhir = await engine.callResource({ profileId: p.id, path: 'Patient' });
      expect(fhir.ok ? '' : fhir.error.code).toBe('FORBIDDEN');
      expect(requests.filter((r) => /\/me|\/fhir/.test(r))).toEqual([]);
      expect(recordedExchanges(engine)).toHaveLength(before);
    } finally {
      delete server.tamper.idToken;
    }
  });

  it('sec-05 ES256 and HS256 id_tokens with a bad signature fail the signature check', async () => {
    const good = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(good.publicKey)), kid: 'e1' }] };
    const claims = { iss: 'https://as.example', aud: 'c1', sub: 'alice', iat: NOW, exp: NOW + 60 };
    const x = { clientId: 'c1', issuer: 'https://as.example', now: NOW, jwks };
    const es = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'e1' });
    const ok = await idTokenView(await es.sign(good.privateKey), x);
    expect(ok.verification.status).toBe('verified');
    const bad = await idTokenView(await es.sign(other.privateKey), x);
    expect(bad.verification.status).toBe('failed');
    expect(bad.verification.message).toContain('does not verify');
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('some-shared-secret-of-32-bytes!!'));
    const h = await idTokenView(hs, x);
    expect(h.verification.status).toBe('failed');
    expect(h.findings[0]).toMatchObject({ code: 'ID_TOKEN_INVALID', severity: 'error' });
  });
});

describe('sec-06 id_token claim faults, one at a time', () => {
  let key: CryptoKey;
  let jwks: { keys: JWK[] };
  const accessToken = 'opaque-access-token-value-0123456789';
  const code = 'authorization-code-value-0123456789';
  const base = () => ({
    iss: 'https://as.example',
    aud: 'client-1',
    sub: 'alice',
    nonce: 'n-1',
    iat: NOW,
    exp: NOW + 300,
    at_hash: half('RS256', accessToken),
    c_hash: half('RS256', code),
  });
  const known: IdTokenExpectations = {
    clientId: 'client-1',
    issuer: 'https://as.example',
    nonce: 'n-1',
    accessToken,
    code,
    now: NOW,
    jwks: { keys: [] },
  };
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1' }] };
    known.jwks = jwks;
  });
  const view = async (
    change: (c: Record<string, unknown>) => void,
    x: Partial<IdTokenExpectations> = {},
  ) => {
    const c: Record<string, unknown> = base();
    change(c);
    const jwt = await new SignJWT(c).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
    return idTokenView(jwt, { ...known, ...x });
  };
  const failedChecks = async (change: (c: Record<string, unknown>) => void) =>
    (await view(change)).checks!.filter((c) => !c.ok).map((c) => c.name);

  it('sec-06 the untouched id_token passes every check', async () => {
    const v = await view(() => {});
    expect(v.findings).toEqual([]);
    expect(v.checks!.map((c) => c.name)).toEqual([
      'signature',
      'iss',
      'aud',
      'nonce',
      'exp',
      'iat',
      'at_hash',
      'c_hash',
    ]);
  });

  const faults: [string, (c: Record<string, unknown>) => unknown, string, string][] = [
    [
      'wrong iss',
      (c: Record<string, unknown>) => (c.iss = 'https://evil.example'),
      'iss',
      'ISSUER_MISMATCH',
    ],
    ['missing aud', (c: Record<string, unknown>) => delete c.aud, 'aud', 'ID_TOKEN_INVALID'],
    [
      'aud array without client_id',
      (c: Record<string, unknown>) => (c.aud = ['api', 'other']),
      'aud',
      'ID_TOKEN_INVALID',
    ],
    [
      'exp in the past',
      (c: Record<string, unknown>) => (c.exp = NOW - 3600),
      'exp',
      'ID_TOKEN_INVALID',
    ],
    [
      'nbf in the future',
      (c: Record<string, unknown>) => (c.nbf = NOW + 3600),
      'nbf',
      'ID_TOKEN_INVALID',
    ],
    ['missing iat', (c: Record<string, unknown>) => delete c.iat, 'iat', 'ID_TOKEN_INVALID'],
    [
      'nonce mismatch',
      (c: Record<string, unknown>) => (c.nonce = 'n-2'),
      'nonce',
      'ID_TOKEN_INVALID',
    ],
    [
      'wrong at_hash',
      (c: Record<string, unknown>) => (c.at_hash = half('RS256', 'other')),
      'at_hash',
      'ID_TOKEN_INVALID',
    ],
    [
      'wrong c_hash',
      (c: Record<string, unknown>) => (c.c_hash = half('RS256', 'other')),
      'c_hash',
      'ID_TOKEN_INVALID',
    ],
  ];
  it.each(faults)(
    'sec-06 %s: one named failed check and its error finding',
    async (_n, change, check, codeName) => {
      const failed = await failedChecks(change);
      // aud arrays also need azp; without client_id in aud only aud (and azp) fail.
      expect(failed.filter((f) => f !== 'azp')).toEqual([check]);
      const v = await view(change);
      const f = v.findings.find((x) =>
        x.evidence.startsWith(`id_token${check === 'iss' ? ':' : ` ${check}:`}`),
      );
      expect(f).toMatchObject({ code: codeName, severity: 'error' });
    },
  );

  it('sec-06 clock skew: 60 s by default, configurable; within it a warning, beyond it an error', async () => {
    expect(ID_TOKEN_SKEW_SEC).toBe(60);
    const late = await view((c) => (c.exp = NOW - 30));
    expect(late.findings).toHaveLength(1);
    expect(late.findings[0]).toMatchObject({ code: 'CLOCK_SKEW', severity: 'warning' });
    expect(late.findings[0]!.evidence).toContain('within the 60 s clock-skew allowance');
    const early = await view((c) => (c.nbf = NOW + 30));
    expect(early.findings[0]).toMatchObject({ code: 'CLOCK_SKEW', severity: 'warning' });
    const strict = await view((c) => (c.exp = NOW - 30), { skewSec: 0 });
    expect(strict.findings[0]).toMatchObject({ code: 'ID_TOKEN_INVALID', severity: 'error' });
    const wide = await view((c) => (c.exp = NOW - 90), { skewSec: 120 });
    expect(wide.findings[0]).toMatchObject({ code: 'CLOCK_SKEW', severity: 'warning' });
  });

  describe('sec-06 sub mismatch at userinfo', () => {
    let http: Server;
    let url: string;
    beforeAll(async () => {
      http = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        if (req.url === '/me') return res.end(JSON.stringify({ sub: 'bob', name: 'Bob' }));
        void new SignJWT({ iss: url, aud: 'c1', sub: 'alice', iat: NOW, exp: NOW + 300 })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .sign(key)
          .then((idToken) =>
            res.end(
              JSON.stringify({
                access_token: 'access-token-value-abcdefghij',
                token_type: 'Bearer',
                expires_in: 300,
                scope: 'openid',
                id_token: idToken,
              }),
            ),
          );
      });
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => http.close(() => r())));

    it('sec-06 a userinfo sub other than the id_token sub is refused with a named finding', async () => {
      const engine = testEngine();
      const p = must(
        await engine.saveProfile({
          name: 'sub',
          issuer: url,
          tokenEndpoint: `${url}/token`,
          userinfoEndpoint: `${url}/me`,
          clientId: 'c1',
          scope: 'openid',
          auth: { method: 'client_secret_basic', clientSecret: 'client-secret-value-123' },
        }),
      );
      const draft = must(
        await engine.prepareTokenRequest({ profileId: p.id, grant: 'client_credentials' }),
      );
      const tokens = must(await engine.sendTokenRequest({ draftId: draft.id }));
      expect(tokens.idToken?.decoded?.claims.sub).toBe('alice');
      const info = must(await engine.callUserinfo({ profileId: p.id }));
      expect(info.ok).toBe(false);
      expect(info.findings[0]).toMatchObject({
        code: 'ID_TOKEN_INVALID',
        title: 'userinfo sub mismatch',
      });
      expect(info.findings[0]!.evidence).toContain('"bob"');
      expect(info.findings[0]!.evidence).toContain('"alice"');
    });
  });
});
