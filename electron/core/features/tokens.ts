import type { DebuggerApi } from '../../../shared/api/contract.js';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import {
  grantedScopeFindings,
  lintTokenResponse,
  scopeDiff,
  settleRefreshScopes,
} from '../../../shared/diagnosis/token-response.js';
import { finding, rankFindings } from '../../../shared/diagnosis/index.js';
import {
  decodeForDisplay,
  explainClaims,
  guessJwtKind,
  looksLikeJwt,
  maskSecret,
} from '../../../shared/jwt-view.js';
import { AppFailure } from '../../../shared/result.js';
import type {
  TokenSetView,
  HeaderList,
  TokenResult,
  TokenView,
  Verification,
} from '../../../shared/types.js';
import { refreshNotIssuedFinding } from '../../../shared/diagnosis/grant.js';
import { type TlsOptions } from '../http.js';
import { idTokenView } from '../id-token.js';
import { type KnownState } from '../token-ops.js';
import {
  accessExpiresAt,
  launchContextOf,
  refreshTokenInfo,
  tokenSetView,
  type HeldTokens,
} from '../token-set.js';
import { type StoredProfile, type Draft, guard, verifyWith } from '../model.js';
import type { Core } from '../core.js';
import { grantHandler } from '../grants/index.js';

/** The held tokens: accepting a token response, the id_token checks, decoding and revealing. */
export class TokenSet {
  constructor(private readonly c: Core) {}

  /** A successful token response becomes the held token set (memory only); fills in the result. */
  async acceptTokens(
    p: StoredProfile,
    draft: Draft,
    json: Record<string, unknown>,
    raw: { headers: HeaderList },
    params: [string, string][],
    result: TokenResult,
  ): Promise<boolean> {
    const grant = draft.grant;
    const prev = this.heldFor(p.id);
    const get = (k: string) => params.find(([n]) => n === k)?.[1];
    const handler = grantHandler(grant);
    const requested = get('scope') ?? handler.requestedScope(p, prev);
    const granted = typeof json.scope === 'string' ? json.scope : undefined;
    result.tokenType = String(json.token_type ?? '');
    if (typeof json.expires_in === 'number') result.expiresIn = json.expires_in;
    const diff = scopeDiff(requested, granted);
    const extra = lintTokenResponse(json, raw.headers, grant, this.c.tokenRequests.smartProfile(p));
    const accessToken = String(json.access_token);
    const idToken = typeof json.id_token === 'string' && json.id_token ? json.id_token : undefined;
    const issued =
      typeof json.refresh_token === 'string' && json.refresh_token ? json.refresh_token : undefined;
    extra.push(...grantedScopeFindings(diff, granted, !!issued));
    // offline_access answered by a refresh token is granted, not missing (grantedScopeFindings says why).
    result.scopeDiff = settleRefreshScopes(diff, !!issued);
    const sentRefresh = grant === 'refresh_token' ? get('refresh_token') : undefined;
    const discovery = this.c.s.discovery.get(p.id);
    const jwksUri = discovery?.jwksUri;
    const issuer = draft.pending?.issuer ?? prev?.issuer ?? discovery?.issuer ?? p.issuer;
    const nonce = draft.pending
      ? draft.pending.nonce
      : grant === 'refresh_token'
        ? prev?.nonce
        : undefined;
    const receivedAt = this.c.ports.clock.now();
    const timing = {
      receivedAt,
      ...(result.expiresIn !== undefined ? { expiresIn: result.expiresIn } : {}),
      ...(p.tls ? { tls: p.tls } : {}),
    };
    const accessView = await this.tokenView(accessToken, { jwksUrl: jwksUri }, timing);
    const idView = idToken
      ? await this.checkIdToken(idToken, p, {
          ...(issuer ? { issuer } : {}),
          ...(nonce !== undefined ? { nonce } : {}),
          refreshed: grant === 'refresh_token',
          accessToken,
          ...(draft.pending?.code ? { code: draft.pending.code } : {}),
          ...(jwksUri ? { jwksUri } : {}),
        })
      : undefined;
    const launchContext = launchContextOf(json, idView?.decoded?.claims);
    const notIssued = handler.refreshExpected
      ? refreshNotIssuedFinding(requested, granted)
      : undefined;
    if (!issued && notIssued) extra.push(notIssued);
    result.refreshToken = refreshTokenInfo(
      grant,
      issued,
      sentRefresh,
      notIssued?.evidence ??
        'client_credentials responses carry none (SMART backend services get a new token instead).',
    );
    if (grant === 'refresh_token' && sentRefresh && issued && issued !== sentRefresh)
      this.c.s.usedRefreshTokens.set(sentRefresh, new Date(receivedAt).toISOString());
    const refreshToken = issued ?? sentRefresh;
    this.c.s.tokens = {
      ...timing,
      profileId: p.id,
      grant,
      accessToken,
      ...(idToken ? { idToken } : {}),
      ...(refreshToken ? { refreshToken } : {}),
      requestedScope: requested,
      ...(granted !== undefined ? { grantedScope: granted } : {}),
      ...(launchContext ? { launchContext } : {}),
      ...(jwksUri ? { jwksUri } : {}),
      ...(issuer ? { issuer } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
      accessView,
      ...(idView ? { idView } : {}),
      refreshes: grant === 'refresh_token' ? [...(prev?.refreshes ?? [])] : [],
      revoked: [],
      scopeDiff: result.scopeDiff,
      scopeNotes: extra.filter((f) => f.code === 'SCOPE_NARROWED'),
    };
    result.accessToken = accessView;
    if (idView) result.idToken = idView;
    if (launchContext) result.launchContext = launchContext;
    // OIDC Core 3.1.3.7: a client must reject a response whose id_token fails validation.
    const idFindings = idView?.findings ?? [];
    if (idFindings.some((f) => f.severity === 'error')) result.ok = false;
    result.findings = rankFindings([...idFindings, ...result.findings, ...extra]);
    return true;
  }

  /** Validates an id_token against the server JWKS (fetched once per session, refetched for a new kid). */
  private async checkIdToken(
    idToken: string,
    p: StoredProfile,
    x: {
      issuer?: string;
      nonce?: string;
      refreshed: boolean;
      accessToken: string;
      code?: string;
      jwksUri?: string;
    },
  ): Promise<TokenView> {
    const findings: Finding[] = [];
    let kid: string | undefined;
    try {
      const k = decodeForDisplay(idToken).header.kid;
      if (typeof k === 'string') kid = k;
    } catch {
      // Malformed: idTokenView reports it.
    }
    const jwks = x.jwksUri
      ? await this.c.assertions.loadJwks(
          { jwksUrl: x.jwksUri, cache: true, ...(kid ? { wantKid: kid } : {}) },
          'Tokens',
          findings,
          p.tls,
        )
      : undefined;
    const view = await idTokenView(idToken, {
      clientId: p.clientId,
      ...(x.issuer ? { issuer: x.issuer } : {}),
      ...(x.nonce !== undefined ? { nonce: x.nonce } : {}),
      refreshed: x.refreshed,
      accessToken: x.accessToken,
      ...(x.code ? { code: x.code } : {}),
      now: this.c.nowSec,
      skewSec: this.c.settings.skewSec(),
      ...(jwks ? { jwks } : {}),
      ...(x.jwksUri ? { jwksUrl: x.jwksUri } : {}),
    });
    return findings.length
      ? { ...view, findings: rankFindings([...view.findings, ...findings]) }
      : view;
  }

  private async tokenView(
    token: string,
    src: { jwksUrl?: string | undefined; jwks?: string | undefined },
    current?: { receivedAt: number; expiresIn?: number; tls?: TlsOptions },
    held = true,
  ): Promise<TokenView> {
    const now = this.c.nowSec;
    const findings: Finding[] = [];
    const base = { kind: 'access_token' as const, masked: maskSecret(token), length: token.length };
    let expiresAt: string | undefined;
    if (current?.expiresIn !== undefined)
      expiresAt = new Date(current.receivedAt + current.expiresIn * 1000).toISOString();
    if (!looksLikeJwt(token)) {
      // Something JWT-shaped that does not decode is a copy/paste error, not an opaque token.
      if (/^eyJ/.test(token) || token.split('.').length === 3) decodeForDisplay(token);
      return {
        ...base,
        format: 'opaque',
        explained: [],
        verification: {
          status: 'unchecked',
          message: 'Opaque token: only the server can read it (use introspection).',
        },
        ...(expiresAt ? { expiresAt } : {}),
        findings,
      };
    }
    const decoded = decodeForDisplay(token);
    if (typeof decoded.claims.exp === 'number') {
      expiresAt = new Date(decoded.claims.exp * 1000).toISOString();
      if (decoded.claims.exp <= now)
        findings.push(
          finding(
            'TOKEN_EXPIRED',
            `exp ${expiresAt} is ${now - decoded.claims.exp} s in the past.`,
          ),
        );
    }
    let verification: Verification = {
      status: 'unchecked',
      message: 'No JWKS URL known: signature not checked.',
    };
    if (decoded.header.alg === 'none')
      verification = {
        status: 'unsigned',
        message: 'alg "none": the token is unsigned and must not be trusted.',
      };
    else {
      const wantKid = typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined;
      const jwks = await this.c.assertions.loadJwks(
        {
          ...(src.jwks ? { jwks: src.jwks } : {}),
          ...(src.jwksUrl ? { jwksUrl: src.jwksUrl, cache: true } : {}),
          ...(wantKid ? { wantKid } : {}),
        },
        'Tokens',
        findings,
        current?.tls,
      );
      if (jwks) {
        verification = await verifyWith(token, jwks, src.jwksUrl);
        if (verification.status === 'failed')
          findings.push(finding('TOKEN_SIGNATURE_INVALID', verification.message));
      }
    }
    return {
      ...base,
      format: 'jwt',
      decoded,
      // A held token is the access token of a token response; a pasted one is read for its kind.
      explained: explainClaims(
        decoded.claims,
        now,
        held ? 'access_token' : guessJwtKind(decoded.header, decoded.claims),
      ),
      verification,
      ...(expiresAt ? { expiresAt } : {}),
      findings: rankFindings(findings),
    };
  }

  decodeToken(input: { token?: string; jwksUrl?: string; jwks?: string }) {
    return guard(async () => {
      if (input.token) return this.tokenView(input.token.trim(), input, undefined, false);
      if (!this.c.s.tokens)
        throw new AppFailure(
          'NOT_FOUND',
          'No access token yet.',
          'Send a token request first, or paste a token to decode.',
        );
      return this.tokenView(
        this.c.s.tokens.accessToken,
        { jwksUrl: input.jwksUrl ?? this.c.s.tokens.jwksUri, jwks: input.jwks },
        this.c.s.tokens,
      );
    });
  }

  revealSecret(input: Parameters<DebuggerApi['revealSecret']>[0]) {
    return guard(async () => {
      const t = this.c.s.tokens;
      const value =
        input.kind === 'access_token'
          ? t?.accessToken
          : input.kind === 'id_token'
            ? t?.idToken
            : input.kind === 'refresh_token'
              ? t?.refreshToken
              : this.c.s.lastAssertion;
      if (!value)
        throw new AppFailure(
          'NOT_FOUND',
          `No ${input.kind.replace('_', ' ')} in this session yet.`,
        );
      return { value };
    });
  }

  // Tokens live in engine memory only (HeldTokens): nothing here is persisted or exported.

  heldFor(profileId: string): HeldTokens | undefined {
    return this.c.s.tokens?.profileId === profileId ? this.c.s.tokens : undefined;
  }

  private tokenSetSnapshot(): TokenSetView | null {
    const h = this.c.s.tokens;
    if (!h) return null;
    const on = this.c.s.auto.enabled && this.c.s.auto.profileId === h.profileId;
    return tokenSetView(h, {
      enabled: on,
      ...(on && this.c.s.auto.nextAt !== undefined
        ? { nextAt: new Date(this.c.s.auto.nextAt).toISOString() }
        : {}),
    });
  }

  emitTokens() {
    this.c.ports.events.emit('tokens', this.tokenSetSnapshot());
  }

  getTokenSet() {
    return guard(async () => ({ tokens: this.tokenSetSnapshot() }));
  }

  /** The held token of a kind, or NOT_FOUND with the fix. */
  heldValue(profileId: string, which: 'access_token' | 'refresh_token'): string {
    const h = this.heldFor(profileId);
    const v = which === 'access_token' ? h?.accessToken : h?.refreshToken;
    if (!v)
      throw new AppFailure(
        'NOT_FOUND',
        `No ${which.replace('_', ' ')} is held for this profile.`,
        which === 'refresh_token'
          ? 'Get tokens with offline_access first (or pass the token to use).'
          : 'Get a token first (Token request step), or pass the token to use.',
      );
    return v;
  }

  /** What this session knows about a token (expired, revoked) to explain the server's answer. */
  knownState(token: string): KnownState {
    const out: KnownState = {};
    const revokedAt = this.c.s.revokedValues.get(token);
    if (revokedAt) out.revokedAt = revokedAt;
    const h = this.c.s.tokens;
    if (h && token === h.accessToken && this.isExpired(h))
      out.expiredAt = new Date(accessExpiresAt(h)!).toISOString();
    return out;
  }

  isExpired(h: HeldTokens): boolean {
    const at = accessExpiresAt(h);
    return at !== undefined && this.c.ports.clock.now() >= at;
  }
}
