/**
 * The Inspector against real answers: a "customer" signs assertions with jose and calls the vendor
 * simulators with fetch (no engine involved), and what it saw is handed to engine.inspect in the
 * forms support staff receive: a JWT plus an error body, a curl command plus a raw response, a HAR.
 */
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url } from 'jose';
import { createHash } from 'node:crypto';
import { startKeycloakSim, type KeycloakSim } from '../testing/simulators/keycloak.js';
import { completeDevLogin, startSmartServer, type SmartServer } from '../testing/smart-server.js';
import { startOpenEmrSim, type OpenEmrSim } from '../testing/simulators/openemr.js';
import { startOracleHealthSim, type OracleHealthSim } from '../testing/simulators/oracle-health.js';
import { shellQuote } from '../../shared/redact.js';
import type { InspectEvidenceInput } from '../../shared/types.js';
import type { Engine } from './engine.js';
import { must, testEngine } from './test-helpers.js';

const CAT = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface CustomerKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function customerKey(alg: string, kid = `k-${randomUUID().slice(0, 8)}`) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

async function assertion(
  key: CustomerKey,
  o: { clientId: string; aud: string; exp?: number; iat?: number },
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(o.clientId)
    .setSubject(o.clientId)
    .setAudience(o.aud)
    .setIssuedAt(o.iat ?? now)
    .setExpirationTime(o.exp ?? now + 240)
    .sign(key.privateKey);
}

/** What the customer's HTTP client sent and got back, unmasked. */
interface Seen {
  url: string;
  headers: [string, string][];
  body: string;
  status: number;
  statusText: string;
  responseHeaders: [string, string][];
  responseBody: string;
}

async function post(url: string, headers: [string, string][], body: string): Promise<Seen> {
  const all: [string, string][] = [
    ['content-type', 'application/x-www-form-urlencoded'],
    ...headers,
  ];
  const r = await fetch(url, { method: 'POST', headers: all, body });
  return {
    url,
    headers: all,
    body,
    status: r.status,
    statusText: r.statusText,
    responseHeaders: [...r.headers.entries()],
    responseBody: await r.text(),
  };
}

const rawResponse = (s: Seen) =>
  [
    `HTTP/1.1 ${s.status} ${s.statusText}`,
    ...s.responseHeaders.map(([n, v]) => `${n}: ${v}`),
    '',
    s.responseBody,
  ].join('\r\n');

const curl = (s: Seen) =>
  [
    `curl ${shellQuote(s.url)}`,
    ...s.headers.map(([n, v]) => `-H ${shellQuote(`${n}: ${v}`)}`),
    `--data-raw ${shellQuote(s.body)}`,
  ].join(' \\\n  ');

const harOf = (...seen: Seen[]) =>
  JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: seen.map((s) => ({
        startedDateTime: new Date().toISOString(),
        request: {
          method: 'POST',
          url: s.url,
          httpVersion: 'HTTP/2',
          headers: [[':authority', new URL(s.url).host], ...s.headers].map(([name, value]) => ({
            name,
            value,
          })),
          postData: { mimeType: 'application/x-www-form-urlencoded', text: s.body },
        },
        response: {
          status: s.status,
          statusText: s.statusText,
          headers: s.responseHeaders.map(([name, value]) => ({ name, value })),
          content: {
            mimeType: 'application/json',
            // Chrome stores some bodies base64-encoded.
            text: Buffer.from(s.responseBody).toString('base64'),
            encoding: 'base64',
          },
        },
      })),
    },
  });

let engine: Engine;
beforeAll(() => {
  engine = testEngine();
});

const inspect = async (input: InspectEvidenceInput) => must(await engine.inspect(input));
const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code);

describe('Inspector: Oracle Health', () => {
  let sim: OracleHealthSim;
  let good: CustomerKey;
  let rs256: CustomerKey;
  beforeAll(async () => {
    sim = await startOracleHealthSim({ otherTenants: ['tenant-b'] });
    good = await customerKey('RS384');
    rs256 = await customerKey('RS256');
    sim.addClient({ clientId: 'cust-app', jwks: { keys: [good.publicJwk, rs256.publicJwk] } });
  });
  afterAll(() => sim.close());

  const form = (jwt: string) =>
    new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'system/Patient.read',
      client_assertion_type: CAT,
      client_assertion: jwt,
    }).toString();

  it('an RS256 assertion and the error body: the alg is named first, with the fix, and the JWKS verifies it', async () => {
    const jwt = await assertion(rs256, { clientId: 'cust-app', aud: sim.urls.tokenEndpoint });
    const seen = await post(sim.urls.tokenEndpoint, [], form(jwt));
    expect(seen.status).toBe(400);
    expect(seen.responseBody).toContain('invalid-signature');

    const r = await inspect({
      items: [{ text: jwt }, { text: seen.responseBody }],
      preset: 'oracle-health',
      jwks: JSON.stringify({ keys: [good.publicJwk, rs256.publicJwk] }),
    });
    expect(r.items.map((i) => i.kind)).toEqual(['jwt', 'error-body']);
    expect(r.findings[0]!.code).toBe('ASSERTION_ALG_NOT_ACCEPTED');
    expect(r.findings[0]!.evidence).toContain('RS256');
    expect(codes(r)).toContain('ASSERTION_SIGNATURE_INVALID'); // the URN, ranked below
    expect(r.jwts[0]!.role).toBe('client_assertion');
    expect(r.jwts[0]!.verification.status).toBe('verified');
    expect(r.exchange?.request?.assumed).toBe(true);
    expect(r.exchange?.response?.statusAssumed).toBe(true);
    expect(r.exchange?.response?.status).toBe(401); // assumed: RFC 6749 §5.2 for invalid_client
    expect(r.notes.join(' ')).toMatch(/status was not in the evidence/);
    // A correct assertion with the same answer is blamed on the key, not the alg.
    const ok = await assertion(good, { clientId: 'cust-app', aud: sim.urls.tokenEndpoint });
    const r2 = await inspect({
      items: [{ text: ok }, { text: seen.responseBody }],
      preset: 'oracle-health',
    });
    expect(r2.findings[0]!.code).toBe('ASSERTION_SIGNATURE_INVALID');
  });

  it('curl with the assertion as Bearer and the raw response: ASSERTION_IN_AUTH_HEADER, nothing secret in the report', async () => {
    const jwt = await assertion(good, { clientId: 'cust-app', aud: sim.urls.tokenEndpoint });
    const seen = await post(
      sim.urls.tokenEndpoint,
      [['authorization', `Bearer ${jwt}`]],
      new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/Patient.read',
      }).toString(),
    );
    expect(seen.status).toBe(401);
    const r = await inspect({
      items: [{ text: curl(seen), name: 'ticket-curl.txt' }, { text: rawResponse(seen) }],
      preset: 'oracle-health',
    });
    expect(r.items.map((i) => i.kind)).toEqual(['curl', 'http-response']);
    expect(r.findings[0]!.code).toBe('ASSERTION_IN_AUTH_HEADER');
    expect(r.exchange?.request?.url).toBe(sim.urls.tokenEndpoint);
    expect(r.exchange?.response?.status).toBe(401);
    expect(r.exchange?.response?.statusAssumed).toBeUndefined();
    expect(r.evaluatedAt.from).toBe('server-date');
    expect(r.jwts[0]!.role).toBe('client_assertion');
    expect(r.jwts[0]!.from).toMatch(/Authorization: Bearer/);
    const text = JSON.stringify(r);
    expect(text).not.toContain(jwt);
    expect(text).not.toContain(jwt.split('.')[2]);
    expect(r.report).toContain('Bearer {{client_assertion}}');
    expect(r.report).toContain('ASSERTION_IN_AUTH_HEADER');
  });

  it('a HAR with a good and a failed request diagnoses the failed one (secret in the body → AUTH_METHOD_MISMATCH)', async () => {
    sim.addClient({ clientId: 'cust-secret', secret: 'system-account-secret-1' });
    const okJwt = await assertion(good, { clientId: 'cust-app', aud: sim.urls.tokenEndpoint });
    const first = await post(sim.urls.tokenEndpoint, [], form(okJwt));
    expect(first.status).toBe(200);
    const second = await post(
      sim.urls.tokenEndpoint,
      [],
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'cust-secret',
        client_secret: 'system-account-secret-1',
      }).toString(),
    );
    expect(second.status).toBe(401);
    const har = harOf(first, second);
    const r = await inspect({
      items: [{ text: har, name: 'customer.har' }],
      preset: 'oracle-health',
    });
    expect(r.harEntries?.map((e) => [e.status, e.tokenRequest])).toEqual([
      [200, true],
      [401, true],
    ]);
    expect(r.harEntry).toBe(1);
    expect(r.findings[0]!.code).toBe('AUTH_METHOD_MISMATCH');
    expect(r.evaluatedAt.from).toBe('server-date');
    const text = JSON.stringify(r);
    expect(text).not.toContain('system-account-secret-1');
    expect(r.exchange?.request?.params).toContainEqual(['client_secret', '{{client_secret}}']);
    // The user can pick the other entry: a success, with its access token masked.
    const r0 = await inspect({ items: [{ text: har }], preset: 'oracle-health', harEntry: 0 });
    expect(r0.exchange?.response?.status).toBe(200);
    expect(r0.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const token = (JSON.parse(first.responseBody) as { access_token: string }).access_token;
    expect(JSON.stringify(r0)).not.toContain(token);
  });

  it('a FHIR call with a token of another tenant: curl and the raw 401 give TOKEN_AUDIENCE_MISMATCH', async () => {
    const jwt = await assertion(good, { clientId: 'cust-app', aud: sim.urls.tokenEndpoint });
    const tokenAnswer = await post(sim.urls.tokenEndpoint, [], form(jwt));
    expect(tokenAnswer.status).toBe(200);
    const token = (JSON.parse(tokenAnswer.responseBody) as { access_token: string }).access_token;
    const url = `${sim.urls.fhirBaseFor('tenant-b')}/Patient`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    const seen: Seen = {
      url,
      headers: [['authorization', `Bearer ${token}`]],
      body: '',
      status: res.status,
      statusText: res.statusText,
      responseHeaders: [...res.headers.entries()],
      responseBody: await res.text(),
    };
    const r = await inspect({
      items: [
        { text: `curl ${shellQuote(url)} -H ${shellQuote(`Authorization: Bearer ${token}`)}` },
        { text: rawResponse(seen) },
      ],
      preset: 'oracle-health',
    });
    expect(r.findings[0]!.code).toBe('TOKEN_AUDIENCE_MISMATCH');
    // The vendor rule (its source is Oracle Health's documentation), not the generic 401 guess; no
    // internal rule id in what the user reads.
    expect(r.findings[0]!.source).toMatch(/^https:\/\/forums\.oracle\.com\//);
    expect(r.findings[0]!.basis).toBe('server');
    expect(r.exchange?.request?.method).toBe('GET');
    expect(JSON.stringify(r)).not.toContain(token);
  });

  it('a signature that does not verify against the JWKS URL the customer registered', async () => {
    const stranger = await customerKey('RS384', good.kid); // same kid, another key
    const jwt = await assertion(stranger, { clientId: 'cust-app', aud: sim.urls.tokenEndpoint });
    const seen = await post(sim.urls.tokenEndpoint, [], form(jwt));
    expect(seen.status).toBe(400);
    const jwks = JSON.stringify({ keys: [good.publicJwk] });
    const r = await inspect({
      items: [{ text: form(jwt) }, { text: rawResponse(seen) }],
      preset: 'oracle-health',
      jwks,
      tokenUrl: sim.urls.tokenEndpoint,
    });
    expect(r.jwts[0]!.verification.status).toBe('failed');
    expect(r.findings[0]!.code).toBe('ASSERTION_SIGNATURE_INVALID');
  });
});

describe('Inspector: OpenEMR and Keycloak', () => {
  let oe: OpenEmrSim;
  let kc: KeycloakSim;
  let key: CustomerKey;
  beforeAll(async () => {
    key = await customerKey('RS384');
    oe = await startOpenEmrSim({ switches: { systemScopesEnabled: true, phpNotice: true } });
    oe.addClient({ clientId: 'oe-app', jwks: { keys: [key.publicJwk] } });
    kc = await startKeycloakSim();
    kc.putClient({
      clientId: 'kc-app',
      authenticator: 'client-jwt',
      jwks: { keys: [key.publicJwk] },
    });
  });
  afterAll(async () => {
    await oe.close();
    await kc.close();
  });

  it('OpenEMR: a raw request and a response with a PHP notice before the JSON; aud compared with the URL posted', async () => {
    const jwt = await assertion(key, { clientId: 'oe-app', aud: `${oe.urls.tokenEndpoint}/` });
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'system/Patient.read',
      client_assertion_type: CAT,
      client_assertion: jwt,
    }).toString();
    const seen = await post(oe.urls.tokenEndpoint, [], body);
    expect(seen.status).toBe(400);
    const u = new URL(oe.urls.tokenEndpoint);
    const rawRequest = `POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n${body}`;
    const r = await inspect({
      items: [{ text: rawRequest }, { text: rawResponse(seen) }],
      preset: 'openemr',
    });
    expect(r.items.map((i) => i.kind)).toEqual(['http-request', 'http-response']);
    // The Host header gives the host; the scheme is assumed https, so compare the path only.
    expect(new URL(r.exchange!.request!.url!).pathname).toBe(u.pathname);
    expect(r.findings[0]!.code).toBe('ASSERTION_AUD_MISMATCH');
    expect(codes(r)).toContain('NON_JSON_RESPONSE');
  });

  it('Keycloak: the server message names the cause (token reuse) even with only the body', async () => {
    const jwt = await assertion(key, { clientId: 'kc-app', aud: kc.urls.tokenEndpoint });
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: CAT,
      client_assertion: jwt,
    }).toString();
    expect((await post(kc.urls.tokenEndpoint, [], body)).status).toBe(200);
    const again = await post(kc.urls.tokenEndpoint, [], body);
    expect(again.status).toBeGreaterThanOrEqual(400);
    const r = await inspect({
      items: [{ text: body }, { text: again.responseBody }],
      preset: 'keycloak',
      tokenUrl: kc.urls.tokenEndpoint,
    });
    expect(r.findings[0]!.code).toBe('ASSERTION_JTI_REUSED');
  });
});

describe('Inspector: authorization code against oidc-provider', () => {
  let smart: SmartServer;
  beforeAll(async () => {
    smart = await startSmartServer({
      clients: [
        {
          client_id: 'native-app',
          application_type: 'native',
          token_endpoint_auth_method: 'none',
          redirect_uris: ['http://127.0.0.1/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
        },
      ],
    });
  });
  afterAll(() => smart.close());

  /** The customer's app: authorize with S256, sign in, and redeem with the given verifier. */
  async function customerFlow(o: { verifier: string; redirectUri?: string }) {
    const realVerifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = base64url.encode(createHash('sha256').update(realVerifier).digest());
    const redirectUri = 'http://127.0.0.1:8765/callback';
    const authorize = `${smart.authorizationEndpoint}?${new URLSearchParams({
      response_type: 'code',
      client_id: 'native-app',
      redirect_uri: redirectUri,
      scope: 'openid',
      state: 'st-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;
    const callback = await completeDevLogin(authorize, { redirectPrefix: redirectUri });
    const code = new URL(callback).searchParams.get('code')!;
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'native-app',
      code,
      redirect_uri: o.redirectUri ?? redirectUri,
      code_verifier: o.verifier === 'right' ? realVerifier : o.verifier,
    }).toString();
    const seen = await post(smart.tokenEndpoint, [], body);
    return { authorize, callback, code, body, seen, realVerifier };
  }

  const harEntry = (url: string, status: number, body?: string, responseBody = '') => ({
    startedDateTime: new Date().toISOString(),
    request: {
      method: body ? 'POST' : 'GET',
      url,
      headers: [],
      ...(body ? { postData: { mimeType: 'application/x-www-form-urlencoded', text: body } } : {}),
    },
    response: { status, headers: [], content: { text: responseBody } },
  });

  it('a HAR of the whole flow with the wrong code_verifier: PKCE_MISMATCH, and no code or verifier shown', async () => {
    const f = await customerFlow({ verifier: 'a-verifier-that-is-not-the-right-one-0123456789ab' });
    expect(f.seen.status).toBe(400);
    const har = JSON.stringify({
      log: {
        entries: [
          harEntry(f.authorize, 200),
          harEntry(f.callback, 200),
          harEntry(smart.tokenEndpoint, f.seen.status, f.body, f.seen.responseBody),
        ],
      },
    });
    const r = await inspect({ items: [{ text: har }], preset: 'smart-v2' });
    expect(r.findings[0]!.code).toBe('PKCE_MISMATCH');
    expect(r.findings[0]!.evidence).toMatch(/does not hash \(S256\)/);
    const text = JSON.stringify(r);
    expect(text).not.toContain(f.code);
    expect(text).not.toContain('a-verifier-that-is-not-the-right-one');
  });

  it('pasted authorize URL, token request body and error body: REDIRECT_URI_MISMATCH', async () => {
    const f = await customerFlow({
      verifier: 'right',
      redirectUri: 'http://127.0.0.1:8765/callback/',
    });
    expect(f.seen.status).toBe(400);
    const r = await inspect({
      items: [{ text: f.authorize }, { text: f.body }, { text: f.seen.responseBody }],
    });
    expect(r.items.map((i) => i.kind)).toEqual([
      'authorize-url',
      'token-request-body',
      'error-body',
    ]);
    expect(r.findings[0]!.code).toBe('REDIRECT_URI_MISMATCH');
    // The right verifier is recognised as right: no PKCE finding.
    expect(r.findings.map((x) => x.code)).not.toContain('PKCE_MISMATCH');
  });

  it('the same code sent twice: the second answer is diagnosed as a reused code', async () => {
    const f = await customerFlow({ verifier: 'right' });
    expect(f.seen.status).toBe(200);
    const again = await post(smart.tokenEndpoint, [], f.body);
    expect(again.status).toBe(400);
    const har = JSON.stringify({
      log: {
        entries: [
          harEntry(f.authorize, 200),
          harEntry(f.callback, 200),
          harEntry(smart.tokenEndpoint, 200, f.body, f.seen.responseBody),
          harEntry(smart.tokenEndpoint, again.status, f.body, again.responseBody),
        ],
      },
    });
    const r = await inspect({ items: [{ text: har }] });
    expect(r.harEntry).toBe(3);
    expect(r.findings[0]!.code).toBe('CODE_INVALID');
    expect(r.findings[0]!.title).toBe('Authorization code reused');
  });
});

describe('Inspector: bad input', () => {
  it('says what could not be read and what to paste', async () => {
    const r = await engine.inspect({ items: [{ text: '   ' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toMatch(/item 1: Not read: It is empty/);
      expect(r.error.fix).toMatch(/curl command, or a HAR/);
    }
  });

  it('a JWKS that is not JSON is refused with the fix', async () => {
    const key = await customerKey('RS384');
    const jwt = await assertion(key, { clientId: 'x', aud: 'https://as.example/token' });
    const r = await engine.inspect({ items: [{ text: jwt }], jwks: '{not json' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('JWKS_INVALID');
  });

  it('an old assertion alone is judged at its iat, not now (no false "expired")', async () => {
    const key = await customerKey('RS384');
    const iat = Math.floor(Date.now() / 1000) - 86400;
    const jwt = await assertion(key, {
      clientId: 'x',
      aud: 'https://as.example/token',
      iat,
      exp: iat + 240,
    });
    const r = await inspect({ items: [{ text: jwt }], tokenUrl: 'https://as.example/token' });
    expect(r.evaluatedAt.from).toBe('assertion-iat');
    expect(codes(r)).not.toContain('ASSERTION_EXPIRED');
    expect(r.notes.join(' ')).toMatch(/No server answer/);
  });
});
