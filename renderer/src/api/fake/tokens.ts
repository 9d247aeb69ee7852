// Tokens area: decode, the held token set, refresh, auto-refresh, introspect, revoke, userinfo, logout.
import { finding } from '../../../../shared/diagnosis/catalog.js';
import type { Result } from '../../../../shared/result.js';
import type { TokenOpResult, TokenView } from '../../../../shared/types.js';
import type { FakeContext } from './context.js';
import { FAKE_FHIR_BASE } from './fixtures.js';
import { dec, explain, fail, iso, json, maskToken, notFound, ok } from './helpers.js';
import { nextRefreshAt, pushTokens, refresh, tokenSetView } from './token-issuer.js';
import type { FakeApi, FakeHandlers, FakeHeld } from './types.js';

/** The held tokens of the session, for a profile that exists. */
function heldFor({ state, profileById }: FakeContext, profileId: string): Result<FakeHeld> {
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
function heldToken(
  ctx: FakeContext,
  profileId: string,
  which: 'access_token' | 'refresh_token',
): Result<FakeHeld> {
  const r = heldFor(ctx, profileId);
  if (r.ok && which === 'refresh_token' && !r.value.refresh)
    return fail('SECRET_UNAVAILABLE', 'No refresh token is held.', 'Sign in with offline_access.');
  return r;
}

/** An RFC 7662 / 7009 style form request carrying the token as a placeholder. */
const tokenForm = (url: string, which: string) => ({
  method: 'POST',
  url,
  headers: [['content-type', 'application/x-www-form-urlencoded']] as [string, string][],
  body: `token={{${which}}}&token_type_hint=${which}`,
});

/** Handlers of the tokens step (and decoding a pasted token). */
export function tokenHandlers(
  ctx: FakeContext,
): Pick<
  FakeHandlers,
  | 'decodeToken'
  | 'getTokenSet'
  | 'refreshTokens'
  | 'setAutoRefresh'
  | 'introspectToken'
  | 'revokeToken'
  | 'callUserinfo'
  | 'endSession'
> {
  const { state, options, record, profileById, issuerOf } = ctx;
  return {
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
      return refresh(ctx, p, false);
    },
    setAutoRefresh: (input) => {
      const r = heldFor(ctx, input.profileId);
      if (!r.ok) return r;
      r.value.autoRefresh = input.enabled
        ? { enabled: true, nextAt: nextRefreshAt(r.value.expiresAt) }
        : { enabled: false };
      pushTokens(ctx);
      return ok(r.value.autoRefresh);
    },
    introspectToken: (input) => {
      const r = heldToken(ctx, input.profileId, input.which);
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
      const r = heldToken(ctx, input.profileId, input.which);
      if (!r.ok) return r;
      const held = r.value;
      const p = profileById(input.profileId)!;
      const ex = record({
        step: 'revocation',
        request: tokenForm(p.revocationEndpoint ?? `${issuerOf(p)}/oauth2/revoke`, input.which),
        response: json(200, undefined),
      });
      if (!held.revoked.includes(input.which)) held.revoked = [...held.revoked, input.which];
      pushTokens(ctx);
      return ok({ op: 'revoke', ok: true, exchangeId: ex.id, status: 200, findings: [] });
    },
    callUserinfo: (input) => {
      const r = heldFor(ctx, input.profileId);
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
      pushTokens(ctx);
      return ok({ url, opened, cleared });
    },
  };
}

/** Test controls over the held tokens: expire them, fire the auto-refresh timer. */
export function tokenControls(
  ctx: FakeContext,
): Pick<FakeApi, 'expireAccessToken' | 'autoRefreshNow'> {
  const { state, profileById } = ctx;
  return {
    expireAccessToken: () => {
      if (!state.held) throw new Error('No tokens held in the fake.');
      state.held.expiresAt = Date.now() - 1000;
      state.held.accessView = { ...state.held.accessView, expiresAt: iso(state.held.expiresAt) };
      pushTokens(ctx);
    },
    autoRefreshNow: () => {
      const held = state.held;
      if (!held) throw new Error('No tokens held in the fake.');
      const r = refresh(ctx, profileById(held.profileId)!, true);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    },
  };
}
