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
        if (r.ok) this.markRevoked(token);
        return r;
      }
      const url = needEndpoint(revocation, 'revocationEndpoint', 'revocation_endpoint');
      const r = await revoke(this.opContext(p, discovery), url, token, input.which);
      if (r.ok) this.markRevoked(token);
      return r;
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
      return userinfo(this.opContext(p, discovery), url, token, {
        ...known,
        ...(typeof sub === 'string' ? { idTokenSub: sub } : {}),
      });
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
      const clientId = p.clientId ? { clientId: p.clientId } : {};
      const browser = input.open ? this.c.ports.browser : undefined;
      const idToken = browser ? this.c.tokenSet.heldFor(p.id)?.idToken : undefined;
      let shown = endSessionUrl(endpoint, clientId).url;
      let opened = false;
      if (browser) {
        const withHint = endSessionUrl(endpoint, {
          ...clientId,
          ...(idToken ? { idTokenHint: idToken } : {}),
        });
        try {
          await browser.open(withHint.url);
          opened = true;
          shown = withHint.shown;
        } catch {
          // Not opened: the plain URL (no id_token in it) is shown for the user to open.
        }
      }
      // The tokens are forgotten locally whatever the server does with the logout.
      this.c.s.tokens = undefined;
      this.c.refresh.stopAutoRefresh();
      this.c.s.auto.enabled = false;
      this.c.tokenSet.emitTokens();
      return { url: shown, opened, cleared: true };
    });
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
      const first = await this.resourceOnce(p, url, which);
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
        return { ...(await this.resourceOnce(p, url, which)), retriedAfterRefresh: true };
      }
      return first;
    });
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
