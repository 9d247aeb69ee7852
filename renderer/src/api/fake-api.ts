import { API_METHODS, EVENT_NAMES } from '../../../shared/api.js';
import type {
  ApiMethod,
  DebuggerApi,
  DebuggerBridge,
  DebuggerEvents,
  EventName,
} from '../../../shared/api.js';
import { lintAssertion } from '../../../shared/assertion-lint.js';
import { finding } from '../../../shared/findings.js';
import type { Result } from '../../../shared/result.js';
import type {
  AssertionView,
  ClaimExplanation,
  DiscoveryResult,
  HttpExchange,
  KeyInfo,
  ProfileView,
  TokenRequestDraft,
  TokenView,
} from '../../../shared/types.js';

/**
 * An in-memory DebuggerBridge for component tests and demos. Like every host adapter it is
 * generated from API_METHODS; behaviour lives in a table of per-method handlers that tests
 * can replace (`fake.handlers.sendTokenRequest = ...`). Every call is recorded in `calls`.
 */

type Handler<M extends ApiMethod> = (
  ...args: Parameters<DebuggerApi[M]>
) => Awaited<ReturnType<DebuggerApi[M]>> | ReturnType<DebuggerApi[M]>;

export type FakeHandlers = { [M in ApiMethod]: Handler<M> };

export interface FakeCall {
  method: ApiMethod;
  args: unknown[];
}

export interface FakeState {
  profiles: ProfileView[];
  keys: KeyInfo[];
  exchanges: HttpExchange[];
  accessToken: string | null;
  lastAssertion: string | null;
  sentJtis: Set<string>;
  seq: number;
}

export interface FakeApi {
  bridge: DebuggerBridge;
  handlers: FakeHandlers;
  calls: FakeCall[];
  state: FakeState;
  /** Calls recorded for one method, as argument lists. */
  callsOf<M extends ApiMethod>(method: M): Parameters<DebuggerApi[M]>[];
  emit<E extends EventName>(event: E, payload: DebuggerEvents[E]): void;
  /** Adds an exchange to the timeline and pushes the snapshot, like the engine does. */
  record(exchange: Partial<HttpExchange> & Pick<HttpExchange, 'step'>): HttpExchange;
  listenerCount(event: EventName): number;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

// ---------------------------------------------------------------------------------------------
// Canned data

export const FAKE_TOKEN_URL = 'https://auth.example-ehr.com/oauth2/token';
export const FAKE_FHIR_BASE = 'https://fhir.example-ehr.com/r4';
export const FAKE_JWKS_URL = 'https://auth.example-ehr.com/oauth2/jwks';

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
  issuer: 'https://auth.example-ehr.com',
  tokenEndpoint: FAKE_TOKEN_URL,
  clientId: 'backend-client-7f3a',
  scope: 'system/Patient.rs system/Observation.rs',
  auth: {
    method: 'private_key_jwt',
    alg: 'RS384',
    kid: FAKE_KEY.kid,
    keyId: FAKE_KEY.id,
    hasClientSecret: false,
  },
  resourcePath: 'Patient?_count=1',
};

const enc = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const dec = (segment: string): Record<string, unknown> => {
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))) as Record<string, unknown>;
};

const MEANINGS: Record<string, string> = {
  iss: 'Issuer: who created and signed this token.',
  sub: 'Subject: who the token is about (for a client assertion, the client_id).',
  aud: 'Audience: who must accept it (for a client assertion, the token endpoint URL).',
  exp: 'Expires at: not valid after this time.',
  iat: 'Issued at: when it was created.',
  nbf: 'Not before: not valid before this time.',
  jti: 'JWT ID: a unique value so the same token cannot be replayed.',
  scope: 'Scopes granted: what the token allows.',
  client_id: 'The client the token was issued to.',
};

function explain(claims: Record<string, unknown>): ClaimExplanation[] {
  return Object.entries(claims).map(([name, value]) => {
    const out: ClaimExplanation = { name, value, meaning: MEANINGS[name] ?? 'Custom claim.' };
    if (['exp', 'iat', 'nbf'].includes(name) && typeof value === 'number') {
      out.date = new Date(value * 1000).toISOString();
    }
    return out;
  });
}

function maskJwt(jwt: string): string {
  const [h, c, s = ''] = jwt.split('.');
  return `${h}.${c}.[signature hidden: ${s.length} chars]`;
}

function maskToken(v: string): string {
  return `${v.slice(0, 6)}…${v.slice(-4)} (${v.length} chars)`;
}

const nowSec = () => Math.floor(Date.now() / 1000);

function notFound(what: string): Result<never> {
  return { ok: false, error: { code: 'NOT_FOUND', message: `${what} was not found.` } };
}

// ---------------------------------------------------------------------------------------------

export function createFakeApi(overrides: Partial<FakeHandlers> = {}): FakeApi {
  const state: FakeState = {
    profiles: [structuredClone(FAKE_PROFILE)],
    keys: [structuredClone(FAKE_KEY)],
    exchanges: [],
    accessToken: null,
    lastAssertion: null,
    sentJtis: new Set(),
    seq: 1,
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

  function assertionFor(p: ProfileView, over?: { header?: object; claims?: object }) {
    const now = nowSec();
    const header = {
      alg: p.auth.alg ?? 'RS384',
      kid: p.auth.kid ?? FAKE_KEY.kid,
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
    const compact = `${enc(header)}.${enc(claims)}.${'s'.repeat(342)}`;
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

  const drafts = new Map<string, TokenRequestDraft & { profileId: string; compact: string }>();

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
      const hasClientSecret =
        clientSecret === undefined
          ? (existing?.auth.hasClientSecret ?? false)
          : clientSecret !== '';
      const view: ProfileView = {
        ...input,
        id: existing?.id ?? next('profile'),
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
      out.auth = { ...p.auth };
      delete (out.auth as Partial<ProfileView['auth']>).hasClientSecret;
      return ok({ json: JSON.stringify(out, null, 2) });
    },
    importProfile: (json) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
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
        issuer: 'https://auth.example-ehr.com',
        token_endpoint: FAKE_TOKEN_URL,
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

    prepareTokenRequest: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const { view, compact } = assertionFor(p, input.overrides);
      state.lastAssertion = compact;
      const draft: TokenRequestDraft = {
        id: next('draft'),
        method: 'POST',
        url: tokenUrlOf(p),
        headers: [
          ['content-type', 'application/x-www-form-urlencoded'],
          ['accept', 'application/json'],
        ],
        params: [
          ['grant_type', 'client_credentials'],
          ['scope', p.scope],
          ['client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
          ['client_assertion', '{{client_assertion}}'],
        ],
        preflight: view.lint,
        assertion: view,
      };
      drafts.set(draft.id, { ...draft, profileId: p.id, compact });
      return ok(draft);
    },
    sendTokenRequest: (input) => {
      const draft = drafts.get(input.draftId);
      if (!draft) return notFound(`Draft ${input.draftId}`);
      const url = input.edits?.url ?? draft.url;
      const params = input.edits?.params ?? draft.params;
      const scope = params.find(([n]) => n === 'scope')?.[1] ?? '';
      const now = nowSec();
      const granted = scope.split(' ').filter((s) => s && !s.startsWith('system/Observation'));
      const tokenClaims = {
        iss: 'https://auth.example-ehr.com',
        sub: profileById(draft.profileId)?.clientId ?? 'client',
        aud: FAKE_FHIR_BASE,
        exp: now + 300,
        iat: now,
        scope: granted.join(' '),
        jti: `at-${state.seq}`,
      };
      const token = `${enc({ alg: 'RS256', kid: 'as-key-1', typ: 'at+jwt' })}.${enc(tokenClaims)}.${'t'.repeat(86)}`;
      state.accessToken = token;
      const body = {
        access_token: maskToken(token),
        token_type: 'bearer',
        expires_in: 300,
        scope: granted.join(' '),
      };
      const ex = record({
        step: 'token',
        request: {
          method: 'POST',
          url,
          headers: input.edits?.headers ?? draft.headers,
          body: params.map(([n, v]) => `${n}=${encodeURIComponent(v)}`).join('&'),
        },
        response: {
          status: 200,
          statusText: 'OK',
          headers: [['content-type', 'application/json']],
          body: JSON.stringify(body),
          bodyBytes: 900,
          truncated: false,
        },
        durationMs: 231,
      });
      const requested = scope.split(' ').filter(Boolean);
      return ok({
        ok: true,
        exchangeId: ex.id,
        status: 200,
        body,
        tokenType: 'bearer',
        expiresIn: 300,
        receivedAt: new Date().toISOString(),
        scopeDiff: {
          requested,
          granted,
          missing: requested.filter((s) => !granted.includes(s)),
          extra: [],
        },
        accessToken: {
          kind: 'access_token',
          format: 'jwt',
          masked: maskToken(token),
          length: token.length,
          decoded: {
            header: { alg: 'RS256', kid: 'as-key-1', typ: 'at+jwt' },
            claims: tokenClaims,
            signatureLength: 86,
          },
          explained: explain(tokenClaims),
          verification: {
            status: 'verified',
            message: 'Signature verified.',
            kid: 'as-key-1',
            jwksUrl: FAKE_JWKS_URL,
          },
          expiresAt: new Date((now + 300) * 1000).toISOString(),
          findings: [],
        },
        findings: requested.some((s) => !granted.includes(s))
          ? [
              finding(
                'SCOPE_NARROWED',
                `Requested "${scope}" but was granted "${granted.join(' ')}".`,
                { severity: 'warning' },
              ),
            ]
          : [],
      });
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

    callResource: (input) => {
      const p = profileById(input.profileId);
      if (!p) return notFound(`Profile ${input.profileId}`);
      const body = JSON.stringify({
        resourceType: 'Bundle',
        type: 'searchset',
        total: 1,
        entry: [{ resource: { resourceType: 'Patient', id: 'example' } }],
      });
      const url = `${p.fhirBaseUrl ?? FAKE_FHIR_BASE}/${input.path.replace(/^\//, '')}`;
      const headers: [string, string][] = [['content-type', 'application/fhir+json']];
      const ex = record({
        step: 'resource',
        request: {
          method: 'GET',
          url,
          headers: [
            ['authorization', 'Bearer {{access_token}}'],
            ['accept', 'application/fhir+json'],
          ],
        },
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
        findings: [],
      });
    },

    revealSecret: (input) => {
      const value = input.kind === 'access_token' ? state.accessToken : state.lastAssertion;
      if (!value) {
        return {
          ok: false,
          error: {
            code: 'SECRET_UNAVAILABLE',
            message: `There is no ${input.kind === 'access_token' ? 'access token' : 'client assertion'} in this run yet.`,
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
    callsOf: <M extends ApiMethod>(method: M) =>
      calls.filter((c) => c.method === method).map((c) => c.args as Parameters<DebuggerApi[M]>),
    emit,
    record,
    listenerCount: (event) => listeners.get(event)?.size ?? 0,
  };
}
