import { API_METHODS, EVENT_NAMES } from '../../../shared/api.js';
import type {
  ApiMethod,
  DebuggerApi,
  DebuggerBridge,
  DebuggerEvents,
  EventName,
} from '../../../shared/api.js';
import { lintAssertion } from '../../../shared/diagnosis/assertion-lint.js';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import { readEvidence } from '../../../shared/evidence.js';
import { finding } from '../../../shared/diagnosis/catalog.js';
import { inspectEvidence, unreadableEvidence } from '../../../shared/inspect.js';
import { explainClaims, maskSecret } from '../../../shared/jwt-view.js';
import type { Result } from '../../../shared/result.js';
import type {
  AssertionView,
  AuthorizationCheck,
  AuthorizationFlowView,
  DiscoveryResult,
  GrantType,
  HttpExchange,
  IdTokenCheck,
  JwksHostView,
  KeyInfo,
  NextStep,
  ProfileView,
  RefreshRecord,
  RegistrationResult,
  TokenKind,
  TokenOpResult,
  TokenRequestDraft,
  TokenResult,
  TokenSetView,
  TokenView,
} from '../../../shared/types.js';
import { effectiveFlow } from '../../../shared/oauth/flow.js';

/**
 * An in-memory DebuggerBridge for component tests and demos. Like every host adapter it is
 * generated from API_METHODS; behaviour lives in a table of per-method handlers that tests
 * can replace (`fake.handlers.sendTokenRequest = ...`). Every call is recorded in `calls`.
 * The browser side of an authorization is played by `simulateCallback` (the loopback listener
 * receiving the redirect), so tests decide when it happens.
 */

type Handler<M extends ApiMethod> = (
  ...args: Parameters<DebuggerApi[M]>
) => Awaited<ReturnType<DebuggerApi[M]>> | ReturnType<DebuggerApi[M]>;

export type FakeHandlers = { [M in ApiMethod]: Handler<M> };

export interface FakeCall {
  method: ApiMethod;
  args: unknown[];
}

/** Tokens the fake "engine" holds for the session (raw values stay in here). */
export interface FakeHeld {
  profileId: string;
  grant: GrantType;
  receivedAt: number;
  expiresAt: number;
  scope: string;
  access: string;
  accessView: TokenView;
  id?: string;
  idView?: TokenView;
  refresh?: string;
  launchContext?: Record<string, unknown>;
  refreshes: RefreshRecord[];
  revoked: TokenKind[];
  autoRefresh: { enabled: boolean; nextAt?: string };
}

interface FakeFlow {
  view: AuthorizationFlowView;
  state: string;
}

export interface FakeState {
  profiles: ProfileView[];
  keys: KeyInfo[];
  exchanges: HttpExchange[];
  accessToken: string | null;
  lastAssertion: string | null;
  sentJtis: Set<string>;
  seq: number;
  held: FakeHeld | null;
  flows: Map<string, FakeFlow>;
  /** The last authorization code received and whether it was redeemed already. */
  code: { value: string; profileId: string; used: boolean } | null;
  jwksHost: JwksHostView | null;
}

export interface FakeOptions {
  /** Pretend the host opens the system browser itself (Electron); the web host cannot. */
  opensBrowser?: boolean;
}

export interface FakeApi {
  bridge: DebuggerBridge;
  handlers: FakeHandlers;
  calls: FakeCall[];
  state: FakeState;
  options: FakeOptions;
  /** Calls recorded for one method, as argument lists. */
  callsOf<M extends ApiMethod>(method: M): Parameters<DebuggerApi[M]>[];
  emit<E extends EventName>(event: E, payload: DebuggerEvents[E]): void;
  /** Adds an exchange to the timeline and pushes the snapshot, like the engine does. */
  record(exchange: Partial<HttpExchange> & Pick<HttpExchange, 'step'>): HttpExchange;
  listenerCount(event: EventName): number;
  /**
   * The browser comes back to the loopback listener of the latest (or given) waiting flow:
   * with a code, with an error, or with a wrong state. Pushes every status change.
   */
  simulateCallback(input?: {
    flowId?: string;
    error?: string;
    errorDescription?: string;
    wrongState?: boolean;
  }): AuthorizationFlowView;
  /** The listener's time limit passes for the latest (or given) waiting flow. */
  timeOutAuthorization(flowId?: string): AuthorizationFlowView;
  /** Moves the held access token's expiry into the past. */
  expireAccessToken(): void;
  /** What the engine's auto-refresh timer does when it fires. */
  autoRefreshNow(): TokenResult;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

// ---------------------------------------------------------------------------------------------
// Canned data

export const FAKE_TOKEN_URL = 'https://auth.example-ehr.com/oauth2/token';
export const FAKE_FHIR_BASE = 'https://fhir.example-ehr.com/r4';
export const FAKE_JWKS_URL = 'https://auth.example-ehr.com/oauth2/jwks';
export const FAKE_ISSUER = 'https://auth.example-ehr.com';
export const FAKE_AUTHORIZE_URL = 'https://auth.example-ehr.com/oauth2/authorize';
export const FAKE_REGISTRATION_URL = 'https://auth.example-ehr.com/oauth2/register';

export const FAKE_KEY: KeyInfo = {
  id: 'key-1',
  kid: 'oZ4cJ1QmX8y3hF0tN2wQp6vR9sK5aLdE7uB1iYc0gTs',
  alg: 'RS384',
  kty: 'RSA',
  kind: 'RSA-2048',
  thumbprint: 'oZ4cJ1QmX8y3hF0tN2wQp6vR9sK5aLdE7uB1iYc0gTs',
  publicJwk: {
    kty: 'RSA',
    n: 'u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw',
    e: 'AQAB',
    kid: 'oZ4cJ1QmX8y3hF0tN2wQp6vR9sK5aLdE7uB1iYc0gTs',
    alg: 'RS384',
    use: 'sig',
  },
  createdAt: '2025-01-15T09:30:00.000Z',
  source: 'generated',
  hasPrivateKey: true,
};

export const FAKE_PROFILE: ProfileView = {
  id: 'profile-1',
  name: 'Example EHR sandbox',
  fhirBaseUrl: FAKE_FHIR_BASE,
  issuer: FAKE_ISSUER,
  tokenEndpoint: FAKE_TOKEN_URL,
  clientId: 'backend-client-7f3a',
  scope: 'system/Patient.rs system/Observation.rs',
  hasPassword: false,
  hasRegistrationToken: false,
  hasIntrospectionToken: false,
  auth: {
    method: 'private_key_jwt',
    alg: 'RS384',
    kid: FAKE_KEY.kid,
    keyId: FAKE_KEY.id,
    hasClientSecret: false,
  },
  resourcePath: 'Patient?_count=1',
};

/** A SMART standalone-launch profile (public client, PKCE, loopback redirect). */
export const FAKE_AUTH_PROFILE: ProfileView = {
  id: 'profile-auth',
  name: 'Patient app (authorization code)',
  flow: 'authorization-code',
  fhirBaseUrl: FAKE_FHIR_BASE,
  issuer: FAKE_ISSUER,
  clientId: 'patient-app-91c2',
  scope: 'openid fhirUser launch/patient patient/*.rs offline_access',
  pkce: 'S256',
  hasPassword: false,
  hasRegistrationToken: false,
  hasIntrospectionToken: false,
  auth: { method: 'none', hasClientSecret: false },
  resourcePath: 'Patient?_count=1',
};

const enc = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const dec = (segment: string): Record<string, unknown> => {
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))) as Record<string, unknown>;
};

const explain = (claims: Record<string, unknown>) => explainClaims(claims);

function maskJwt(jwt: string): string {
  const [h, c, s = ''] = jwt.split('.');
  return `${h}.${c}.[signature hidden: ${s.length} chars]`;
}

const maskToken = maskSecret;

const nowSec = () => Math.floor(Date.now() / 1000);
const iso = (ms: number) => new Date(ms).toISOString();

function notFound(what: string): Result<never> {
  return { ok: false, error: { code: 'NOT_FOUND', message: `${what} was not found.` } };
}

function fail(
  code: 'INVALID_INPUT' | 'SECRET_UNAVAILABLE' | 'JSON_INVALID' | 'NOT_FOUND',
  message: string,
  fix: string,
): Result<never> {
  return { ok: false, error: { code, message, fix } };
}

const json = (status: number, body: unknown, statusText = 'OK') => {
  const text = body === undefined ? '' : JSON.stringify(body, null, 2);
  return {
    status,
    statusText,
    headers:
      body === undefined ? [] : ([['content-type', 'application/json']] as [string, string][]),
    body: text,
    bodyBytes: text.length,
    truncated: false,
  };
};

const isLoopback = (uri: string) => {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
};

const defaultGrant = (p: ProfileView): GrantType =>
  effectiveFlow(p) === 'authorization-code'
    ? 'authorization_code'
    : effectiveFlow(p) === 'password'
      ? 'password'
      : 'client_credentials';

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

// ---------------------------------------------------------------------------------------------

export function createFakeApi(
  overrides: Partial<FakeHandlers> = {},
  options: FakeOptions = {},
): FakeApi {
  const state: FakeState = {
    profiles: [structuredClone(FAKE_PROFILE)],
    keys: [structuredClone(FAKE_KEY)],
    exchanges: [],
    accessToken: null,
    lastAssertion: null,
    sentJtis: new Set(),
    seq: 1,
    held: null,
    flows: new Map(),
    code: null,
    jwksHost: null,
  };
  const calls: FakeCall[] = [];
  const listeners = new Map<EventName, Set<(p: unknown) => void>>(
    EVENT_NAMES.map((e) => [e, new Set()]),
  );
  const next = (prefix: string) => `${prefix}-${++state.seq}`;

  function emit<E extends EventName>(event: E, payload: DebuggerEvents[E]) {
    for (const l of [...(listeners.get(event) ?? [])]) l(structuredClone(payload));
  }

  function record(x: Partial<HttpExchange> & Pick<HttpExchange, 'step'>): HttpExchange {
    const request = x.request ?? { method: 'GET', url: FAKE_FHIR_BASE, headers: [] };
    const exchange: HttpExchange = {
      id: x.id ?? next('ex'),
      step: x.step,
      startedAt: x.startedAt ?? new Date().toISOString(),
      durationMs: x.durationMs ?? 142,
      request,
      response: x.response,
      error: x.error,
      curl:
        x.curl ??
        `curl -X ${request.method} '${request.url}'${request.headers
          .map(([n, v]) => ` -H '${n}: ${v}'`)
          .join('')}${request.body ? ` --data '${request.body}'` : ''}`,
    };
    state.exchanges.push(exchange);
    emit('exchanges', state.exchanges);
    return exchange;
  }

  const profileById = (id: string) => state.profiles.find((p) => p.id === id);
  const tokenUrlOf = (p: ProfileView) => p.tokenEndpoint ?? FAKE_TOKEN_URL;
  const issuerOf = (p: ProfileView) => p.issuer ?? FAKE_ISSUER;

  function updateProfile(p: ProfileView, patch: Partial<ProfileView>): ProfileView {
    const updated = { ...p, ...patch };
    state.profiles[state.profiles.indexOf(p)] = updated;
    return updated;
  }

  function assertionFor(p: ProfileView, over?: { header?: object; claims?: object }) {
    const now = nowSec();
    const hmac = p.auth.method === 'client_secret_jwt';
    const header = {
      alg: p.auth.alg ?? (hmac ? 'HS256' : 'RS384'),
      ...(hmac ? {} : { kid: p.auth.kid ?? FAKE_KEY.kid }),
      typ: 'JWT',
      ...over?.header,
    };
    const claims = {
      iss: p.clientId,
      sub: p.clientId,
      aud: tokenUrlOf(p),
      exp: now + 300,
      iat: now,
      jti: `jti-${state.seq}-${now}`,
      ...over?.claims,
    } as Record<string, unknown>;
    const compact = `${enc(header)}.${enc(claims)}.${'s'.repeat(hmac ? 43 : 342)}`;
    const view: AssertionView = {
      id: next('assertion'),
      header,
      claims,
      masked: maskJwt(compact),
      explained: explain(claims),
      lint: lintAssertion({
        header,
        claims,
        tokenUrl: tokenUrlOf(p),
        clientId: p.clientId,
        now,
        sentJtis: state.sentJtis,
      }),
    };
    return { view, compact };
  }

  // ---- tokens --------------------------------------------------------------------------------

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

  function tokenSetView(h: FakeHeld): TokenSetView {
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

  const pushTokens = () => emit('tokens', state.held ? tokenSetView(state.held) : null);

  const nextRefreshAt = (expiresAt: number) => iso(expiresAt - 30_000);

  /** Mints the tokens of a successful token response and holds them, like the engine. */
  function issue(
    p: ProfileView,
    grant: GrantType,
    scope: string,
    previous?: FakeHeld,
  ): { held: FakeHeld; body: Record<string, unknown> } {
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

  function tokenResultOf(
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

  function tokenExchange(
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
  function refresh(p: ProfileView, automatic: boolean): Result<TokenResult> {
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
      const ex = tokenExchange(p, params, 400, body);
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
      pushTokens();
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
    const { held: fresh, body } = issue(p, 'refresh_token', held.scope, held);
    if (!fresh.refresh) fresh.refresh = old;
    if (!fresh.idView && held.idView) {
      fresh.id = held.id;
      fresh.idView = held.idView;
    }
    fresh.launchContext = held.launchContext;
    body.refresh_token = maskToken(fresh.refresh);
    const ex = tokenExchange(p, params, 200, body);
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
    pushTokens();
    const requested = held.scope.split(' ').filter(Boolean);
    return ok(tokenResultOf(fresh, 'refresh_token', ex.id, body, requested, [], old));
  }

  function heldFor(profileId: string): Result<FakeHeld> {
    if (!profileById(profileId)) return notFound(`Profile ${profileId}`);
    if (!state.held) {
      return fail(
        'SECRET_UNAVAILABLE',
        'There are no tokens in this session yet.',
        'Get tokens first: send a token request or sign in with Authorize.',
      );
    }
    return ok(state.held);
  }

  /** The held tokens when the one asked for is there (a refresh token needs offline_access). */
  function heldToken(profileId: string, which: 'access_token' | 'refresh_token'): Result<FakeHeld> {
    const r = heldFor(profileId);
    if (r.ok && which === 'refresh_token' && !r.value.refresh)
      return fail(
        'SECRET_UNAVAILABLE',
        'No refresh token is held.',
        'Sign in with offline_access.',
      );
    return r;
  }

  /** An RFC 7662 / 7009 style form request carrying the token as a placeholder. */
  const tokenForm = (url: string, which: string) => ({
    method: 'POST',
    url,
    headers: [['content-type', 'application/x-www-form-urlencoded']] as [string, string][],
    body: `token={{${which}}}&token_type_hint=${which}`,
  });

  // ---- authorization -------------------------------------------------------------------------

  function pushFlow(flow: FakeFlow) {
    emit('authorization', flow.view);
  }

  function closeListener(flow: FakeFlow) {
    if (flow.view.listener) flow.view.listener = { ...flow.view.listener, open: false };
  }

  function latestWaiting(flowId?: string): FakeFlow {
    const flow = flowId
      ? state.flows.get(flowId)
      : [...state.flows.values()].reverse().find((f) => f.view.status === 'waiting');
    if (!flow) throw new Error('No waiting authorization in the fake.');
    return flow;
  }

  /** The checks of the engine on a redirect: state, iss (RFC 9207), error, code. */
  function receive(flow: FakeFlow, query: URLSearchParams, via: 'loopback' | 'paste') {
    const p = profileById(flow.view.profileId)!;
    const checks: AuthorizationCheck[] = [];
    const findings: Finding[] = [];
    const state_ = query.get('state');
    if (state_ === flow.state) {
      checks.push({ name: 'state', ok: true, detail: 'state matches the one sent (256 bits).' });
    } else {
      const detail = state_
        ? 'state on the redirect differs from the one sent with this authorization.'
        : 'The redirect has no state parameter.';
      checks.push({ name: 'state', ok: false, detail });
      findings.push(finding('STATE_MISMATCH', detail));
    }
    const iss = query.get('iss');
    if (iss) {
      const good = iss === issuerOf(p);
      checks.push({
        name: 'iss',
        ok: good,
        detail: good ? `iss is the expected issuer ${iss}.` : `iss ${iss} is not ${issuerOf(p)}.`,
      });
      if (!good) findings.push(finding('ISSUER_MISMATCH', `iss=${iss} on the redirect.`));
    }
    const error = query.get('error');
    if (error) {
      const desc = query.get('error_description');
      const detail = `The server answered error=${error}${desc ? ` (${desc})` : ''}.`;
      checks.push({ name: 'error', ok: false, detail });
      findings.push(finding('AUTHORIZATION_DENIED', detail));
    } else {
      checks.push({ name: 'error', ok: true, detail: 'No error parameter on the redirect.' });
    }
    const code = query.get('code');
    if (code)
      checks.push({ name: 'code', ok: true, detail: `Code received (${maskToken(code)}).` });
    else if (!error) {
      checks.push({ name: 'code', ok: false, detail: 'The redirect carries no code.' });
      findings.push(finding('CODE_INVALID', 'No code parameter on the redirect.'));
    }
    closeListener(flow);
    flow.view.callback = {
      receivedAt: iso(Date.now()),
      via,
      params: [...query.entries()].map(([n, v]) => [n, n === 'code' ? maskToken(v) : v]),
    };
    flow.view.checks = checks;
    flow.view.findings = findings;
    if (findings.some((f) => f.severity === 'error') || !code) {
      flow.view.status = 'failed';
      pushFlow(flow);
      return;
    }
    state.code = { value: code, profileId: p.id, used: false };
    flow.view.status = 'received';
    pushFlow(flow);
    if (!flow.view.autoExchange) return;
    flow.view.status = 'exchanging';
    pushFlow(flow);
    const r = redeemCode(p);
    if (r.ok) {
      flow.view.token = r.value;
      flow.view.findings = r.value.findings;
      flow.view.status = r.value.ok ? 'done' : 'failed';
    } else {
      flow.view.status = 'failed';
    }
    pushFlow(flow);
  }

  function redeemCode(p: ProfileView): Result<TokenResult> {
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
      const ex = tokenExchange(p, params, 400, body);
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
    const { held, body } = issue(p, 'authorization_code', p.scope);
    const ex = tokenExchange(p, params, 200, body);
    pushTokens();
    return ok(
      tokenResultOf(
        held,
        'authorization_code',
        ex.id,
        body,
        p.scope.split(' ').filter(Boolean),
        [],
      ),
    );
  }

  // ---- registration --------------------------------------------------------------------------

  function registrationBody(p: ProfileView): Record<string, unknown> {
    const flow = effectiveFlow(p);
    const grants =
      flow === 'authorization-code'
        ? ['authorization_code', 'refresh_token']
        : flow === 'password'
          ? ['password', 'refresh_token']
          : ['client_credentials'];
    const key = state.keys.find((k) => k.id === p.auth.keyId);
    const delivery = p.registration?.keyDelivery ?? (p.jwksUri ? 'jwks_uri' : 'jwks');
    return {
      application_type:
        p.registration?.applicationType ?? (flow === 'authorization-code' ? 'native' : 'web'),
      client_name: p.registration?.clientName ?? p.name,
      ...(flow === 'authorization-code'
        ? { redirect_uris: [p.redirectUri ?? 'http://127.0.0.1/callback'] }
        : {}),
      token_endpoint_auth_method: p.auth.method,
      grant_types: grants,
      ...(flow === 'authorization-code' ? { response_types: ['code'] } : {}),
      scope: p.scope,
      ...(p.registration?.contacts?.length ? { contacts: p.registration.contacts } : {}),
      ...(p.auth.method === 'private_key_jwt'
        ? delivery === 'jwks_uri' && p.jwksUri
          ? { jwks_uri: p.jwksUri }
          : key
            ? { jwks: { keys: [key.publicJwk] } }
            : {}
        : {}),
    };
  }

  function registrationNextSteps(p: ProfileView, meta: Record<string, unknown>): NextStep[] {
    const steps: NextStep[] = [];
    const scope = typeof meta.scope === 'string' ? meta.scope : '';
    if (p.vendor === 'openemr' || /system\//.test(scope)) {
      steps.push({
        title: 'An administrator must enable the new client',
        detail:
          'New clients start disabled: Admin → System → API Clients → Edit → Enable. Until then token requests fail with invalid_client.',
        source: 'OpenEMR API_README.md, "Registration"',
      });
    }
    if (/system\//.test(scope)) {
      steps.push({
        title: 'Switch on system scopes',
        detail:
          "Switch on 'Enable OpenEMR FHIR System Scopes' (Admin → Config → Connectors); while it is off system/ scopes are dropped.",
      });
    }
    return steps;
  }

  function registrationResult(
    p: ProfileView,
    action: RegistrationResult['action'],
    status: number,
    exId: string,
    body: Record<string, unknown> | undefined,
    stored: string[],
    nextSteps: NextStep[] = [],
    findings: Finding[] = [],
  ): RegistrationResult {
    return {
      action,
      ok: status < 300,
      exchangeId: exId,
      status,
      ...(body ? { body } : {}),
      stored,
      profile: profileById(p.id)!,
      nextSteps,
      findings,
    };
  }

  const drafts = new Map<
    string,
    TokenRequestDraft & { profileId: string; compact: string | undefined }
  >();

  const handlers: FakeHandlers = {
    getStorageInfo: () =>
      ok({ backend: 'in-memory (fake)', secretsPersisted: false, quarantined: [] }),
    listProfiles: () => ok(state.profiles),
    saveProfile: (input) => {
      const existing = input.id ? profileById(input.id) : undefined;
      if (input.id && !existing) return notFound(`Profile ${input.id}`);
      if (!input.name.trim()) {
        return {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: 'name: A profile needs a name.',
            fix: 'Give the profile a name.',
          },
        };
      }
      const { clientSecret, ...auth } = input.auth;
      const { password, introspectionToken, ...rest } = input;
      const hasClientSecret =
        clientSecret === undefined
          ? (existing?.auth.hasClientSecret ?? false)
          : clientSecret !== '';
      const hasPassword =
        password === undefined ? (existing?.hasPassword ?? false) : password !== '';
      const view: ProfileView = {
        ...rest,
        id: existing?.id ?? next('profile'),
        hasPassword,
        hasRegistrationToken: existing?.hasRegistrationToken ?? false,
        hasIntrospectionToken:
          introspectionToken === undefined
            ? (existing?.hasIntrospectionToken ?? false)
            : introspectionToken !== '',
        auth: { ...auth, hasClientSecret },
      };
      if (existing) state.profiles[state.profiles.indexOf(existing)] = view;
      else state.profiles.push(view);
      return ok(view);
    },
    deleteProfile: (id) => {
      const p = profileById(id);
      if (!p) return notFound(`Profile ${id}`);
      state.profiles = state.profiles.filter((x) => x !== p);
      return ok({ deleted: id });
    },
    exportProfile: (id) => {
      const p = profileById(id);
      if (!p) return notFound(`Profile ${id}`);
      const out: Partial<ProfileView> & { version: number } = { version: 1, ...p };
      delete out.id;
      delete out.hasPassword;
      delete out.hasRegistrationToken;
      delete out.hasIntrospectionToken;
      out.auth = { ...p.auth };
      delete (out.auth as Partial<ProfileView['auth']>).hasClientSecret;
      return ok({ json: JSON.stringify(out, null, 2) });
    },
    importProfile: (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        return {
          ok: false,
          error: {
            code: 'JSON_INVALID',
            message: `The profile is not valid JSON (${(e as Error).message}).`,
            fix: 'Paste the whole exported profile file.',
          },
        };
      }
      const p = parsed as Partial<ProfileView>;
      if (!p || typeof p !== 'object' || !p.name || !p.auth) {
        return {
          ok: false,
          error: {
            code: 'PROFILE_INVALID',
            message: 'The profile has no name or auth section.',
            fix: 'Import a file made with Export.',
          },
        };
      }
      const view: ProfileView = {
        ...(p as ProfileView),
        id: next('profile'),
        clientId: p.clientId ?? '',
        scope: p.scope ?? '',
        hasPassword: false,
        hasRegistrationToken: false,
        hasIntrospectionToken: false,
        auth: { ...p.auth, hasClientSecret: false },
      };
      state.profiles.push(view);
      return ok(view);
    },

    discover: (target) => {
      const p = target.profileId ? profileById(target.profileId) : undefined;
      const base = target.fhirBaseUrl ?? p?.fhirBaseUrl ?? FAKE_FHIR_BASE;
      const url = `${base}/.well-known/smart-configuration`;
      const doc = {
        issuer: FAKE_ISSUER,
        token_endpoint: FAKE_TOKEN_URL,
        authorization_endpoint: FAKE_AUTHORIZE_URL,
        registration_endpoint: FAKE_REGISTRATION_URL,
        jwks_uri: FAKE_JWKS_URL,
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
        token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
        scopes_supported: ['system/*.rs', 'system/Patient.rs', 'system/Observation.rs'],
        capabilities: ['client-confidential-asymmetric', 'permission-v2'],
      };
      const ex = record({
        step: 'discovery',
        request: { method: 'GET', url, headers: [['accept', 'application/json']] },
        response: {
          status: 200,
          statusText: 'OK',
          headers: [['content-type', 'application/json']],
          body: JSON.stringify(doc, null, 2),
          bodyBytes: 512,
          truncated: false,
        },
      });
      const result: DiscoveryResult = {
        documents: [
          {
            kind: 'smart-configuration',
            url,
            ok: true,
            status: 200,
            exchangeId: ex.id,
            fields: [
              { name: 'issuer', value: doc.issuer, status: 'present' },
              { name: 'token_endpoint', value: doc.token_endpoint, status: 'present' },
              { name: 'jwks_uri', value: doc.jwks_uri, status: 'present' },
              {
                name: 'token_endpoint_auth_methods_supported',
                value: doc.token_endpoint_auth_methods_supported,
                status: 'present',
              },
              {
                name: 'token_endpoint_auth_signing_alg_values_supported',
                value: doc.token_endpoint_auth_signing_alg_values_supported,
                status: 'present',
              },
              { name: 'grant_types_supported', value: undefined, status: 'missing-recommended' },
              { name: 'scopes_supported', value: doc.scopes_supported, status: 'optional' },
            ],
          },
        ],
        tokenEndpoint: doc.token_endpoint,
        authorizationEndpoint: doc.authorization_endpoint,
        registrationEndpoint: doc.registration_endpoint,
        jwksUri: doc.jwks_uri,
        issuer: doc.issuer,
        authMethods: doc.token_endpoint_auth_methods_supported,
        signingAlgs: doc.token_endpoint_auth_signing_alg_values_supported,
        scopesSupported: doc.scopes_supported,
        capabilities: doc.capabilities,
        findings: [
          finding(
            'DISCOVERY_INCOMPLETE',
            'grant_types_supported is missing from .well-known/smart-configuration.',
            { severity: 'warning' },
          ),
        ],
      };
      return ok(result);
    },

    listKeys: () => ok(state.keys),
    generateKey: (input) => {
      const id = next('key');
      const rsa = input.kind.startsWith('RSA');
      const thumb = `thumb${id.replace(/\W/g, '')}Xq1L0bY9cZ2vW8nM3kR7tP4sD6fGhJ`;
      const key: KeyInfo = {
        id,
        kid: input.kid || thumb,
        alg: input.alg,
        kty: rsa ? 'RSA' : 'EC',
        kind: input.kind,
        thumbprint: thumb,
        publicJwk: rsa
          ? { kty: 'RSA', n: 'sXch…', e: 'AQAB', kid: input.kid || thumb, alg: input.alg }
          : {
              kty: 'EC',
              crv: input.kind.slice(3),
              x: 'f83O…',
              y: 'x_FE…',
              kid: input.kid || thumb,
            },
        createdAt: new Date().toISOString(),
        source: 'generated',
        hasPrivateKey: true,
      };
      state.keys.push(key);
      return ok(key);
    },
    importKey: (input) => {
      const text = input.text.trim();
      if (!text.startsWith('-----BEGIN') && !text.startsWith('{')) {
        return {
          ok: false,
          error: {
            code: 'KEY_INVALID',
            message: 'This is neither a PEM private key nor a JWK.',
            fix: 'Paste a PKCS#8 PEM block or a private JWK as JSON.',
          },
        };
      }
      const id = next('key');
      const key: KeyInfo = {
        ...structuredClone(FAKE_KEY),
        hasPrivateKey: text.includes('PRIVATE KEY') || /"d"\s*:/.test(text),
        id,
        kid: input.kid || `imported-${id}`,
        alg: input.alg ?? 'RS384',
        source: 'imported',
        createdAt: new Date().toISOString(),
      };
      state.keys.push(key);
      return ok(key);
    },
    deleteKey: (id) => {
      if (!state.keys.some((k) => k.id === id)) return notFound(`Key ${id}`);
      state.keys = state.keys.filter((k) => k.id !== id);
      return ok({ deleted: id });
    },
    exportJwks: (ids) =>
      ok({
        jwks: JSON.stringify(
          { keys: state.keys.filter((k) => ids.includes(k.id)).map((k) => k.publicJwk) },
          null,
          2,
        ),
      }),
    exportPrivateKey: (input) => {
      if (!state.keys.some((k) => k.id === input.keyId)) return notFound(`Key ${input.keyId}`);
      return ok({ path: input.path });
    },

    buildAssertion: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const { view, compact } = assertionFor(p, input.overrides);
      state.lastAssertion = compact;
      return ok(view);
    },
    inspectAssertion: (input) => {
      const parts = input.jwt.trim().split('.');
      if (parts.length !== 3) {
        return {
          ok: false,
          error: {
            code: 'JWT_MALFORMED',
            message: `A JWT has 3 dot-separated segments (header.claims.signature); this has ${parts.length}.`,
            fix: 'Copy the whole token: it starts with "eyJ" and has two dots.',
          },
        };
      }
      const header = dec(parts[0]!);
      const claims = dec(parts[1]!);
      return ok({
        decoded: { header, claims, signatureLength: parts[2]!.length },
        explained: explain(claims),
        verification: input.jwks
          ? { status: 'verified', message: 'Signature verified.', kid: String(header.kid) }
          : { status: 'unchecked', message: 'No JWKS given: the signature was not checked.' },
        findings: lintAssertion({
          header,
          claims,
          tokenUrl: input.tokenUrl,
          clientId: input.clientId,
          now: nowSec(),
        }),
      });
    },

    inspect: async (input) => {
      const evidence = readEvidence(input.items, input.harEntry);
      const unreadable = unreadableEvidence(evidence);
      if (unreadable) return { ok: false, error: unreadable };
      // The fake has no keys: signatures stay unchecked; the diagnosis is the real one.
      return ok(
        await inspectEvidence(evidence, input, { verifications: new Map(), nowSec: nowSec() }),
      );
    },

    prepareRegistration: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const body = registrationBody(p);
      const preflight: Finding[] = [];
      if (p.auth.method === 'private_key_jwt' && !body.jwks && !body.jwks_uri) {
        preflight.push(
          finding('CLIENT_METADATA_INVALID', 'private_key_jwt without jwks or jwks_uri.', {
            title: 'No public key for private_key_jwt',
            fix: 'Choose a key in the Keys step (Use in profile), or set your JWKS URL in the profile.',
          }),
        );
      }
      return ok({
        url: p.registrationEndpoint ?? FAKE_REGISTRATION_URL,
        method: 'POST',
        body: JSON.stringify(body, null, 2),
        preflight,
      });
    },
    sendRegistration: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      let meta: Record<string, unknown>;
      try {
        meta = JSON.parse(input.body) as Record<string, unknown>;
      } catch (e) {
        return fail(
          'JSON_INVALID',
          `The registration is not valid JSON (${(e as Error).message}).`,
          'Correct the JSON in the editor and send it again.',
        );
      }
      const url = input.url ?? p.registrationEndpoint ?? FAKE_REGISTRATION_URL;
      const request = {
        method: 'POST',
        url,
        headers: [
          ['content-type', 'application/json'],
          ['accept', 'application/json'],
        ] as [string, string][],
        body: JSON.stringify(meta),
      };
      const uris = Array.isArray(meta.redirect_uris) ? (meta.redirect_uris as string[]) : [];
      const bad = uris.find((u) => u.includes('#'));
      if (bad) {
        const answer = {
          error: 'invalid_redirect_uri',
          error_description: 'redirect_uris must not contain fragments',
        };
        const ex = record({
          step: 'registration',
          request,
          response: json(400, answer, 'Bad Request'),
        });
        return ok(
          registrationResult(
            p,
            'register',
            400,
            ex.id,
            answer,
            [],
            [],
            [finding('CLIENT_METADATA_INVALID', `invalid_redirect_uri: ${bad} has a #fragment.`)],
          ),
        );
      }
      const clientId = `fake-client-${++state.seq}`;
      const method = String(meta.token_endpoint_auth_method ?? p.auth.method);
      const secret = SECRET_METHODS.has(method);
      const answer = {
        ...meta,
        client_id: clientId,
        client_id_issued_at: nowSec(),
        ...(secret
          ? {
              client_secret: maskToken(`cs-${clientId}-abcdefghijklmnop`),
              client_secret_expires_at: 0,
            }
          : {}),
        registration_access_token: maskToken(`rat-${clientId}-abcdefghijklmnop`),
        registration_client_uri: `${url}/${clientId}`,
      };
      const ex = record({ step: 'registration', request, response: json(201, answer, 'Created') });
      const updated = updateProfile(p, {
        clientId,
        hasRegistrationToken: true,
        registration: { ...p.registration, clientUri: `${url}/${clientId}` },
        auth: { ...p.auth, hasClientSecret: secret || p.auth.hasClientSecret },
      });
      const stored = [
        'clientId',
        ...(secret ? ['clientSecret'] : []),
        'registrationAccessToken',
        'registrationClientUri',
      ];
      return ok(
        registrationResult(
          updated,
          'register',
          201,
          ex.id,
          answer,
          stored,
          registrationNextSteps(updated, meta),
        ),
      );
    },
    manageRegistration: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const url = p.registration?.clientUri;
      if (!url || !p.hasRegistrationToken) {
        return fail(
          'SECRET_UNAVAILABLE',
          'No registration access token is stored for this profile.',
          'Register the client in this app first; the server must support RFC 7592.',
        );
      }
      const headers: [string, string][] = [
        ['accept', 'application/json'],
        ['authorization', 'Bearer {{registration_access_token}}'],
      ];
      const current = {
        ...registrationBody(p),
        client_id: p.clientId,
        registration_client_uri: url,
      };
      if (input.action === 'read') {
        const ex = record({
          step: 'registration',
          request: { method: 'GET', url, headers },
          response: json(200, current),
        });
        return ok(registrationResult(p, 'read', 200, ex.id, current, []));
      }
      if (input.action === 'update') {
        let meta: Record<string, unknown>;
        try {
          meta = JSON.parse(input.body ?? '') as Record<string, unknown>;
        } catch (e) {
          return fail(
            'JSON_INVALID',
            `The registration is not valid JSON (${(e as Error).message}).`,
            'Correct the JSON in the editor and update again.',
          );
        }
        const answer = { ...meta, client_id: p.clientId, registration_client_uri: url };
        const ex = record({
          step: 'registration',
          request: {
            method: 'PUT',
            url,
            headers: [['content-type', 'application/json'], ...headers],
            body: JSON.stringify(meta),
          },
          response: json(200, answer),
        });
        return ok(registrationResult(p, 'update', 200, ex.id, answer, []));
      }
      const ex = record({
        step: 'registration',
        request: { method: 'DELETE', url, headers },
        response: json(204, undefined, 'No Content'),
      });
      const { clientUri: _gone, ...registration } = p.registration ?? {};
      const updated = updateProfile(p, {
        clientId: '',
        hasRegistrationToken: false,
        hasIntrospectionToken: false,
        registration,
        auth: { ...p.auth, hasClientSecret: false },
      });
      return ok(
        registrationResult(updated, 'delete', 204, ex.id, undefined, [
          'clientId',
          ...(p.auth.hasClientSecret ? ['clientSecret'] : []),
          'registrationAccessToken',
          'registrationClientUri',
        ]),
      );
    },

    startAuthorization: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      if (!p.clientId) {
        return fail(
          'INVALID_INPUT',
          'The profile has no client ID, so the server cannot know which app is asking.',
          'Register the client (Registration step) or type the client ID in the Profile step.',
        );
      }
      const loopback = !p.redirectUri || isLoopback(p.redirectUri);
      const mode = input.mode ?? (loopback ? 'loopback' : 'paste');
      const port = 49152 + (state.seq % 1000);
      const redirectUri =
        mode === 'loopback'
          ? p.redirectUri && new URL(p.redirectUri).port
            ? p.redirectUri
            : `http://127.0.0.1:${port}/callback`
          : (p.redirectUri ?? 'oauth-flow-debugger://callback');
      const flowState = `st-${++state.seq}-Zk3qV9xR2mWb7nT4pL8sD1fG6hJ0cY5u`;
      const pkce = p.pkce ?? 'S256';
      const challenge = pkce === 'off' ? undefined : 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
      const openid = p.scope.split(' ').includes('openid');
      const params: [string, string][] = [
        ['response_type', p.responseType ?? 'code'],
        ['client_id', p.clientId],
        ['redirect_uri', redirectUri],
        ['scope', p.scope],
        ['state', flowState],
        ...(openid ? ([['nonce', 'n-0S6_WzA2Mj']] as [string, string][]) : []),
        ...(challenge
          ? ([
              ['code_challenge', challenge],
              ['code_challenge_method', pkce],
            ] as [string, string][])
          : []),
        ['aud', p.fhirBaseUrl ?? FAKE_FHIR_BASE],
        ...(p.authorizeParams ?? []),
      ];
      const base = p.authorizationEndpoint ?? FAKE_AUTHORIZE_URL;
      const url = `${base}?${new URLSearchParams(params).toString()}`;
      const now = Date.now();
      const preflight: Finding[] = [];
      if (pkce === 'plain') {
        preflight.push(
          finding('PKCE_MISMATCH', 'code_challenge_method=plain was chosen in the profile.', {
            severity: 'warning',
            title: 'PKCE plain is not allowed by SMART',
            fix: 'Use S256 unless you are testing how the server treats plain.',
          }),
        );
      }
      const view: AuthorizationFlowView = {
        id: `flow-${++state.seq}`,
        profileId: p.id,
        status: 'waiting',
        startedAt: iso(now),
        expiresAt: iso(now + (input.timeoutSec ?? 300) * 1000),
        url,
        params,
        redirectUri,
        mode,
        ...(mode === 'loopback'
          ? { listener: { port: Number(new URL(redirectUri).port), open: true } }
          : {}),
        pkce: { method: pkce, ...(challenge ? { challenge } : {}) },
        opened: input.open === false ? false : (options.opensBrowser ?? false),
        autoExchange: input.autoExchange ?? true,
        checks: [],
        preflight,
        findings: [],
      };
      const flow: FakeFlow = { view, state: flowState };
      state.flows.set(view.id, flow);
      pushFlow(flow);
      return ok(view);
    },
    completeAuthorization: (input) => {
      const flow = state.flows.get(input.flowId);
      if (!flow) return notFound(`Authorization ${input.flowId}`);
      let url: URL;
      try {
        url = new URL(input.redirectUrl.trim());
      } catch {
        return fail(
          'INVALID_INPUT',
          'That is not a URL.',
          'Copy the whole address from the browser’s address bar after the server redirected you (it contains code= and state=).',
        );
      }
      if (flow.view.status !== 'waiting') {
        return fail(
          'INVALID_INPUT',
          `This authorization is already ${flow.view.status}; a redirect can be used once.`,
          'Start a new authorization.',
        );
      }
      const query = new URLSearchParams(url.search || url.hash.replace(/^#/, ''));
      receive(flow, query, 'paste');
      return ok(flow.view);
    },
    cancelAuthorization: (input) => {
      const flow = state.flows.get(input.flowId);
      if (!flow) return notFound(`Authorization ${input.flowId}`);
      if (flow.view.status === 'waiting') {
        flow.view.status = 'cancelled';
        closeListener(flow);
        pushFlow(flow);
      }
      return ok(flow.view);
    },
    getAuthorization: (input) => {
      const flow = state.flows.get(input.flowId);
      return flow ? ok(flow.view) : notFound(`Authorization ${input.flowId}`);
    },

    prepareTokenRequest: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const grant = input.grant ?? defaultGrant(p);
      const headers: [string, string][] = [
        ['content-type', 'application/x-www-form-urlencoded'],
        ['accept', 'application/json'],
      ];
      const params: [string, string][] = [['grant_type', grant]];
      const preflight: Finding[] = [];
      if (grant === 'client_credentials' || grant === 'password') params.push(['scope', p.scope]);
      if (grant === 'authorization_code') {
        if (!state.code || state.code.profileId !== p.id) {
          return fail(
            'SECRET_UNAVAILABLE',
            'No authorization code has been received for this profile.',
            'Run the Authorize step first (untick "Exchange the code automatically" to redeem it here).',
          );
        }
        params.push(
          ['code', '{{code}}'],
          ['redirect_uri', p.redirectUri ?? 'http://127.0.0.1:49200/callback'],
          ['code_verifier', '{{code_verifier}}'],
        );
      }
      if (grant === 'refresh_token') {
        if (!state.held?.refresh) {
          return fail(
            'SECRET_UNAVAILABLE',
            'No refresh token is held for this session.',
            'Ask for offline_access in the scope and sign in again.',
          );
        }
        params.push(['refresh_token', '{{refresh_token}}']);
      }
      if (grant === 'password') {
        params.push(['username', p.username ?? ''], ['password', '{{password}}']);
        preflight.push(
          finding('GRANT_INSECURE', 'grant_type=password sends the user’s password to the client.'),
        );
      }
      let assertion: AssertionView | undefined;
      let compact: string | undefined;
      switch (p.auth.method) {
        case 'private_key_jwt':
        case 'client_secret_jwt': {
          const built = assertionFor(p, input.overrides);
          assertion = built.view;
          compact = built.compact;
          state.lastAssertion = compact;
          preflight.push(...built.view.lint);
          params.push(
            ['client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
            ['client_assertion', '{{client_assertion}}'],
          );
          break;
        }
        case 'client_secret_basic':
          headers.push(['authorization', 'Basic {{client_secret_basic}}']);
          break;
        case 'client_secret_post':
          params.push(['client_id', p.clientId], ['client_secret', '{{client_secret}}']);
          break;
        default:
          params.push(['client_id', p.clientId]);
      }
      const draft: TokenRequestDraft = {
        id: next('draft'),
        grant,
        method: 'POST',
        url: tokenUrlOf(p),
        headers,
        params,
        preflight,
        ...(assertion ? { assertion } : {}),
      };
      drafts.set(draft.id, { ...draft, profileId: p.id, compact });
      return ok(draft);
    },
    sendTokenRequest: (input) => {
      const draft = drafts.get(input.draftId);
      if (!draft) return notFound(`Draft ${input.draftId}`);
      const p = profileById(draft.profileId);
      if (!p) return notFound(`Profile ${draft.profileId}`);
      if (draft.grant === 'authorization_code') return redeemCode(p);
      if (draft.grant === 'refresh_token') return refresh(p, false);
      const url = input.edits?.url ?? draft.url;
      const params = input.edits?.params ?? draft.params;
      const scope = params.find(([n]) => n === 'scope')?.[1] ?? '';
      const requested = scope.split(' ').filter(Boolean);
      const granted =
        draft.grant === 'client_credentials'
          ? requested.filter((s) => !s.startsWith('system/Observation'))
          : requested;
      const { held, body } = issue(p, draft.grant, granted.join(' '));
      const ex = record({
        step: 'token',
        request: {
          method: 'POST',
          url,
          headers: input.edits?.headers ?? draft.headers,
          body: params.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&'),
        },
        response: json(200, body),
        durationMs: 231,
      });
      pushTokens();
      const findings: Finding[] = [];
      if (draft.grant === 'password') {
        findings.push(
          finding('GRANT_INSECURE', 'The token was obtained with grant_type=password.'),
        );
      }
      if (requested.some((s) => !granted.includes(s))) {
        findings.push(
          finding(
            'SCOPE_NARROWED',
            `Requested "${scope}" but was granted "${granted.join(' ')}".`,
            {
              severity: 'warning',
            },
          ),
        );
      }
      return ok(tokenResultOf(held, draft.grant, ex.id, body, requested, findings));
    },

    decodeToken: (input) => {
      const token = input.token ?? state.accessToken;
      if (!token) {
        return {
          ok: false,
          error: {
            code: 'SECRET_UNAVAILABLE',
            message: 'There is no access token yet.',
            fix: 'Send a token request first, or paste a token.',
          },
        };
      }
      const parts = token.trim().split('.');
      if (parts.length !== 3) {
        const view: TokenView = {
          kind: 'access_token',
          format: 'opaque',
          masked: maskToken(token),
          length: token.length,
          explained: [],
          verification: { status: 'unchecked', message: 'Opaque tokens cannot be verified here.' },
          findings: [],
        };
        return ok(view);
      }
      const header = dec(parts[0]!);
      const claims = dec(parts[1]!);
      return ok({
        kind: 'access_token',
        format: 'jwt',
        masked: maskToken(token),
        length: token.length,
        decoded: { header, claims, signatureLength: parts[2]!.length },
        explained: explain(claims),
        verification: input.jwksUrl
          ? {
              status: 'verified',
              message: 'Signature verified.',
              kid: String(header.kid),
              jwksUrl: input.jwksUrl,
            }
          : { status: 'unchecked', message: 'No JWKS URL given: the signature was not checked.' },
        expiresAt:
          typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined,
        findings: [],
      });
    },

    getTokenSet: () => ok({ tokens: state.held ? tokenSetView(state.held) : null }),
    refreshTokens: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      return refresh(p, false);
    },
    setAutoRefresh: (input) => {
      const r = heldFor(input.profileId);
      if (!r.ok) return r;
      r.value.autoRefresh = input.enabled
        ? { enabled: true, nextAt: nextRefreshAt(r.value.expiresAt) }
        : { enabled: false };
      pushTokens();
      return ok(r.value.autoRefresh);
    },
    introspectToken: (input) => {
      const r = heldToken(input.profileId, input.which);
      if (!r.ok) return r;
      const held = r.value;
      const active =
        !held.revoked.includes(input.which) &&
        (input.which === 'refresh_token' || held.expiresAt > Date.now());
      const p = profileById(input.profileId)!;
      const body = active
        ? {
            active: true,
            scope: held.scope,
            client_id: p.clientId,
            sub: held.grant === 'client_credentials' ? p.clientId : 'user-4711',
            token_type: input.which === 'access_token' ? 'Bearer' : 'refresh_token',
            exp: Math.floor(held.expiresAt / 1000),
          }
        : { active: false };
      const ex = record({
        step: 'introspection',
        request: tokenForm(
          p.introspectionEndpoint ?? `${issuerOf(p)}/oauth2/introspect`,
          input.which,
        ),
        response: json(200, body),
      });
      const result: TokenOpResult = {
        op: 'introspect',
        ok: true,
        exchangeId: ex.id,
        status: 200,
        body,
        active,
        findings: active
          ? []
          : [finding('TOKEN_INACTIVE', `The server answered active=false for the ${input.which}.`)],
      };
      return ok(result);
    },
    revokeToken: (input) => {
      const r = heldToken(input.profileId, input.which);
      if (!r.ok) return r;
      const held = r.value;
      const p = profileById(input.profileId)!;
      const ex = record({
        step: 'revocation',
        request: tokenForm(p.revocationEndpoint ?? `${issuerOf(p)}/oauth2/revoke`, input.which),
        response: json(200, undefined),
      });
      if (!held.revoked.includes(input.which)) held.revoked = [...held.revoked, input.which];
      pushTokens();
      return ok({ op: 'revoke', ok: true, exchangeId: ex.id, status: 200, findings: [] });
    },
    callUserinfo: (input) => {
      const r = heldFor(input.profileId);
      if (!r.ok) return r;
      const held = r.value;
      const p = profileById(input.profileId)!;
      const revoked = held.revoked.includes('access_token');
      const body = revoked
        ? { error: 'invalid_token', error_description: 'invalid token provided' }
        : {
            sub: 'user-4711',
            name: 'Dr. Alex Example',
            fhirUser: `${p.fhirBaseUrl ?? FAKE_FHIR_BASE}/Practitioner/prac-12`,
          };
      const ex = record({
        step: 'userinfo',
        request: {
          method: 'GET',
          url: p.userinfoEndpoint ?? `${issuerOf(p)}/oauth2/userinfo`,
          headers: [['authorization', 'Bearer {{access_token}}']],
        },
        response: json(revoked ? 401 : 200, body, revoked ? 'Unauthorized' : 'OK'),
      });
      return ok({
        op: 'userinfo',
        ok: !revoked,
        exchangeId: ex.id,
        status: revoked ? 401 : 200,
        body,
        findings: revoked
          ? [
              finding(
                'TOKEN_INACTIVE',
                'userinfo answered 401 invalid_token: the access token was revoked.',
              ),
            ]
          : [],
      });
    },
    endSession: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const endpoint = p.endSessionEndpoint ?? `${issuerOf(p)}/oauth2/logout`;
      const opened = input.open === false ? false : (options.opensBrowser ?? false);
      const url = `${endpoint}?${new URLSearchParams([
        ...(opened && state.held?.id ? [['id_token_hint', '{{id_token}}']] : []),
        ['client_id', p.clientId],
      ]).toString()}`;
      const cleared = state.held !== null;
      state.held = null;
      state.accessToken = null;
      pushTokens();
      return ok({ url, opened, cleared });
    },

    callResource: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const which = input.token ?? 'access_token';
      if (which === 'id_token' && !state.held?.id) {
        return fail(
          'SECRET_UNAVAILABLE',
          'There is no id_token in this session.',
          'Sign in with openid in the scope, or send the access token.',
        );
      }
      const url = `${p.fhirBaseUrl ?? FAKE_FHIR_BASE}/${input.path.replace(/^\//, '')}`;
      const request = {
        method: 'GET',
        url,
        headers: [
          ['authorization', `Bearer {{${which}}}`],
          ['accept', 'application/fhir+json'],
        ] as [string, string][],
      };
      let retried = false;
      const expired =
        which === 'access_token' && !!state.held && state.held.expiresAt <= Date.now();
      if (expired) {
        const unauthorized = JSON.stringify({
          resourceType: 'OperationOutcome',
          issue: [{ code: 'expired' }],
        });
        const first = record({
          step: 'resource',
          request,
          response: {
            status: 401,
            statusText: 'Unauthorized',
            headers: [['www-authenticate', 'Bearer error="invalid_token"']],
            body: unauthorized,
            bodyBytes: unauthorized.length,
            truncated: false,
          },
        });
        if (!input.refreshOnExpiry || !state.held?.refresh) {
          return ok({
            ok: false,
            exchangeId: first.id,
            status: 401,
            headers: [['www-authenticate', 'Bearer error="invalid_token"']],
            body: unauthorized,
            tokenUsed: which,
            findings: [finding('TOKEN_EXPIRED', 'The access token expired before this request.')],
          });
        }
        const r = refresh(p, false);
        if (!r.ok || !r.value.ok) {
          return ok({
            ok: false,
            exchangeId: first.id,
            status: 401,
            headers: [],
            body: unauthorized,
            tokenUsed: which,
            findings: r.ok
              ? r.value.findings
              : [finding('TOKEN_EXPIRED', 'Expired; refresh failed.')],
          });
        }
        retried = true;
      }
      const body = JSON.stringify({
        resourceType: 'Bundle',
        type: 'searchset',
        total: 1,
        entry: [{ resource: { resourceType: 'Patient', id: 'example' } }],
      });
      const headers: [string, string][] = [['content-type', 'application/fhir+json']];
      const ex = record({
        step: 'resource',
        request,
        response: {
          status: 200,
          statusText: 'OK',
          headers,
          body,
          bodyBytes: body.length,
          truncated: false,
        },
      });
      return ok({
        ok: true,
        exchangeId: ex.id,
        status: 200,
        headers,
        body,
        pretty: JSON.stringify(JSON.parse(body), null, 2),
        ...(input.token || state.held ? { tokenUsed: which } : {}),
        ...(retried ? { retriedAfterRefresh: true } : {}),
        findings: [],
      });
    },

    hostJwks: (input) => {
      const profileKey = input.profileId ? profileById(input.profileId)?.auth.keyId : undefined;
      const ids = input.keyIds ?? (profileKey ? [profileKey] : []);
      const keys = state.keys.filter((k) => ids.includes(k.id));
      if (keys.length === 0) {
        return fail(
          'INVALID_INPUT',
          'There is no key to host.',
          'Choose a key, or use a key in the profile first (Keys → Use in profile).',
        );
      }
      const port = input.port || 49800 + (state.seq % 100);
      const url = `http://127.0.0.1:${port}/jwks.json`;
      const jwks = JSON.stringify({ keys: keys.map((k) => k.publicJwk) });
      const ex = record({
        step: 'jwks-host',
        request: { method: 'GET', url, headers: [['accept', 'application/json']] },
        response: {
          status: 200,
          statusText: 'OK',
          headers: [['content-type', 'application/jwk-set+json']],
          body: jwks,
          bodyBytes: jwks.length,
          truncated: false,
        },
        durationMs: 3,
      });
      state.jwksHost = {
        url,
        port,
        kids: keys.map((k) => k.kid),
        reachable: true,
        exchangeId: ex.id,
        note: 'Only servers on this machine can reach 127.0.0.1; a cloud server cannot — publish the JWKS at a public https URL for it.',
      };
      return ok(state.jwksHost);
    },
    stopJwksHost: () => {
      const stopped = state.jwksHost !== null;
      state.jwksHost = null;
      return ok({ stopped });
    },
    getJwksHost: () => ok({ host: state.jwksHost }),

    revealSecret: (input) => {
      const value =
        input.kind === 'access_token'
          ? state.accessToken
          : input.kind === 'id_token'
            ? (state.held?.id ?? null)
            : input.kind === 'refresh_token'
              ? (state.held?.refresh ?? null)
              : state.lastAssertion;
      if (!value) {
        const what =
          input.kind === 'client_assertion' ? 'client assertion' : input.kind.replace('_', ' ');
        return {
          ok: false,
          error: {
            code: 'SECRET_UNAVAILABLE',
            message: `There is no ${what} in this run yet.`,
            fix: 'Run the step that creates it first.',
          },
        };
      }
      return ok({ value });
    },

    listExchanges: () => ok(state.exchanges),
    clearExchanges: () => {
      const cleared = state.exchanges.length;
      state.exchanges = [];
      emit('exchanges', []);
      return ok({ cleared });
    },
  };
  Object.assign(handlers, overrides);

  const api = {} as Record<ApiMethod, (...args: unknown[]) => Promise<unknown>>;
  for (const method of API_METHODS) {
    api[method] = async (...args: unknown[]) => {
      calls.push({ method, args: structuredClone(args) });
      const handler = handlers[method] as (...a: unknown[]) => unknown;
      const result = await handler(...args);
      return structuredClone(result);
    };
  }

  const bridge = {
    ...(api as unknown as DebuggerApi),
    on<E extends EventName>(event: E, listener: (payload: DebuggerEvents[E]) => void) {
      const set = listeners.get(event)!;
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
  } satisfies DebuggerBridge;

  return {
    bridge,
    handlers,
    calls,
    state,
    options,
    callsOf: <M extends ApiMethod>(method: M) =>
      calls.filter((c) => c.method === method).map((c) => c.args as Parameters<DebuggerApi[M]>),
    emit,
    record,
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
    simulateCallback: (input = {}) => {
      const flow = latestWaiting(input.flowId);
      const query = new URLSearchParams();
      if (input.error) {
        query.set('error', input.error);
        if (input.errorDescription) query.set('error_description', input.errorDescription);
      } else {
        query.set('code', `code-${++state.seq}-SplxlOBeZQQYbYS6WxSbIA`);
      }
      query.set('state', input.wrongState ? 'forged-state' : flow.state);
      query.set('iss', issuerOf(profileById(flow.view.profileId)!));
      receive(flow, query, 'loopback');
      return structuredClone(flow.view);
    },
    timeOutAuthorization: (flowId) => {
      const flow = latestWaiting(flowId);
      flow.view.status = 'timed-out';
      closeListener(flow);
      flow.view.findings = [
        finding(
          'AUTHORIZATION_TIMEOUT',
          `No redirect reached ${flow.view.redirectUri} in time; the listener is closed.`,
        ),
      ];
      pushFlow(flow);
      return structuredClone(flow.view);
    },
    expireAccessToken: () => {
      if (!state.held) throw new Error('No tokens held in the fake.');
      state.held.expiresAt = Date.now() - 1000;
      state.held.accessView = { ...state.held.accessView, expiresAt: iso(state.held.expiresAt) };
      pushTokens();
    },
    autoRefreshNow: () => {
      const held = state.held;
      if (!held) throw new Error('No tokens held in the fake.');
      const r = refresh(profileById(held.profileId)!, true);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    },
  };
}
