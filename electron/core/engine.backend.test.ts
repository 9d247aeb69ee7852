import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmartServer, type SmartServer } from '../testing/smart-server.js';
import type { Engine } from './engine.js';
import { must, testEngine } from './test-helpers.js';

let server: SmartServer;
let engine: Engine;
let rsKeyId: string;
let esKeyId: string;

beforeAll(async () => {
  engine = testEngine();
  const rs = must(await engine.generateKey({ kind: 'RSA-2048', alg: 'RS384' }));
  const es = must(await engine.generateKey({ kind: 'EC-P-384', alg: 'ES384' }));
  rsKeyId = rs.id;
  esKeyId = es.id;
  server = await startSmartServer({
    clients: [
      {
        client_id: 'rs-client',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS384',
        jwks: { keys: [rs.publicJwk] },
      },
      {
        client_id: 'es-client',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES384',
        jwks: { keys: [es.publicJwk] },
      },
      {
        client_id: 'basic-client',
        token_endpoint_auth_method: 'client_secret_basic',
        client_secret: 'basic-secret-value-1234',
      },
      {
        client_id: 'post-client',
        token_endpoint_auth_method: 'client_secret_post',
        client_secret: 'post-secret-value-5678',
      },
    ],
  });
});
afterAll(() => server?.close());

async function profile(
  clientId: string,
  auth: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return must(
    await engine.saveProfile({
      name: clientId,
      fhirBaseUrl: server.fhirBase,
      clientId,
      scope: 'system/Patient.rs',
      auth: auth as never,
      ...extra,
    }),
  );
}

async function tokenWith(
  profileId: string,
  overrides?: { header?: Record<string, unknown>; claims?: Record<string, unknown> },
  edit?: (d: { url: string; headers: [string, string][]; params: [string, string][] }) => void,
) {
  const draft = must(
    await engine.prepareTokenRequest({ profileId, ...(overrides ? { overrides } : {}) }),
  );
  const edits = {
    url: draft.url,
    headers: draft.headers.map((h) => [...h] as [string, string]),
    params: draft.params.map((p) => [...p] as [string, string]),
  };
  edit?.(edits);
  return must(await engine.sendTokenRequest({ draftId: draft.id, ...(edit ? { edits } : {}) }));
}

describe('SMART backend services against oidc-provider', () => {
  it('discovers the smart-configuration and openid-configuration', async () => {
    const d = must(await engine.discover({ fhirBaseUrl: server.fhirBase }));
    expect(d.tokenEndpoint).toBe(server.tokenEndpoint);
    expect(d.jwksUri).toBe(server.jwksUri);
    expect(d.documents.map((x) => [x.kind, x.ok])).toContainEqual(['smart-configuration', true]);
    expect(d.documents.map((x) => [x.kind, x.ok])).toContainEqual(['openid-configuration', true]);
    // HS256 is advertised for the client_secret_jwt clients of the authorization code tests.
    expect(d.signingAlgs).toEqual(['RS384', 'ES384', 'HS256']);
  });

  it('gets a token with RS384 private_key_jwt, decodes and verifies it, and reads FHIR', async () => {
    const p = await profile('rs-client', {
      method: 'private_key_jwt',
      keyId: rsKeyId,
      alg: 'RS384',
    });
    const r = await tokenWith(p.id);
    expect(r.ok).toBe(true);
    expect(r.status).toBe(200);
    expect(r.accessToken?.format).toBe('jwt');
    expect(r.accessToken?.verification.status).toBe('verified');
    expect(r.accessToken?.verification.kid).toBe('server-rs256');
    expect(r.scopeDiff?.missing).toEqual([]);
    expect(JSON.stringify(r.body)).not.toContain(
      must(await engine.revealSecret({ kind: 'access_token' })).value,
    );
    const res = must(await engine.callResource({ profileId: p.id, path: 'Patient?_count=1' }));
    expect(res.status).toBe(200);
    expect(res.pretty).toContain('"resourceType": "Bundle"');
    const ex = must(await engine.listExchanges());
    const tokenEx = ex.find((e) => e.step === 'Token request')!;
    expect(tokenEx.request.body).toContain('client_assertion={{client_assertion}}');
    expect(tokenEx.request.body).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(tokenEx.response?.body).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });

  it('gets a token with ES384', async () => {
    const p = await profile('es-client', {
      method: 'private_key_jwt',
      keyId: esKeyId,
      alg: 'ES384',
    });
    expect((await tokenWith(p.id)).ok).toBe(true);
  });

  it('gets a token with client_secret_basic and client_secret_post', async () => {
    const b = await profile('basic-client', {
      method: 'client_secret_basic',
      clientSecret: 'basic-secret-value-1234',
    });
    const rb = await tokenWith(b.id);
    expect(rb.ok).toBe(true);
    const post = await profile('post-client', {
      method: 'client_secret_post',
      clientSecret: 'post-secret-value-5678',
    });
    expect((await tokenWith(post.id)).ok).toBe(true);
    const all = JSON.stringify(must(await engine.listExchanges()));
    expect(all).not.toContain('basic-secret-value-1234');
    expect(all).not.toContain('post-secret-value-5678');
  });

  it('diagnoses a wrong client secret and auth method none', async () => {
    const b = await profile('basic-client', {
      method: 'client_secret_basic',
      clientSecret: 'wrong-secret',
    });
    const r = await tokenWith(b.id);
    expect(r.ok).toBe(false);
    expect(r.findings[0]?.code).toBe('CLIENT_SECRET_INVALID');
    const n = await profile('basic-client', { method: 'none' });
    const rn = await tokenWith(n.id);
    expect(rn.ok).toBe(false);
    expect(rn.findings[0]?.code).toBe('AUTH_METHOD_MISMATCH');
  });

  const mistakes: [
    string,
    { header?: Record<string, unknown>; claims?: Record<string, unknown> } | undefined,
    (
      | ((d: { url: string; headers: [string, string][]; params: [string, string][] }) => void)
      | undefined
    ),
    string,
  ][] = [
    [
      'wrong aud',
      { claims: { aud: 'https://elsewhere.example/token' } },
      undefined,
      'ASSERTION_AUD_MISMATCH',
    ],
    [
      'expired',
      {
        claims: {
          exp: Math.floor(Date.now() / 1000) - 600,
          iat: Math.floor(Date.now() / 1000) - 900,
        },
      },
      undefined,
      'ASSERTION_EXPIRED',
    ],
    [
      'exp too far',
      { claims: { exp: Math.floor(Date.now() / 1000) + 3600 } },
      undefined,
      'ASSERTION_EXP_TOO_FAR',
    ],
    ['unknown kid', { header: { kid: 'not-registered' } }, undefined, 'ASSERTION_KID_NOT_FOUND'],
    ['wrong alg', { header: { alg: 'PS384' } }, undefined, 'ASSERTION_ALG_NOT_ACCEPTED'],
    ['iss != sub', { claims: { iss: 'someone-else' } }, undefined, 'ASSERTION_ISS_SUB_MISMATCH'],
    [
      'assertion in Authorization header',
      undefined,
      (d) => {
        d.params = d.params.filter(
          ([n]) => n !== 'client_assertion' && n !== 'client_assertion_type',
        );
        d.headers.push(['authorization', 'Bearer {{client_assertion}}']);
      },
      'ASSERTION_IN_AUTH_HEADER',
    ],
  ];

  it.each(mistakes)('%s is refused and diagnosed', async (_name, overrides, edit, code) => {
    const p = await profile(
      'rs-client',
      { method: 'private_key_jwt', keyId: rsKeyId, alg: 'RS384' },
      code === 'ASSERTION_KID_NOT_FOUND' ? { jwksUri: undefined } : {},
    );
    const r = await tokenWith(p.id, overrides, edit);
    if (code === 'ASSERTION_EXP_TOO_FAR') {
      // oidc-provider does not cap exp; SMART does, so the finding stands even when the server accepts it.
      expect(r.findings.map((f) => f.code)).toContain(code);
      return;
    }
    expect(r.ok).toBe(false);
    expect(r.findings[0]?.code).toBe(code);
    expect(r.findings[0]?.fix.length).toBeGreaterThan(10);
  });

  it('reused jti is refused and diagnosed', async () => {
    const p = await profile('rs-client', {
      method: 'private_key_jwt',
      keyId: rsKeyId,
      alg: 'RS384',
    });
    const jti = `fixed-${Date.now()}`;
    expect((await tokenWith(p.id, { claims: { jti } })).ok).toBe(true);
    const again = await tokenWith(p.id, { claims: { jti } });
    expect(again.ok).toBe(false);
    expect(again.findings[0]?.code).toBe('ASSERTION_JTI_REUSED');
  });
});
