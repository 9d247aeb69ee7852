import { randomBytes } from 'node:crypto';
import type { DebuggerApi } from '../../../shared/api/contract.js';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import { diagnose } from '../../../shared/diagnosis/pipeline.js';
import { finding, rankFindings } from '../../../shared/diagnosis/index.js';
import { type SecretMap } from '../../../shared/redact.js';
import { getPreset } from '../../../shared/presets.js';
import { AppFailure } from '../../../shared/result.js';
import { parseBodyTolerantly } from '../../../shared/tolerant-json.js';
import type {
  EndSessionResult,
  DiscoveryResult,
  ResourceResult,
  TokenKind,
  TokenOpResult,
  TokenServerStatus,
  TokenStatuses,
} from '../../../shared/types.js';
import {
  endSessionUrl,
  sessionUrl,
  closeSession,
  introspect,
  needEndpoint,
  revoke,
  userinfo,
  type OpContext,
} from '../token-ops.js';
import { accessExpiresAt } from '../token-set.js';
import { type StoredProfile, guard } from '../model.js';
import type { Core } from '../core.js';

type HeldKind = 'access_token' | 'refresh_token';

/** How long a logout handoff (/handoff/<id>) stays valid. */
const HANDOFF_MS = 2 * 60_000;

const WORD: Record<HeldKind, string> = {
  access_token: 'access token',
  refresh_token: 'refresh token',
};

/**
 * RFC 7009 §2.1 on the token that was not revoked: revoking a refresh token SHOULD also invalidate
 * the access tokens of the same grant (when the server can); revoking an access token MAY revoke
 * the refresh token as well. Says what this server did, when its word is known.
 */
function relatedNote(
  revoked: HeldKind | undefined,
  kind: HeldKind,
  state: TokenServerStatus['state'],
): { note?: string } {
  if (!revoked || revoked === kind) return {};
  const rule =
    revoked === 'refresh_token'
      ? 'RFC 7009 §2.1: when a refresh token is revoked, a server that supports revoking access tokens SHOULD also invalidate the access tokens of the same grant.'
      : 'RFC 7009 §2.1: when an access token is revoked, the server MAY revoke the refresh token of the same grant as well.';
  const did =
    state === 'revoked' || state === 'inactive'
      ? `This server did: the ${WORD[kind]} went with the ${WORD[revoked]}.`
      : state === 'active'
        ? `This server did not: the ${WORD[kind]} still works.`
        : `So the ${WORD[kind]} may no longer work.`;
  return { note: `${rule} ${did}` };
}

/** Calls made with the held tokens: introspection, revocation, userinfo, logout, resource reads. */
export class TokenCalls {
  constructor(private readonly c: Core) {}

  private opContext(p: StoredProfile, discovery: DiscoveryResult | undefined): OpContext {
    return {
      http: this.c.http,
      sendOpts: { ...(p.tls ? { tls: p.tls } : {}), ...this.c.ports.http },
      authMethod: p.auth.method,
      nowSec: this.c.nowSec,
      ...(p.server ? { server: p.server } : {}),
      clientAuth: async () => {
        const a = await this.c.tokenRequests.clientAuth(p, undefined, discovery);
        if (a.jwt) {
          this.c.s.lastAssertion = a.jwt;
          const jti = a.assertion?.claims.jti;
          if (typeof jti === 'string') this.c.s.sentJtis.add(jti);
        }
        return a;
      },
    };
  }

  introspectToken(input: Parameters<DebuggerApi['introspectToken']>[0]) {
    return guard(async () => {
      const p = this.c.profiles.mustProfile(input.profileId);
      const discovery = await this.c.discovery.discoveryFor(p).catch(() => undefined);
      const url = needEndpoint(
        p.introspectionEndpoint ?? discovery?.introspectionEndpoint,
        'introspectionEndpoint',
        'introspection_endpoint',
      );
      const token = input.token ?? this.c.tokenSet.heldValue(p.id, input.which);
      const bearer =
        input.bearer ?? (await this.c.profiles.profileSecretValue(p.id, 'introspectionToken'));
      return introspect(
        this.opContext(p, discovery),
        url,
        token,
        input.which,
        this.c.tokenSet.knownState(token),
        bearer,
      );
    });
  }

  revokeToken(input: Parameters<DebuggerApi['revokeToken']>[0]) {
    return guard(async () => {
      const p = this.c.profiles.mustProfile(input.profileId);
      const discovery = await this.c.discovery.discoveryFor(p).catch(() => undefined);
      const revocation = p.revocationEndpoint ?? discovery?.revocationEndpoint;
      const token = input.token ?? this.c.tokenSet.heldValue(p.id, input.which);
      const preset = getPreset(p.vendor);
      if (!revocation && preset?.traits?.sessionRevoke) {
        // No RFC 7009 endpoint: a token ends when its Session is closed (the sessionRevoke trait).
        if (input.which !== 'access_token')
          throw new AppFailure(
            'INVALID_INPUT',
            `${preset.title} has no revocation endpoint: tokens end when their Session is closed.`,
            'Revoke the access token: the debugger closes its Session (DELETE /Session).',
          );
        const session = needEndpoint(
          sessionUrl(p.fhirBaseUrl, p.tokenEndpoint ?? discovery?.tokenEndpoint),
          'fhirBaseUrl',
          `${preset.title} base URL`,
        );
        const r = await closeSession(this.opContext(p, discovery), session, token);
        if (!r.ok) return r;
        this.markRevoked(token);
        return this.withRecheck(r, p, discovery, 'revoke', input.which);
      }
      const url = needEndpoint(revocation, 'revocationEndpoint', 'revocation_endpoint');
      const r = await revoke(this.opContext(p, discovery), url, token, input.which);
      if (!r.ok) return r;
      this.markRevoked(token);
      return this.withRecheck(r, p, discovery, 'revoke', input.which);
    });
  }

  /**
   * OIDC Core §3.1.3.7 and the conformance invalid-sig tests: tokens from a response whose
   * id_token failed validation are not used for userinfo or resource calls.
   */
  private refuseAfterFailedIdToken(profileId: string, what: string) {
    const failed = this.c.tokenSet
      .heldFor(profileId)
      ?.idView?.findings.filter(
        (f) => f.code === 'ID_TOKEN_INVALID' || f.code === 'ISSUER_MISMATCH',
      )
      .filter((f) => f.severity === 'error');
    if (failed?.length)
      throw new AppFailure(
        'FORBIDDEN',
        `The id_token of these tokens failed validation (${failed[0]!.title}), so they are not used to ${what}.`,
        'Fix what the id_token check says and get new tokens (authorize again); to test anyway, pass a token explicitly.',
      );
  }

  /** The result with the held tokens re-checked (only while they are still the held ones). */
  private async withRecheck(
    r: TokenOpResult,
    p: StoredProfile,
    discovery: DiscoveryResult | undefined,
    after: TokenServerStatus['after'],
    revoked?: HeldKind,
  ): Promise<TokenOpResult> {
    const rechecked = await this.recheck(p, discovery, after, revoked);
    return rechecked ? { ...r, rechecked } : r;
  }

  /**
   * After a revoke or a refused use the local clock no longer says whether a token works: ask the
   * server (RFC 7662 introspection) about each held token and keep its word on the held set.
   * Without an introspection endpoint the status is unknown, never "valid".
   */
  async recheck(
    p: StoredProfile,
    discovery: DiscoveryResult | undefined,
    after: TokenServerStatus['after'],
    revoked?: HeldKind,
  ): Promise<TokenStatuses | undefined> {
    const h = this.c.tokenSet.heldFor(p.id);
    if (!h) return undefined;
    const url = p.introspectionEndpoint ?? discovery?.introspectionEndpoint;
    const bearer = url
      ? await this.c.profiles.profileSecretValue(p.id, 'introspectionToken').catch(() => undefined)
      : undefined;
    const out: TokenStatuses = {};
    for (const kind of ['access_token', 'refresh_token'] as const) {
      const token = kind === 'access_token' ? h.accessToken : h.refreshToken;
      if (!token) continue;
      const at = () => new Date(this.c.ports.clock.now()).toISOString();
      const revokedHere = this.c.s.revokedValues.has(token);
      const since = after === 'revoke' ? 'since the revoke' : 'since the refused use';
      if (!url) {
        out[kind] = revokedHere
          ? {
              state: 'revoked',
              label: 'revoked (server accepted the revocation)',
              basis:
                'the server accepted the revocation; not confirmed by introspection (the server has no introspection endpoint)',
              at: at(),
              after,
            }
          : {
              state: 'unknown',
              label: `unknown ${since}`,
              basis:
                'the server has no introspection endpoint, so its word on this token cannot be asked',
              at: at(),
              after,
              ...relatedNote(revoked, kind, 'unknown'),
            };
        continue;
      }
      let r: TokenOpResult;
      try {
        r = await introspect(
          this.opContext(p, discovery),
          url,
          token,
          kind,
          this.c.tokenSet.knownState(token),
          bearer,
          'Introspection (status re-check)',
        );
      } catch (e) {
        // The client cannot authenticate to the endpoint (no key, no secret): nothing was asked.
        out[kind] = {
          state: 'unknown',
          label: `unknown ${since}`,
          basis: `introspection could not be sent: ${(e as Error).message}`,
          at: at(),
          after,
        };
        continue;
      }
      const checked = { at: at(), after, exchangeId: r.exchangeId };
      if (r.active === undefined) {
        const why = r.findings[0]?.title;
        out[kind] = {
          state: 'unknown',
          label: `unknown ${since}`,
          basis: `introspection failed (${r.status ? `HTTP ${r.status}` : 'no answer'}${why ? `: ${why}` : ''})`,
          ...checked,
        };
        continue;
      }
      const expiredAt = this.c.tokenSet.knownState(token).expiredAt;
      const state = r.active
        ? 'active'
        : revokedHere || (after === 'revoke' && !expiredAt)
          ? 'revoked'
          : 'inactive';
      out[kind] = {
        state,
        label: `${state} (server)`,
        basis: `introspection said active: ${r.active}`,
        ...checked,
        ...(!r.active && expiredAt && !revokedHere
          ? { note: `It expired at ${expiredAt} (by its expires_in or exp).` }
          : relatedNote(revoked, kind, state)),
      };
    }
    h.serverStatus = { ...h.serverStatus, ...out };
    this.c.tokenSet.emitTokens();
    return out;
  }

  /** Marks a revoked token in the held set; automatic refresh stops with it. */
  private markRevoked(token: string) {
    this.c.s.revokedValues.set(token, new Date(this.c.ports.clock.now()).toISOString());
    const h = this.c.s.tokens;
    if (!h) return;
    const kinds: TokenKind[] = [];
    if (token === h.accessToken) kinds.push('access_token');
    if (token === h.refreshToken) kinds.push('refresh_token');
    if (!kinds.length) return;
    h.revoked = [...new Set([...h.revoked, ...kinds])];
    this.c.refresh.stopAutoRefresh();
    this.c.s.auto.enabled = false;
    this.c.tokenSet.emitTokens();
  }

  callUserinfo(input: Parameters<DebuggerApi['callUserinfo']>[0]) {
    return guard(async () => {
      const p = this.c.profiles.mustProfile(input.profileId);
      const discovery = await this.c.discovery.discoveryFor(p).catch(() => undefined);
      const url = needEndpoint(
        p.userinfoEndpoint ?? discovery?.userinfoEndpoint,
        'userinfoEndpoint',
        'userinfo_endpoint',
      );
      if (!input.token) this.refuseAfterFailedIdToken(p.id, 'call userinfo');
      const token = input.token ?? this.c.tokenSet.heldValue(p.id, 'access_token');
      const known = this.c.tokenSet.knownState(token);
      const held = this.c.tokenSet.heldFor(p.id);
      const sub = held && token === held.accessToken ? held.idView?.decoded?.claims.sub : undefined;
      const r = await userinfo(this.opContext(p, discovery), url, token, {
        ...known,
        ...(typeof sub === 'string' ? { idTokenSub: sub } : {}),
      });
      // A refused use of the held access token: ask the server what became of the tokens.
      return r.status === 401 && held && token === held.accessToken
        ? this.withRecheck(r, p, discovery, 'failed-use')
        : r;
    });
  }

  endSession(input: Parameters<DebuggerApi['endSession']>[0]) {
    return guard(async (): Promise<EndSessionResult> => {
      const p = this.c.profiles.mustProfile(input.profileId);
      const discovery = await this.c.discovery.discoveryFor(p).catch(() => undefined);
      const preset = getPreset(p.vendor);
      if (!p.endSessionEndpoint && !discovery?.endSessionEndpoint && preset?.traits?.sessionRevoke)
        throw new AppFailure(
          'INVALID_INPUT',
          `${preset.title} has no end_session_endpoint, and forgetting the tokens here would leave them valid: each token stays valid until its Session is closed.`,
          `Use Revoke on the access token: for ${preset.title} the debugger closes its Session (DELETE /Session).`,
        );
      const endpoint = needEndpoint(
        p.endSessionEndpoint ?? discovery?.endSessionEndpoint,
        'endSessionEndpoint',
        'end_session_endpoint',
      );
      // The endpoint comes from the server's discovery document: only http(s) is ever opened.
      const scheme = URL.canParse(endpoint) ? new URL(endpoint).protocol : '';
      if (scheme !== 'https:' && scheme !== 'http:')
        throw new AppFailure(
          'INVALID_INPUT',
          `The end_session_endpoint "${endpoint}" is not an http(s) URL, so it is not opened.`,
          "Check the server's discovery document, or enter an https endSessionEndpoint in the profile.",
        );
      const idToken = this.c.tokenSet.heldFor(p.id)?.idToken;
      // The one given for this logout, else the profile's (registered for the client).
      const post =
        input.postLogoutRedirectUri?.trim() || p.postLogoutRedirectUri?.trim() || undefined;
      // OIDC RP-Initiated Logout 1.0 §2: state goes back to the post_logout_redirect_uri.
      const state = post ? randomBytes(16).toString('base64url') : undefined;
      const opts = {
        ...(p.clientId ? { clientId: p.clientId } : {}),
        ...(post ? { postLogoutRedirectUri: post } : {}),
        ...(state ? { state } : {}),
      };
      const browser = input.open ? this.c.ports.browser : undefined;
      let shown = endSessionUrl(endpoint, opts).url;
      let opened = false;
      let hint: EndSessionResult['idTokenHint'] = idToken ? 'left-out' : 'none';
      let handoff: string | undefined;
      // The id_token is a secret: real only in what the browser opens, masked in what is shown.
      const withHint = endSessionUrl(endpoint, {
        ...opts,
        ...(idToken ? { idTokenHint: idToken } : {}),
      });
      if (!browser && idToken && input.handoff) {
        // The page opens the browser (web host): it gets a one-time local address, not the token.
        handoff = this.handoffTo(withHint.url);
        shown = withHint.shown;
        hint = 'handoff';
      }
      if (browser) {
        try {
          await browser.open(withHint.url);
          opened = true;
          shown = withHint.shown;
          if (idToken) hint = 'sent';
        } catch {
          // Not opened: the URL without the id_token is shown for the user to open.
        }
      }
      const note =
        hint === 'left-out'
          ? 'id_token_hint is left out of this URL: it would carry the id_token, which stays in the engine; the desktop app opens the logout page itself, with id_token_hint. Without it the server may ask which session to end.'
          : hint === 'none'
            ? 'No id_token is held (the scope had no openid), so there is no id_token_hint; the server may ask which session to end.'
            : hint === 'handoff'
              ? "The logout page opens through this app's own address, which passes id_token_hint to the browser once; the page never holds the id_token."
              : undefined;
      // The tokens are forgotten locally whatever the server does with the logout.
      this.c.s.tokens = undefined;
      this.c.refresh.stopAutoRefresh();
      this.c.s.auto.enabled = false;
      this.c.tokenSet.emitTokens();
      return {
        url: shown,
        opened,
        cleared: true,
        idTokenHint: hint,
        ...(handoff ? { handoff } : {}),
        ...(post ? { postLogoutRedirectUri: post } : {}),
        ...(state ? { state } : {}),
        ...(note ? { note } : {}),
      };
    });
  }

  /** A one-time local path to `url` (see Session.handoffs); older ones expire. */
  private handoffTo(url: string): string {
    const now = Date.now();
    for (const [id, h] of this.c.s.handoffs) if (h.expiresAt <= now) this.c.s.handoffs.delete(id);
    const id = randomBytes(24).toString('base64url');
    this.c.s.handoffs.set(id, { url, expiresAt: now + HANDOFF_MS });
    return `/handoff/${id}`;
  }

  /** The URL behind a handoff id, once: a second use or an expired id gets nothing. */
  takeHandoff(id: string): string | undefined {
    const h = this.c.s.handoffs.get(id);
    this.c.s.handoffs.delete(id);
    return h && h.expiresAt > Date.now() ? h.url : undefined;
  }

  callResource(input: Parameters<DebuggerApi['callResource']>[0]) {
    return guard(async (): Promise<ResourceResult> => {
      const p = this.c.profiles.mustProfile(input.profileId);
      if (!p.fhirBaseUrl)
        throw new AppFailure(
          'INVALID_INPUT',
          'The profile has no FHIR base URL.',
          'Enter the FHIR base URL in the Profile step.',
        );
      if (!this.c.s.tokens)
        throw new AppFailure(
          'NOT_FOUND',
          'No access token yet.',
          'Get a token in the Token request step first.',
        );
      this.refuseAfterFailedIdToken(this.c.s.tokens.profileId, 'call the FHIR server');
      const which = input.token ?? 'access_token';
      const path = input.path.trim().replace(/^\/+/, '') || 'metadata';
      const url = /^https?:\/\//.test(path) ? path : `${p.fhirBaseUrl.replace(/\/+$/, '')}/${path}`;
      const first = await this.recheckAfter401(p, await this.resourceOnce(p, url, which), which);
      const held = this.c.s.tokens;
      if (
        first.status === 401 &&
        which === 'access_token' &&
        input.refreshOnExpiry &&
        held?.refreshToken &&
        this.c.tokenSet.isExpired(held)
      ) {
        const refreshed = await this.c.refresh.refreshOnce(p, undefined, false);
        if (!refreshed.ok)
          return { ...first, findings: rankFindings([...first.findings, ...refreshed.findings]) };
        const again = await this.resourceOnce(p, url, which);
        return { ...(await this.recheckAfter401(p, again, which)), retriedAfterRefresh: true };
      }
      return first;
    });
  }

  /** A 401 to the held access token at the resource server: the tokens are re-checked. */
  private async recheckAfter401(
    p: StoredProfile,
    r: ResourceResult,
    which: 'access_token' | 'id_token',
  ): Promise<ResourceResult> {
    const held = this.c.s.tokens;
    if (r.status !== 401 || which !== 'access_token' || !held || held.profileId !== p.id) return r;
    // Resource calls use the held tokens' profile only when it is this one (callResource's p).
    const discovery = await this.c.discovery.discoveryFor(p).catch(() => undefined);
    await this.recheck(p, discovery, 'failed-use');
    return r;
  }

  /** One resource call with the held access token or id_token. */
  private async resourceOnce(
    p: StoredProfile,
    url: string,
    which: 'access_token' | 'id_token',
  ): Promise<ResourceResult> {
    const held = this.c.s.tokens!;
    const token = which === 'id_token' ? held.idToken : held.accessToken;
    if (!token)
      throw new AppFailure(
        'NOT_FOUND',
        'No id_token is held.',
        'Authorize with the openid scope to get an id_token, or send the access token.',
      );
    const secrets: SecretMap = new Map([[token, `{{${which}}}`]]);
    const { exchange, raw } = await this.c.http.send(
      {
        method: 'GET',
        url,
        headers: [
          ['accept', 'application/fhir+json, application/json'],
          ['authorization', `Bearer ${token}`],
        ],
      },
      { step: 'Resource request', secrets, ...(p.tls ? { tls: p.tls } : {}), ...this.c.ports.http },
    );
    const resourceVendor = {
      profile: {
        ...(p.vendor ? { vendor: p.vendor } : {}),
        authMethod: p.auth.method,
        ...(p.clientId ? { clientId: p.clientId } : {}),
      },
      earlier: [],
    };
    if (!raw) {
      return {
        ok: false,
        exchangeId: exchange.id,
        headers: [],
        body: '',
        tokenUsed: which,
        findings: diagnose({
          endpoint: 'resource',
          url,
          ...(exchange.error ? { transportError: exchange.error } : {}),
        }).findings,
      };
    }
    const status = raw.status;
    const expiresAt =
      which === 'id_token'
        ? held.idView?.expiresAt
          ? Date.parse(held.idView.expiresAt)
          : undefined
        : accessExpiresAt(held);
    const nowMs = this.c.ports.clock.now();
    const expired = expiresAt !== undefined && nowMs >= expiresAt;
    // What this session knows of the token joins the server's answer in the one diagnosis.
    const known: Finding[] = [];
    if (status === 401) {
      if (expired)
        known.push(
          finding(
            'TOKEN_EXPIRED',
            `The ${which.replace('_', ' ')} expired at ${new Date(expiresAt!).toISOString()}.`,
          ),
        );
      else if (held.revoked.includes(which as TokenKind))
        known.push(
          finding('TOKEN_INACTIVE', `The ${which.replace('_', ' ')} was revoked in this session.`, {
            basis: 'history',
            title: 'The token was revoked',
          }),
        );
      else if (which === 'id_token')
        known.push(
          finding(
            'TOKEN_AUDIENCE_MISMATCH',
            'An id_token was sent: it is addressed to the client (aud = client_id), not to the resource server; most servers accept only access tokens.',
            { severity: 'error', fix: 'Send the access token to the resource server.' },
          ),
        );
    }
    const revokedAt = this.c.s.revokedValues.get(token);
    const diag = diagnose({
      endpoint: 'resource',
      url,
      headers: [['authorization', `Bearer {{${which}}}`]],
      response: { status, headers: raw.headers, body: raw.body },
      findings: known,
      ...(p.server ? { server: p.server } : {}),
      vendor: resourceVendor,
      resource: {
        ...(held.grantedScope ? { grantedScope: held.grantedScope } : {}),
        ...(revokedAt ? { revokedAt } : {}),
        ...(expiresAt !== undefined ? { expiresAt: Math.floor(expiresAt / 1000) } : {}),
        at: Math.floor(nowMs / 1000),
      },
    });
    const findings = diag.findings;
    const parsed = parseBodyTolerantly(raw.body);
    return {
      ok: status >= 200 && status < 300,
      exchangeId: exchange.id,
      status,
      headers: exchange.response!.headers,
      body: exchange.response!.body,
      ...(parsed.json ? { pretty: JSON.stringify(parsed.json, null, 2) } : {}),
      tokenUsed: which,
      findings,
    };
  }
}
