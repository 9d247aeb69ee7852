// The fake token endpoint: mints, holds, refreshes and redeems tokens for the areas that need them.
import { finding } from '../../../../shared/diagnosis/catalog.js';
import type { Finding } from '../../../../shared/diagnosis/codes.js';
import type { Result } from '../../../../shared/result.js';
import type {
  GrantType,
  IdTokenCheck,
  ProfileView,
  TokenResult,
  TokenSetView,
  TokenView,
} from '../../../../shared/types.js';
import type { FakeContext } from './context.js';
import { FAKE_FHIR_BASE, FAKE_JWKS_URL } from './fixtures.js';
import { enc, explain, fail, iso, json, maskToken, nowSec, ok } from './helpers.js';
import type { FakeHeld } from './types.js';

/** The view of a JWT the fake server issued (signature verified). */
function jwtView(
  kind: 'access_token' | 'id_token',
  token: string,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  extra: Partial<TokenView> = {},
): TokenView {
  return {
    kind,
    format: 'jwt',
    masked: maskToken(token),
    length: token.length,
    decoded: { header, claims, signatureLength: token.split('.')[2]!.length },
    explained: explain(claims),
    verification: {
      status: 'verified',
      message: 'Signature verified.',
      kid: String(header.kid),
      jwksUrl: FAKE_JWKS_URL,
    },
    ...(typeof claims.exp === 'number' ? { expiresAt: iso(claims.exp * 1000) } : {}),
    findings: [],
    ...extra,
  };
}

/** The held tokens as the renderer sees them (raw values masked). */
export function tokenSetView(h: FakeHeld): TokenSetView {
  return {
    profileId: h.profileId,
    grant: h.grant,
    receivedAt: iso(h.receivedAt),
    expiresAt: iso(h.expiresAt),
    scope: h.scope,
    accessToken: h.accessView,
    ...(h.idView ? { idToken: h.idView } : {}),
    ...(h.refresh
      ? { refreshToken: { masked: maskToken(h.refresh), length: h.refresh.length } }
      : {}),
    ...(h.launchContext ? { launchContext: h.launchContext } : {}),
    autoRefresh: h.autoRefresh,
    refreshes: h.refreshes,
    revoked: h.revoked,
  };
}

/** Pushes the held tokens (or their absence) to the renderer, like the engine. */
export const pushTokens = ({ state, emit }: FakeContext) =>
  emit('tokens', state.held ? tokenSetView(state.held) : null);

export const nextRefreshAt = (expiresAt: number) => iso(expiresAt - 30_000);

/** Mints the tokens of a successful token response and holds them, like the engine. */
export function issue(
  ctx: FakeContext,
  p: ProfileView,
  grant: GrantType,
  scope: string,
  previous?: FakeHeld,
): { held: FakeHeld; body: Record<string, unknown> } {
  const { state, issuerOf } = ctx;
  const now = nowSec();
  const user = grant !== 'client_credentials';
  const accessClaims = {
    iss: issuerOf(p),
    sub: user ? 'user-4711' : p.clientId,
    aud: p.fhirBaseUrl ?? FAKE_FHIR_BASE,
    exp: now + 300,
    iat: now,
    scope,
    client_id: p.clientId,
    jti: `at-${++state.seq}`,
  };
  const accessHeader = { alg: 'RS256', kid: 'as-key-1', typ: 'at+jwt' };
  const access = `${enc(accessHeader)}.${enc(accessClaims)}.${'t'.repeat(86)}`;
  const scopes = scope.split(' ');
  const held: FakeHeld = {
    profileId: p.id,
    grant,
    receivedAt: now * 1000,
    expiresAt: (now + 300) * 1000,
    scope,
    access,
    accessView: jwtView('access_token', access, accessHeader, accessClaims),
    refreshes: previous?.refreshes ?? [],
    revoked: [],
    autoRefresh: previous?.autoRefresh.enabled
      ? { enabled: true, nextAt: nextRefreshAt((now + 300) * 1000) }
      : { enabled: false },
  };
  if (user && scopes.includes('openid')) {
    const idClaims = {
      iss: issuerOf(p),
      sub: 'user-4711',
      aud: p.clientId,
      exp: now + 3600,
      iat: now,
      nonce: 'n-0S6_WzA2Mj',
      at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q',
      fhirUser: `${p.fhirBaseUrl ?? FAKE_FHIR_BASE}/Practitioner/prac-12`,
    };
    const idHeader = { alg: 'RS256', kid: 'as-key-1' };
    const id = `${enc(idHeader)}.${enc(idClaims)}.${'i'.repeat(342)}`;
    const checks: IdTokenCheck[] = [
      { name: 'signature', ok: true, detail: 'Verified with key as-key-1 from the server JWKS.' },
      { name: 'iss', ok: true, detail: `iss is ${idClaims.iss}, the expected issuer.` },
      { name: 'aud', ok: true, detail: `aud contains the client_id ${p.clientId}.` },
      { name: 'nonce', ok: true, detail: 'nonce matches the one sent on the authorize request.' },
      { name: 'exp', ok: true, detail: 'Not expired.' },
      { name: 'at_hash', ok: true, detail: 'at_hash matches the access token.' },
    ];
    held.id = id;
    held.idView = jwtView('id_token', id, idHeader, idClaims, { checks });
  }
  if (user && (scopes.includes('offline_access') || scopes.includes('online_access'))) {
    held.refresh = `rt-${Math.random().toString(36).slice(2)}${'r'.repeat(24)}-${state.seq}`;
  }
  if (user && scopes.some((s) => s.startsWith('launch'))) {
    held.launchContext = {
      patient: 'pat-123',
      encounter: 'enc-456',
      need_patient_banner: true,
      ...(held.idView
        ? { fhirUser: (held.idView.decoded?.claims as Record<string, unknown>).fhirUser }
        : {}),
    };
  }
  state.held = held;
  state.accessToken = access;
  const body: Record<string, unknown> = {
    access_token: maskToken(access),
    token_type: 'bearer',
    expires_in: 300,
    scope,
    ...(held.id ? { id_token: maskToken(held.id) } : {}),
    ...(held.refresh ? { refresh_token: maskToken(held.refresh) } : {}),
    ...(held.launchContext
      ? { patient: held.launchContext.patient, encounter: held.launchContext.encounter }
      : {}),
  };
  return { held, body };
}

/** The TokenResult of a successful token response for the held tokens. */
export function tokenResultOf(
  held: FakeHeld,
  grant: GrantType,
  exchangeId: string,
  body: Record<string, unknown>,
  requested: string[],
  findings: Finding[],
  previousRefresh?: string,
): TokenResult {
  const granted = held.scope.split(' ').filter(Boolean);
  const rotated = !!previousRefresh && !!held.refresh && previousRefresh !== held.refresh;
  return {
    ok: true,
    exchangeId,
    status: 200,
    body,
    tokenType: 'bearer',
    expiresIn: 300,
    receivedAt: iso(held.receivedAt),
    grant,
    scopeDiff: {
      requested,
      granted,
      missing: requested.filter((s) => !granted.includes(s)),
      extra: granted.filter((s) => !requested.includes(s)),
    },
    accessToken: held.accessView,
    ...(held.idView ? { idToken: held.idView } : {}),
    refreshToken: held.refresh
      ? {
          issued: true,
          masked: maskToken(held.refresh),
          length: held.refresh.length,
          ...(grant === 'refresh_token'
            ? {
                rotated,
                ...(previousRefresh ? { previousMasked: maskToken(previousRefresh) } : {}),
              }
            : {}),
          note:
            grant === 'refresh_token'
              ? rotated
                ? 'Rotated: the server returned a new refresh token; the previous one must not be used again.'
                : 'The server returned the same refresh token (no rotation).'
              : 'Issued.',
        }
      : {
          issued: false,
          note:
            grant === 'client_credentials'
              ? 'Not issued: client_credentials never gets a refresh token.'
              : 'Not issued: the scope has no offline_access.',
        },
    ...(held.launchContext ? { launchContext: held.launchContext } : {}),
    findings,
  };
}

/** Records a token endpoint exchange with the form parameters and the answer. */
function tokenExchange(
  { record, tokenUrlOf }: FakeContext,
  p: ProfileView,
  params: [string, string][],
  status: number,
  body: unknown,
) {
  return record({
    step: 'token',
    request: {
      method: 'POST',
      url: tokenUrlOf(p),
      headers: [
        ['content-type', 'application/x-www-form-urlencoded'],
        ['accept', 'application/json'],
      ],
      body: params.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&'),
    },
    response: json(status, body, status === 200 ? 'OK' : 'Bad Request'),
    durationMs: 187,
  });
}

/** refresh_token grant with the held refresh token (rotation on every refresh). */
export function refresh(ctx: FakeContext, p: ProfileView, automatic: boolean): Result<TokenResult> {
  const { state } = ctx;
  const held = state.held;
  if (!held?.refresh) {
    return fail(
      'SECRET_UNAVAILABLE',
      'No refresh token is held for this session.',
      'Ask for offline_access in the scope and sign in again; client_credentials never gets one.',
    );
  }
  const old = held.refresh;
  const params: [string, string][] = [
    ['grant_type', 'refresh_token'],
    ['refresh_token', '{{refresh_token}}'],
    ['client_id', p.clientId],
  ];
  if (held.revoked.includes('refresh_token')) {
    const body = { error: 'invalid_grant', error_description: 'grant request is invalid' };
    const ex = tokenExchange(ctx, p, params, 400, body);
    const findings = [
      finding('REFRESH_INVALID', 'invalid_grant for a refresh token revoked in this session.'),
    ];
    held.refreshes = [
      ...held.refreshes,
      {
        at: iso(Date.now()),
        ok: false,
        automatic,
        exchangeId: ex.id,
        rotated: false,
        previousMasked: maskToken(old),
        findings,
      },
    ];
    pushTokens(ctx);
    return ok({
      ok: false,
      exchangeId: ex.id,
      status: 400,
      body,
      receivedAt: iso(Date.now()),
      grant: 'refresh_token',
      refreshToken: {
        issued: false,
        previousMasked: maskToken(old),
        note: 'Not issued: the refresh failed.',
      },
      findings,
    });
  }
  const { held: fresh, body } = issue(ctx, p, 'refresh_token', held.scope, held);
  if (!fresh.refresh) fresh.refresh = old;
  if (!fresh.idView && held.idView) {
    fresh.id = held.id;
    fresh.idView = held.idView;
  }
  fresh.launchContext = held.launchContext;
  body.refresh_token = maskToken(fresh.refresh);
  const ex = tokenExchange(ctx, p, params, 200, body);
  fresh.refreshes = [
    ...held.refreshes,
    {
      at: iso(Date.now()),
      ok: true,
      automatic,
      exchangeId: ex.id,
      rotated: fresh.refresh !== old,
      previousMasked: maskToken(old),
      newMasked: maskToken(fresh.refresh),
      findings: [],
    },
  ];
  pushTokens(ctx);
  const requested = held.scope.split(' ').filter(Boolean);
  return ok(tokenResultOf(fresh, 'refresh_token', ex.id, body, requested, [], old));
}

/** authorization_code grant with the received code (a code can be redeemed once). */
export function redeemCode(ctx: FakeContext, p: ProfileView): Result<TokenResult> {
  const { state } = ctx;
  if (!state.code || state.code.profileId !== p.id) {
    return fail(
      'SECRET_UNAVAILABLE',
      'No authorization code has been received for this profile.',
      'Run the Authorize step first; the code it receives is used here.',
    );
  }
  const params: [string, string][] = [
    ['grant_type', 'authorization_code'],
    ['code', '{{code}}'],
    ['redirect_uri', p.redirectUri ?? 'http://127.0.0.1:49200/callback'],
    ['code_verifier', '{{code_verifier}}'],
    ['client_id', p.clientId],
  ];
  if (state.code.used) {
    const body = { error: 'invalid_grant', error_description: 'grant request is invalid' };
    const ex = tokenExchange(ctx, p, params, 400, body);
    return ok({
      ok: false,
      exchangeId: ex.id,
      status: 400,
      body,
      receivedAt: iso(Date.now()),
      grant: 'authorization_code',
      findings: [finding('CODE_INVALID', 'invalid_grant for a code that was already redeemed.')],
    });
  }
  state.code.used = true;
  const { held, body } = issue(ctx, p, 'authorization_code', p.scope);
  const ex = tokenExchange(ctx, p, params, 200, body);
  pushTokens(ctx);
  return ok(
    tokenResultOf(held, 'authorization_code', ex.id, body, p.scope.split(' ').filter(Boolean), []),
  );
}
