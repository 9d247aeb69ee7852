import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  completeDevLogin,
  startSmartServer,
  type SmartServer,
  type TestClient,
} from '../testing/smart-server.js';
import { manualTimer } from '../testing/manual-timer.js';
import type {
  ProfileInput,
  TokenRequestEdits,
  TokenResult,
  TokenSetView,
} from '../../shared/types.js';
import { Engine } from './engine.js';
import { idTokenView } from './id-token.js';
import { nodePorts } from './node-ports.js';
import { must, pendingCodes, recordedExchanges } from './test-helpers.js';

const SCOPE = 'openid fhirUser offline_access launch/patient patient/Patient.rs';
const LOOPBACK = 'http://127.0.0.1/callback';
const BASIC_SECRET = 'basic-app-secret-value-0123456789';
const JWT_SECRET = 'jwt-app-shared-secret-0123456789-abcdefghijklmnop';
const PASSWORD = 'resource-owner-password-4242';

const native = (id: string, extra: Partial<TestClient> = {}): TestClient => ({
  client_id: id,
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: [LOOPBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  ...extra,
});

const CLIENTS: TestClient[] = [
  native('public-app'),
  native('basic-app', {
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: BASIC_SECRET,
  }),
  native('jwt-app', { token_endpoint_auth_method: 'client_secret_jwt', client_secret: JWT_SECRET }),
  native('no-refresh-app', { grant_types: ['authorization_code'] }),
  native('logout-app', { post_logout_redirect_uris: ['http://127.0.0.1/logged-out'] }),
];

let server: SmartServer;
/** Short access tokens (auto refresh, refresh on expiry). */
let shortAccess: SmartServer;
/** Short refresh tokens (expired refresh token). */
let shortRefresh: SmartServer;
let engine: Engine;
/** The engine's timers (auto refresh): they fire when a test runs them, not on the real clock. */
let timer: ReturnType<typeof manualTimer>;
const opened: string[] = [];
/** Every "tokens" snapshot the engine pushed. */
const tokenEvents: (TokenSetView | null)[] = [];
/** Every secret value seen in the tests; none may appear in a recorded exchange. */
const secretsSeen = new Set<string>([BASIC_SECRET, JWT_SECRET, PASSWORD]);

beforeAll(async () => {
  const ports = nodePorts({ ephemeral: true });
  ports.browser = { open: async (url) => void opened.push(url) };
  ports.timer = timer = manualTimer(ports.clock);
  ports.hub.subscribe((event, payload) => {
    if (event === 'tokens') tokenEvents.push(payload as TokenSetView | null);
  });
  engine = new Engine(ports);
  [server, shortAccess, shortRefresh] = await Promise.all([
    startSmartServer({ clients: CLIENTS }),
    startSmartServer({ clients: CLIENTS, accessTokenLifetime: 3 }),
    startSmartServer({ clients: CLIENTS, refreshTokenLifetime: 2 }),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.close(), shortAccess?.close(), shortRefresh?.close()]);
});

async function profile(
  clientId: string,
  auth: ProfileInput['auth'],
  extra: Partial<ProfileInput> = {},
  on: SmartServer = server,
) {
  return must(
    await engine.saveProfile({
      name: clientId,
      flow: 'authorization-code',
      fhirBaseUrl: on.fhirBase,
      clientId,
      scope: SCOPE,
      auth,
      ...extra,
    }),
  );
}

/**
 * Plays the authorization flow without the loopback listener: PKCE, state and nonce generated
 * here, the login done by completeDevLogin, and the code handed to the engine as a PendingCode.
 */
async function authorize(profileId: string, clientId: string, on: SmartServer = server) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const redirectUri = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/callback`;
  const url = new URL(on.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: SCOPE,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'consent',
  }).toString();
  const back = new URL(await completeDevLogin(url.toString(), { redirectPrefix: redirectUri }));
  expect(back.searchParams.get('state')).toBe(state);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`No code: ${back.toString()}`);
  secretsSeen.add(code).add(verifier);
  pendingCodes(engine).set(profileId, {
    flowId: `test-${state}`,
    code,
    redirectUri,
    codeVerifier: verifier,
    pkce: 'S256',
    nonce,
    state,
    issuer: on.issuer,
    redeemed: false,
  });
  return { verifier, redirectUri };
}

/** Remembers the held tokens as secrets that must never show in an exchange. */
async function rememberTokens() {
  for (const kind of ['access_token', 'id_token', 'refresh_token'] as const) {
    const r = await engine.revealSecret({ kind });
    if (r.ok) secretsSeen.add(r.value.value);
  }
}

async function exchange(
  profileId: string,
  edit?: (d: Required<TokenRequestEdits>) => void,
): Promise<TokenResult> {
  const draft = must(await engine.prepareTokenRequest({ profileId }));
  expect(draft.grant).toBe('authorization_code');
  const edits = {
    url: draft.url,
    headers: draft.headers.map((h) => [...h] as [string, string]),
    params: draft.params.map((p) => [...p] as [string, string]),
  };
  edit?.(edits);
  const r = must(await engine.sendTokenRequest({ draftId: draft.id, ...(edit ? { edits } : {}) }));
  await rememberTokens();
  return r;
}

const setParam = (d: Required<TokenRequestEdits>, name: string, value: string | undefined) => {
  d.params = d.params.filter(([n]) => n !== name);
  if (value !== undefined) d.params.push([name, value]);
};
const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code);
const tokenSet = async () => must(await engine.getTokenSet()).tokens;

describe('authorization code exchange', () => {
  it('a public native client (PKCE) gets tokens with a valid id_token, launch context and a refresh token', async () => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    expect(draft.grant).toBe('authorization_code');
    expect(draft.params).toContainEqual(['code', '{{code}}']);
    expect(draft.params).toContainEqual(['code_verifier', '{{code_verifier}}']);
    expect(draft.params).toContainEqual(['client_id', 'public-app']);
    expect(draft.params.find(([n]) => n === 'redirect_uri')?.[1]).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/callback$/,
    );
    const before = tokenEvents.length;
    const r = must(await engine.sendTokenRequest({ draftId: draft.id }));
    await rememberTokens();
    expect(r.ok).toBe(true);
    expect(r.grant).toBe('authorization_code');
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.idToken?.kind).toBe('id_token');
    expect(r.idToken?.checks?.map((c) => c.name)).toEqual(
      expect.arrayContaining(['signature', 'iss', 'aud', 'nonce', 'exp', 'iat']),
    );
    expect(r.idToken?.checks?.every((c) => c.ok)).toBe(true);
    expect(r.idToken?.verification.status).toBe('verified');
    expect(r.launchContext).toMatchObject({
      patient: server.launchContext.patient,
      encounter: server.launchContext.encounter,
      need_patient_banner: true,
      fhirUser: `${server.fhirBase}/Practitioner/alice`,
    });
    expect(r.refreshToken?.issued).toBe(true);
    expect(r.refreshToken?.masked).not.toBe(
      must(await engine.revealSecret({ kind: 'refresh_token' })).value,
    );
    // The held set is pushed to the UI, masked.
    const pushed = tokenEvents.at(-1);
    expect(tokenEvents.length).toBeGreaterThan(before);
    expect(pushed?.profileId).toBe(p.id);
    expect(pushed?.grant).toBe('authorization_code');
    expect(pushed?.refreshToken?.masked).toContain('…');
    expect(JSON.stringify(pushed)).not.toContain(
      must(await engine.revealSecret({ kind: 'access_token' })).value,
    );
    expect((await tokenSet())?.idToken?.checks?.length).toBeGreaterThan(4);
    // The access token works at the FHIR server; the id token is not for it.
    const res = must(await engine.callResource({ profileId: p.id, path: 'Patient' }));
    expect(res.status).toBe(200);
    expect(res.tokenUsed).toBe('access_token');
    const idRes = must(
      await engine.callResource({ profileId: p.id, path: 'Patient', token: 'id_token' }),
    );
    expect(idRes.tokenUsed).toBe('id_token');
    expect(idRes.status).toBe(401);
    expect(codes(idRes)[0]).toBe('TOKEN_AUDIENCE_MISMATCH');
  });

  it('userinfo returns sub and fhirUser', async () => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    expect((await exchange(p.id)).ok).toBe(true);
    const u = must(await engine.callUserinfo({ profileId: p.id }));
    expect(u.op).toBe('userinfo');
    expect(u.ok).toBe(true);
    expect(u.body).toMatchObject({
      sub: 'alice',
      fhirUser: `${server.fhirBase}/Practitioner/alice`,
    });
    expect(recordedExchanges(engine).find((e) => e.id === u.exchangeId)?.step).toBe('Userinfo');
  });

  it('a confidential client (client_secret_basic) exchanges its code; introspection, then revocation of both tokens', async () => {
    const p = await profile('basic-app', {
      method: 'client_secret_basic',
      clientSecret: BASIC_SECRET,
    });
    await authorize(p.id, 'basic-app');
    const r = await exchange(p.id);
    expect(r.ok).toBe(true);
    expect(r.refreshToken?.issued).toBe(true);

    const active = must(await engine.introspectToken({ profileId: p.id, which: 'access_token' }));
    expect(active.op).toBe('introspect');
    expect(active.active).toBe(true);
    expect(active.ok).toBe(true);
    expect(active.body).toMatchObject({ active: true, client_id: 'basic-app' });

    const revoked = must(await engine.revokeToken({ profileId: p.id, which: 'access_token' }));
    expect(revoked.ok).toBe(true);
    expect(revoked.status).toBe(200);
    expect((await tokenSet())?.revoked).toEqual(['access_token']);
    expect(tokenEvents.at(-1)?.revoked).toEqual(['access_token']);

    const inactive = must(await engine.introspectToken({ profileId: p.id, which: 'access_token' }));
    expect(inactive.active).toBe(false);
    expect(codes(inactive)[0]).toBe('TOKEN_INACTIVE');
    expect(inactive.findings[0]?.evidence).toMatch(/revoked in this session/);

    const rt = must(await engine.revealSecret({ kind: 'refresh_token' })).value;
    expect(must(await engine.revokeToken({ profileId: p.id, which: 'refresh_token' })).ok).toBe(
      true,
    );
    expect((await tokenSet())?.revoked).toEqual(['access_token', 'refresh_token']);
    const refresh = must(await engine.refreshTokens({ profileId: p.id }));
    expect(refresh.ok).toBe(false);
    expect(codes(refresh)[0]).toBe('REFRESH_INVALID');
    expect(refresh.findings[0]?.evidence).toMatch(/revoked in this session/);
    const rtIntro = must(
      await engine.introspectToken({ profileId: p.id, which: 'refresh_token', token: rt }),
    );
    expect(rtIntro.active).toBe(false);

    const steps = recordedExchanges(engine).map((e) => e.step);
    expect(steps).toEqual(expect.arrayContaining(['Introspection', 'Revocation', 'Refresh']));
    const intro = recordedExchanges(engine).find((e) => e.id === active.exchangeId)!;
    expect(intro.request.body).toContain('token={{access_token}}&token_type_hint=access_token');
    expect(intro.request.headers).toContainEqual([
      'authorization',
      'Basic {{client_secret_basic}}',
    ]);
  });

  it('a client_secret_jwt client authenticates with an HS256 assertion', async () => {
    const p = await profile('jwt-app', { method: 'client_secret_jwt', clientSecret: JWT_SECRET });
    await authorize(p.id, 'jwt-app');
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    expect(draft.assertion?.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(draft.assertion?.claims).toMatchObject({
      iss: 'jwt-app',
      sub: 'jwt-app',
      aud: server.tokenEndpoint,
    });
    expect(draft.params).toContainEqual(['client_assertion', '{{client_assertion}}']);
    expect(draft.preflight.filter((f) => f.severity === 'error')).toEqual([]);
    const r = must(await engine.sendTokenRequest({ draftId: draft.id }));
    await rememberTokens();
    secretsSeen.add(must(await engine.revealSecret({ kind: 'client_assertion' })).value);
    expect(r.ok).toBe(true);
    expect(r.idToken?.checks?.every((c) => c.ok)).toBe(true);
    // Introspection authenticates the same way.
    const i = must(await engine.introspectToken({ profileId: p.id, which: 'access_token' }));
    expect(i.active).toBe(true);
  });

  it('refresh rotates the refresh token and shows it; the old one is then "rotated away"', async () => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    expect((await exchange(p.id)).ok).toBe(true);
    const old = must(await engine.revealSecret({ kind: 'refresh_token' })).value;
    const r = must(await engine.refreshTokens({ profileId: p.id }));
    await rememberTokens();
    expect(r.ok).toBe(true);
    expect(r.grant).toBe('refresh_token');
    expect(r.refreshToken).toMatchObject({ issued: true, rotated: true });
    expect(r.refreshToken?.previousMasked).toBeDefined();
    expect(r.idToken?.checks?.every((c) => c.ok)).toBe(true);
    const fresh = must(await engine.revealSecret({ kind: 'refresh_token' })).value;
    expect(fresh).not.toBe(old);
    const set = await tokenSet();
    expect(set?.refreshes).toHaveLength(1);
    expect(set?.refreshes[0]).toMatchObject({ ok: true, automatic: false, rotated: true });
    expect(set?.refreshes[0]?.newMasked).toBe(r.refreshToken?.masked);

    const again = must(await engine.refreshTokens({ profileId: p.id, refreshToken: old }));
    expect(again.ok).toBe(false);
    expect(codes(again)[0]).toBe('REFRESH_INVALID');
    expect(again.findings[0]?.evidence).toMatch(/rotated away/);
    const last = (await tokenSet())?.refreshes.at(-1);
    expect(last).toMatchObject({ ok: false, automatic: false });
  });
});

describe('token status re-checked at the server', () => {
  const basicAuth = { method: 'client_secret_basic' as const, clientSecret: BASIC_SECRET };

  it('revoking the refresh token: introspection says the access token went with it (revoked by the server), never valid', async () => {
    const p = await profile('basic-app', basicAuth, { name: 'recheck' });
    await authorize(p.id, 'basic-app');
    expect((await exchange(p.id)).ok).toBe(true);
    expect((await tokenSet())?.serverStatus).toBeUndefined();
    const before = recordedExchanges(engine).length;

    const r = must(await engine.revokeToken({ profileId: p.id, which: 'refresh_token' }));
    expect(r.ok).toBe(true);
    const access = r.rechecked?.access_token;
    expect(access).toMatchObject({
      state: 'revoked',
      label: 'revoked (server)',
      basis: 'introspection said active: false',
      after: 'revoke',
    });
    // oidc-provider revokes the whole grant: RFC 7009 §2.1 says what that means, and that it did.
    expect(access?.note).toMatch(/RFC 7009 §2\.1.*SHOULD also invalidate the access tokens/);
    expect(access?.note).toContain('This server did');
    expect(r.rechecked?.refresh_token).toMatchObject({
      state: 'revoked',
      label: 'revoked (server)',
    });
    // The introspection is in the timeline, under its own step, with the token masked.
    const recheck = recordedExchanges(engine)
      .slice(before)
      .filter((e) => e.step === 'Introspection (status re-check)');
    expect(recheck.map((e) => e.id)).toContain(access?.exchangeId);
    expect(recheck[0]?.response?.body).toContain('"active":false');
    // The held set (the UI's source) carries the server's word.
    const held = (await tokenSet())!;
    expect(held.serverStatus?.access_token?.state).toBe('revoked');
    expect(tokenEvents.at(-1)?.serverStatus?.access_token?.label).toBe('revoked (server)');
  });

  it('an access token the server no longer accepts at userinfo is re-checked: inactive (server)', async () => {
    const p = await profile('basic-app', basicAuth, { name: 'failed use' });
    await authorize(p.id, 'basic-app');
    expect((await exchange(p.id)).ok).toBe(true);
    const access = must(await engine.revealSecret({ kind: 'access_token' })).value;
    // Revoked behind the app's back (another client of the same user would do this).
    const gone = await fetch(`${server.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`basic-app:${BASIC_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: access, token_type_hint: 'access_token' }).toString(),
    });
    expect(gone.status).toBe(200);
    const u = must(await engine.callUserinfo({ profileId: p.id }));
    expect(u.status).toBe(401);
    expect(u.rechecked?.access_token).toMatchObject({
      state: 'inactive',
      label: 'inactive (server)',
      basis: 'introspection said active: false',
      after: 'failed-use',
    });
    expect((await tokenSet())?.serverStatus?.access_token?.state).toBe('inactive');
  });

  it('without an introspection endpoint the status after a revoke is unknown, not valid', async () => {
    // Endpoints by hand, no discovery: the server's introspection endpoint is not known.
    const p = await profile('basic-app', basicAuth, {
      name: 'no introspection',
      fhirBaseUrl: undefined,
      tokenEndpoint: server.tokenEndpoint,
      authorizationEndpoint: server.authorizationEndpoint,
      revocationEndpoint: `${server.issuer}/token/revocation`,
    });
    await authorize(p.id, 'basic-app');
    expect((await exchange(p.id)).ok).toBe(true);
    const r = must(await engine.revokeToken({ profileId: p.id, which: 'refresh_token' }));
    expect(r.rechecked?.access_token).toMatchObject({
      state: 'unknown',
      label: 'unknown since the revoke',
      basis: expect.stringContaining('the server has no introspection endpoint'),
    });
    expect(r.rechecked?.access_token?.note).toContain('may no longer work');
    expect(r.rechecked?.refresh_token?.state).toBe('revoked');
    expect(r.rechecked?.refresh_token?.basis).toContain('not confirmed by introspection');
  });
});

describe('code exchange mistakes are diagnosed, most likely cause first', () => {
  it('a code_verifier that differs from the generated one: PKCE_MISMATCH', async () => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    const r = await exchange(p.id, (d) =>
      setParam(d, 'code_verifier', randomBytes(32).toString('base64url')),
    );
    expect(r.ok).toBe(false);
    expect(codes(r)[0]).toBe('PKCE_MISMATCH');
    expect(r.findings[0]?.evidence).toMatch(/not the one generated/);
  });

  it('a missing code_verifier: PKCE_MISMATCH', async () => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    const r = await exchange(p.id, (d) => setParam(d, 'code_verifier', undefined));
    expect(r.ok).toBe(false);
    expect(codes(r)[0]).toBe('PKCE_MISMATCH');
  });

  it('a redirect_uri that differs from the authorize request: REDIRECT_URI_MISMATCH', async () => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    const r = await exchange(p.id, (d) =>
      setParam(d, 'redirect_uri', 'http://127.0.0.1:1/elsewhere'),
    );
    expect(r.ok).toBe(false);
    expect(r.body?.error).toBe('invalid_grant');
    expect(codes(r)[0]).toBe('REDIRECT_URI_MISMATCH');
  });

  it('a code used twice: CODE_INVALID', async () => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    expect((await exchange(p.id)).ok).toBe(true);
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    expect(codes({ findings: draft.preflight })).toContain('CODE_INVALID');
    const r = must(await engine.sendTokenRequest({ draftId: draft.id }));
    expect(r.ok).toBe(false);
    expect(codes(r)[0]).toBe('CODE_INVALID');
    expect(r.findings[0]?.evidence).toMatch(/already sent/);
  });

  it('no pending code: NOT_FOUND with the fix', async () => {
    const p = await profile('public-app', { method: 'none' }, { name: 'never authorized' });
    const r = await engine.prepareTokenRequest({ profileId: p.id });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('NOT_FOUND');
      expect(r.error.fix).toBe('Authorize first (Authorize step).');
    }
  });

  it.each([
    ['signature', 'signature'],
    ['nonce', 'nonce'],
  ] as const)('an id_token with a bad %s: ID_TOKEN_INVALID', async (tamper, check) => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    server.tamper.idToken = tamper;
    let r: TokenResult;
    try {
      r = await exchange(p.id);
    } finally {
      delete server.tamper.idToken;
    }
    expect(r.status).toBe(200);
    expect(r.ok).toBe(false);
    expect(codes(r)[0]).toBe('ID_TOKEN_INVALID');
    expect(r.findings[0]?.title).toContain(check);
    expect(r.idToken?.checks?.find((c) => c.name === check)?.ok).toBe(false);
    expect(r.idToken?.checks?.filter((c) => !c.ok).map((c) => c.name)).toEqual([check]);
  });

  it('no refresh token issued: REFRESH_NOT_ISSUED on the exchange and on refresh (nothing sent)', async () => {
    const p = await profile('no-refresh-app', { method: 'none' });
    await authorize(p.id, 'no-refresh-app');
    const r = await exchange(p.id);
    expect(r.ok).toBe(true);
    expect(r.refreshToken?.issued).toBe(false);
    expect(codes(r)).toContain('REFRESH_NOT_ISSUED');
    expect(r.findings.find((f) => f.code === 'REFRESH_NOT_ISSUED')?.evidence).toMatch(
      /offline_access was requested/,
    );
    const sent = recordedExchanges(engine).length;
    const refresh = must(await engine.refreshTokens({ profileId: p.id }));
    expect(refresh.ok).toBe(false);
    expect(codes(refresh)[0]).toBe('REFRESH_NOT_ISSUED');
    expect(recordedExchanges(engine).length).toBe(sent);
  });
});

describe('password grant (legacy)', () => {
  it('builds the request with a GRANT_INSECURE warning and diagnoses the refusal', async () => {
    const p = must(
      await engine.saveProfile({
        name: 'password',
        flow: 'password',
        fhirBaseUrl: server.fhirBase,
        clientId: 'basic-app',
        scope: 'openid patient/Patient.rs',
        username: 'alice',
        password: PASSWORD,
        auth: { method: 'client_secret_basic', clientSecret: BASIC_SECRET },
      }),
    );
    expect(p.hasPassword).toBe(true);
    const draft = must(await engine.prepareTokenRequest({ profileId: p.id }));
    expect(draft.grant).toBe('password');
    expect(draft.params).toContainEqual(['username', 'alice']);
    expect(draft.params).toContainEqual(['password', '{{password}}']);
    expect(draft.preflight.find((f) => f.code === 'GRANT_INSECURE')?.severity).toBe('warning');
    const r = must(await engine.sendTokenRequest({ draftId: draft.id }));
    expect(r.ok).toBe(false);
    expect(r.grant).toBe('password');
    expect(r.body?.error).toBe('unsupported_grant_type');
    expect(codes(r)[0]).toBe('GRANT_NOT_ALLOWED');
    expect(codes(r)).toContain('GRANT_INSECURE');
    const ex = recordedExchanges(engine).find((e) => e.id === r.exchangeId)!;
    expect(ex.request.body).toContain('password={{password}}');
  });
});

describe('tokens over time', () => {
  // A fake clock: Date is faked (nothing else), so the engine (systemClock) and the test servers
  // (oidc-provider, in this process) see the same time, and a test moves it instead of waiting.
  beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true }));
  afterEach(() => void vi.useRealTimers());
  const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

  it('an expired refresh token: REFRESH_INVALID', async () => {
    const p = await profile(
      'basic-app',
      { method: 'client_secret_basic', clientSecret: BASIC_SECRET },
      { name: 'short refresh' },
      shortRefresh,
    );
    await authorize(p.id, 'basic-app', shortRefresh);
    expect((await exchange(p.id)).ok).toBe(true);
    // Past the 2 s refresh token lifetime: the server itself says the token is no longer active.
    advance(3_000);
    const i = must(await engine.introspectToken({ profileId: p.id, which: 'refresh_token' }));
    expect(i.active).toBe(false);
    const r = must(await engine.refreshTokens({ profileId: p.id }));
    expect(r.ok).toBe(false);
    expect(codes(r)[0]).toBe('REFRESH_INVALID');
    expect(r.findings[0]?.evidence).toMatch(/expired/);
  });

  it('automatic refresh fires before expiry, rotates, and re-arms', async () => {
    const p = await profile('public-app', { method: 'none' }, { name: 'auto' }, shortAccess);
    await authorize(p.id, 'public-app', shortAccess);
    const first = await exchange(p.id);
    expect(first.ok).toBe(true);
    expect(first.expiresIn).toBe(3);
    const on = must(await engine.setAutoRefresh({ profileId: p.id, enabled: true }));
    expect(on.enabled).toBe(true);
    expect(on.nextAt).toBeDefined();
    expect(Date.parse(on.nextAt!)).toBeLessThan(Date.parse((await tokenSet())!.expiresAt!));
    expect(tokenEvents.at(-1)?.autoRefresh).toEqual({ enabled: true, nextAt: on.nextAt });
    // Nothing fires before its time; at nextAt the one armed refresh does.
    expect(timer.runDue()).toBe(0);
    vi.setSystemTime(Date.parse(on.nextAt!));
    expect(timer.runDue()).toBe(1);
    await vi.waitFor(() => {
      const auto = tokenEvents.at(-1)?.refreshes.find((x) => x.automatic);
      expect(auto).toMatchObject({ ok: true, rotated: true });
    });
    await rememberTokens();
    const set = (await tokenSet())!;
    expect(set.grant).toBe('refresh_token');
    expect(set.autoRefresh.enabled).toBe(true);
    expect(set.autoRefresh.nextAt).toBeDefined();
    expect(set.autoRefresh.nextAt).not.toBe(on.nextAt);
    const off = must(await engine.setAutoRefresh({ profileId: p.id, enabled: false }));
    expect(off).toEqual({ enabled: false });
    expect((await tokenSet())?.autoRefresh).toEqual({ enabled: false });
  });

  it('a resource call with an expired access token refreshes and retries once when asked', async () => {
    const p = await profile('public-app', { method: 'none' }, { name: 'retry' }, shortAccess);
    await authorize(p.id, 'public-app', shortAccess);
    expect((await exchange(p.id)).ok).toBe(true);
    const expiresAt = Date.parse((await tokenSet())!.expiresAt!);
    // Past the 3 s access token lifetime, for the engine and the server alike.
    vi.setSystemTime(expiresAt + 1_000);
    const plain = must(await engine.callResource({ profileId: p.id, path: 'Patient' }));
    expect(plain.status).toBe(401);
    expect(codes(plain)[0]).toBe('TOKEN_EXPIRED');
    const retried = must(
      await engine.callResource({ profileId: p.id, path: 'Patient', refreshOnExpiry: true }),
    );
    await rememberTokens();
    expect(retried.status).toBe(200);
    expect(retried.retriedAfterRefresh).toBe(true);
    expect(retried.tokenUsed).toBe('access_token');
    expect((await tokenSet())?.refreshes.at(-1)).toMatchObject({ ok: true, automatic: false });
  });

  it('end session: the engine opens the logout URL with id_token_hint, shows it masked, and forgets the tokens', async () => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    expect((await exchange(p.id)).ok).toBe(true);
    const idToken = must(await engine.revealSecret({ kind: 'id_token' })).value;

    const shownOnly = must(await engine.endSession({ profileId: p.id }));
    expect(shownOnly.opened).toBe(false);
    expect(shownOnly.url).toBe(`${server.issuer}/session/end?client_id=public-app`);
    // A URL that is only shown never carries the id_token, and says so.
    expect(shownOnly.idTokenHint).toBe('left-out');
    expect(shownOnly.note).toContain('id_token_hint is left out');
    expect(shownOnly.url).not.toContain(idToken);
    expect(await tokenSet()).toBeNull();

    await authorize(p.id, 'public-app');
    expect((await exchange(p.id)).ok).toBe(true);
    const idToken2 = must(await engine.revealSecret({ kind: 'id_token' })).value;
    const r = must(await engine.endSession({ profileId: p.id, open: true }));
    expect(r.opened).toBe(true);
    expect(r.cleared).toBe(true);
    expect(r.url).toContain('id_token_hint={{id_token}}');
    expect(r.url).not.toContain(idToken2);
    const url = new URL(opened.at(-1)!);
    expect(url.origin + url.pathname).toBe(`${server.issuer}/session/end`);
    expect(url.searchParams.get('id_token_hint')).toBe(idToken2);
    expect(idToken2).not.toBe(idToken);
    // The server accepts the URL (it shows its logout confirmation page).
    expect((await fetch(url)).status).toBe(200);
    expect(tokenEvents.at(-1)).toBeNull();
    expect(await tokenSet()).toBeNull();
    const gone = await engine.revealSecret({ kind: 'access_token' });
    expect(gone.ok).toBe(false);
  });

  it('end session from a page (web host): a one-time handoff carries id_token_hint, the page never sees it', async () => {
    const p = await profile('public-app', { method: 'none' });
    await authorize(p.id, 'public-app');
    expect((await exchange(p.id)).ok).toBe(true);
    const idToken = must(await engine.revealSecret({ kind: 'id_token' })).value;
    const r = must(await engine.endSession({ profileId: p.id, handoff: true }));
    expect(r).toMatchObject({ opened: false, cleared: true, idTokenHint: 'handoff' });
    expect(r.handoff).toMatch(/^\/handoff\/[\w-]{32}$/);
    expect(JSON.stringify(r)).not.toContain(idToken);
    expect(r.url).toContain('id_token_hint={{id_token}}');
    expect(r.note).toContain('passes id_token_hint to the browser once');
    const id = r.handoff!.slice('/handoff/'.length);
    const behind = new URL(engine.takeHandoff(id)!);
    expect(behind.origin + behind.pathname).toBe(`${server.issuer}/session/end`);
    expect(behind.searchParams.get('id_token_hint')).toBe(idToken);
    // One use only, and an unknown id gets nothing.
    expect(engine.takeHandoff(id)).toBeUndefined();
    expect(engine.takeHandoff('not-an-id-at-all-00000000')).toBeUndefined();
    // The server takes the URL (its logout confirmation page).
    expect((await fetch(behind)).status).toBe(200);
  });

  it('end session with a registered post-logout redirect: id_token_hint, post_logout_redirect_uri and state; the server accepts it', async () => {
    const p = await profile('logout-app', { method: 'none' });
    const back = 'http://127.0.0.1:45123/logged-out';
    const logout = async (postLogoutRedirectUri: string) => {
      await authorize(p.id, 'logout-app');
      expect((await exchange(p.id)).ok).toBe(true);
      const idToken = must(await engine.revealSecret({ kind: 'id_token' })).value;
      const r = must(
        await engine.endSession({ profileId: p.id, open: true, postLogoutRedirectUri }),
      );
      return { r, idToken, url: new URL(opened.at(-1)!) };
    };
    const { r, idToken, url } = await logout(back);
    expect(r).toMatchObject({ opened: true, idTokenHint: 'sent', postLogoutRedirectUri: back });
    expect(url.searchParams.get('id_token_hint')).toBe(idToken);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(back);
    expect(url.searchParams.get('client_id')).toBe('logout-app');
    expect(url.searchParams.get('state')).toBe(r.state);
    expect(r.state?.length).toBeGreaterThanOrEqual(16);
    // Shown: the same URL with the id_token masked.
    const shown = new URL(r.url);
    expect(shown.searchParams.get('id_token_hint')).toBe('{{id_token}}');
    expect(shown.searchParams.get('post_logout_redirect_uri')).toBe(back);
    expect(shown.searchParams.get('state')).toBe(r.state);
    expect(r.url).not.toContain(idToken);
    // oidc-provider checks the hint and the registered redirect: its confirmation page answers 200.
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(200);

    // Kept in the profile: Log out sends it without being told, and registration registers it.
    const kept = must(
      await engine.saveProfile({
        id: p.id,
        name: 'logout-app',
        flow: 'authorization-code',
        fhirBaseUrl: server.fhirBase,
        clientId: 'logout-app',
        scope: SCOPE,
        auth: { method: 'none' },
        postLogoutRedirectUri: back,
      }),
    );
    expect(kept.postLogoutRedirectUri).toBe(back);
    await authorize(p.id, 'logout-app');
    expect((await exchange(p.id)).ok).toBe(true);
    const fromProfile = must(await engine.endSession({ profileId: p.id, open: true }));
    expect(fromProfile.postLogoutRedirectUri).toBe(back);
    const sent = new URL(opened.at(-1)!);
    expect(sent.searchParams.get('post_logout_redirect_uri')).toBe(back);
    expect(sent.searchParams.get('state')).toBe(fromProfile.state);
    expect((await fetch(sent, { redirect: 'manual' })).status).toBe(200);
    const metadata = JSON.parse(
      must(await engine.prepareRegistration({ profileId: p.id })).body,
    ) as Record<string, unknown>;
    expect(metadata.post_logout_redirect_uris).toEqual([back]);

    // An unregistered return address is refused by the server (so the check above means something).
    const other = await logout('http://127.0.0.1:45123/elsewhere');
    const refused = await fetch(other.url, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/post_logout_redirect_uri not registered/);
  });

  it('records no token, code, verifier, password or secret in any exchange', () => {
    const all = JSON.stringify(recordedExchanges(engine));
    expect(secretsSeen.size).toBeGreaterThan(20);
    for (const s of secretsSeen) expect(all).not.toContain(s);
    expect(all).toContain('{{code}}');
    expect(all).toContain('{{code_verifier}}');
    expect(all).toContain('{{refresh_token}}');
    expect(all).toContain('{{access_token}}');
  });
});

describe('id_token checks on a token signed here', () => {
  it('at_hash (hash of the id_token alg, left half), iss, azp and exp each fail on their own', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS384');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS384' }] };
    const now = Math.floor(Date.now() / 1000);
    const accessToken = 'opaque-access-token-value-0123456789';
    const digest = createHash('sha384').update(accessToken).digest();
    const atHash = digest.subarray(0, 24).toString('base64url');
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({
        iss: 'https://as.example',
        aud: 'client-1',
        sub: 'alice',
        nonce: 'n-1',
        iat: now,
        exp: now + 60,
        at_hash: atHash,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS384', kid: 'k1' })
        .sign(privateKey);
    const known = {
      clientId: 'client-1',
      issuer: 'https://as.example',
      nonce: 'n-1',
      accessToken,
      now,
      jwks,
    };
    const good = await idTokenView(await sign({}), known);
    expect(good.checks?.map((c) => [c.name, c.ok])).toEqual([
      ['signature', true],
      ['iss', true],
      ['aud', true],
      ['nonce', true],
      ['exp', true],
      ['iat', true],
      ['at_hash', true],
    ]);
    expect(good.findings).toEqual([]);
    const failed = async (claims: Record<string, unknown>) =>
      (await idTokenView(await sign(claims), known)).checks
        ?.filter((c) => !c.ok)
        .map((c) => c.name);
    expect(await failed({ at_hash: digest.subarray(0, 16).toString('base64url') })).toEqual([
      'at_hash',
    ]);
    expect(await failed({ iss: 'https://other.example' })).toEqual(['iss']);
    expect(await failed({ aud: ['client-1', 'api'] })).toEqual(['azp']);
    expect(await failed({ aud: ['client-1', 'api'], azp: 'client-1' })).toEqual([]);
    expect(await failed({ exp: now - 1 })).toEqual(['exp']);
    const wrongIss = await idTokenView(await sign({ iss: 'https://other.example' }), known);
    expect(wrongIss.findings[0]?.code).toBe('ISSUER_MISMATCH');
  });
});
