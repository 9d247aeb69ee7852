import { randomUUID } from 'node:crypto';
import type { DebuggerApi } from '../../../shared/api/contract.js';
import {
  lintAssertion,
  lintTokenRequest,
  CLIENT_ASSERTION_TYPE,
} from '../../../shared/diagnosis/assertion-lint.js';
import type { CauseCode, Finding } from '../../../shared/diagnosis/codes.js';
import { diagnose } from '../../../shared/diagnosis/pipeline.js';
import { readAnswer } from '../../../shared/diagnosis/statement.js';
import { vendorPreflight, type VendorAttempt } from '../../../shared/diagnosis/token-response.js';
import { finding, rankFindings } from '../../../shared/diagnosis/index.js';
import { decodeForDisplay, looksLikeJwt, maskSecret } from '../../../shared/jwt-view.js';
import { getPreset } from '../../../shared/presets.js';
import { collectResponseSecrets, type SecretMap } from '../../../shared/redact.js';
import { AppFailure } from '../../../shared/result.js';
import type {
  AssertionOverrides,
  AssertionView,
  DiscoveryResult,
  HeaderList,
  GrantType,
  RefreshRecord,
  TokenRequestDraft,
  TokenRequestEdits,
  TokenResult,
} from '../../../shared/types.js';
import {
  codeExchangeFindings,
  grantRefusalFindings,
  refreshFailureFindings,
} from '../../../shared/diagnosis/grant.js';
import { maskTokens, type ClientAuth } from '../token-ops.js';
import {
  StoredProfile,
  PendingCode,
  Draft,
  KeyContext,
  guard,
  defaultGrant,
  formEncode,
} from '../model.js';
import type { Core } from '../core.js';

/** Token requests: the draft (client authentication, grant parameters), sending it, and its diagnosis. */
export class TokenRequests {
  constructor(private readonly c: Core) {}

  prepareTokenRequest(input: Parameters<DebuggerApi['prepareTokenRequest']>[0]) {
    return guard(async (): Promise<TokenRequestDraft> => {
      const p = this.c.profiles.mustProfile(input.profileId);
      const grant = input.grant ?? defaultGrant(p);
      const prepared = await this.prepareDraft(
        p,
        grant,
        input.overrides ? { overrides: input.overrides } : {},
      );
      return prepared.view;
    });
  }

  async needClientSecret(p: StoredProfile): Promise<string> {
    const secret = await this.c.profiles.profileSecretValue(p.id, 'clientSecret');
    if (!secret)
      throw new AppFailure(
        'SECRET_UNAVAILABLE',
        'The profile has no client secret stored.',
        'Enter the client secret in the Profile step.',
      );
    return secret;
  }

  /**
   * Client authentication by profile.auth.method, the same for the token, introspection and
   * revocation endpoints. Secret values are in `fill`; headers and params carry placeholders.
   * Assertions are audienced to the token endpoint (tokenUrl, or the profile's when omitted).
   */
  async clientAuth(
    p: StoredProfile,
    tokenUrl: string | undefined,
    discovery: DiscoveryResult | undefined,
    overrides?: AssertionOverrides,
  ): Promise<ClientAuth & { assertion?: AssertionView; signing?: Draft['signing']; jwt?: string }> {
    const headers: HeaderList = [];
    const params: [string, string][] = [];
    const fill = new Map<string, string>();
    switch (p.auth.method) {
      case 'private_key_jwt':
      case 'client_secret_jwt': {
        const aud = tokenUrl ?? (await this.c.discovery.tokenEndpointFor(p)).url;
        const made = await this.c.assertions.makeAssertion(p, aud, discovery, overrides);
        fill.set('client_assertion', made.jwt);
        // RFC 7521 §4.2 makes client_id optional beside an assertion; some servers require it.
        if (p.auth.sendClientId && p.clientId) params.push(['client_id', p.clientId]);
        params.push(
          ['client_assertion_type', CLIENT_ASSERTION_TYPE],
          ['client_assertion', '{{client_assertion}}'],
        );
        return {
          headers,
          params,
          fill,
          assertion: made.view,
          jwt: made.jwt,
          ...(made.signingKeyKid
            ? { signing: { kid: made.signingKeyKid, keyContext: made.keyContext } }
            : {}),
        };
      }
      case 'client_secret_basic': {
        const s = await this.needClientSecret(p);
        // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
        const basic = Buffer.from(`${formEncode(p.clientId)}:${formEncode(s)}`).toString('base64');
        fill.set('client_secret_basic', basic);
        headers.push(['authorization', 'Basic {{client_secret_basic}}']);
        break;
      }
      case 'client_secret_post':
        fill.set('client_secret', await this.needClientSecret(p));
        params.push(['client_id', p.clientId], ['client_secret', '{{client_secret}}']);
        break;
      case 'none':
        params.push(['client_id', p.clientId]);
        break;
    }
    return { headers, params, fill };
  }

  /** Builds and keeps a token request for a grant; secret values stay in the draft's fill map. */
  async prepareDraft(
    p: StoredProfile,
    grant: GrantType,
    opts: { overrides?: AssertionOverrides; refreshToken?: string } = {},
  ): Promise<{ view: TokenRequestDraft; draft: Draft }> {
    const { url, discovery } = await this.c.discovery.tokenEndpointFor(p);
    const params: [string, string][] = [['grant_type', grant]];
    const fill = new Map<string, string>();
    const notes: Finding[] = [];
    let pending: PendingCode | undefined;
    let refreshToken: string | undefined;
    switch (grant) {
      case 'client_credentials':
        if (p.scope) params.push(['scope', p.scope]);
        break;
      case 'authorization_code':
        pending = this.c.s.pendingCodes.get(p.id);
        if (!pending)
          throw new AppFailure(
            'NOT_FOUND',
            'No authorization code has been received for this profile.',
            'Authorize first (Authorize step).',
          );
        // RFC 6749 §4.1.3: redirect_uri exactly as in the authorize request.
        params.push(['code', '{{code}}'], ['redirect_uri', pending.redirectUri]);
        fill.set('code', pending.code);
        if (pending.codeVerifier !== undefined) {
          params.push(['code_verifier', '{{code_verifier}}']);
          fill.set('code_verifier', pending.codeVerifier);
        }
        if (pending.redeemed)
          notes.push(
            finding(
              'CODE_INVALID',
              'This authorization code was already sent in a token request; the server will refuse it a second time.',
              {
                severity: 'warning',
                title: 'Authorization code already used',
                fix: 'Authorize again to get a new code.',
              },
            ),
          );
        break;
      case 'refresh_token':
        refreshToken = opts.refreshToken ?? this.c.tokenSet.heldFor(p.id)?.refreshToken;
        if (!refreshToken)
          throw new AppFailure(
            'NOT_FOUND',
            'No refresh token is held for this profile.',
            'Use "Refresh" to see why none was issued, or authorize again asking for offline_access.',
          );
        // No scope: the new tokens keep the granted scope (RFC 6749 §6); add one only to narrow it.
        params.push(['refresh_token', '{{refresh_token}}']);
        fill.set('refresh_token', refreshToken);
        break;
      case 'password': {
        if (!p.username)
          throw new AppFailure(
            'INVALID_INPUT',
            'The profile has no username for the password grant.',
            'Enter the username in the Profile step.',
          );
        const password = await this.c.profiles.profileSecretValue(p.id, 'password');
        if (!password)
          throw new AppFailure(
            'SECRET_UNAVAILABLE',
            'The profile has no password stored.',
            'Enter the password in the Profile step (it is kept with the other secrets).',
          );
        params.push(['username', p.username], ['password', '{{password}}']);
        fill.set('password', password);
        if (p.scope) params.push(['scope', p.scope]);
        notes.push(
          finding(
            'GRANT_INSECURE',
            `grant_type=password hands the password of ${p.username} to this client; RFC 9700 §2.4 says it MUST NOT be used.`,
          ),
        );
        break;
      }
    }
    const auth = await this.clientAuth(p, url, discovery, opts.overrides);
    for (const [k, v] of auth.fill) fill.set(k, v);
    params.push(...auth.params);
    const headers: HeaderList = [
      ['content-type', 'application/x-www-form-urlencoded'],
      ['accept', 'application/json'],
      ...auth.headers,
    ];
    const draft: Draft = {
      id: randomUUID(),
      profileId: p.id,
      grant,
      url,
      headers,
      params,
      fill,
      ...(auth.assertion ? { assertion: auth.assertion } : {}),
      ...(auth.signing ? { signing: auth.signing } : {}),
      ...(pending ? { pending } : {}),
    };
    this.c.s.drafts.set(draft.id, draft);
    const lint = [
      ...notes,
      ...(auth.assertion?.lint ?? []),
      ...lintTokenRequest({ params, headers, authMethod: p.auth.method, grant }),
    ];
    const preflight = rankFindings([
      ...lint,
      ...vendorPreflight({
        url,
        headers,
        params,
        preflight: lint,
        vendor: this.vendorAttempt(p, grant, discovery, auth.assertion),
      }),
    ]);
    return {
      draft,
      view: {
        id: draft.id,
        grant,
        method: 'POST',
        url,
        headers,
        params,
        preflight,
        ...(auth.assertion ? { assertion: auth.assertion } : {}),
      },
    };
  }

  sendTokenRequest(input: Parameters<DebuggerApi['sendTokenRequest']>[0]) {
    return guard(async (): Promise<TokenResult> => {
      const draft = this.c.s.drafts.get(input.draftId);
      if (!draft)
        throw new AppFailure(
          'NOT_FOUND',
          'This prepared request is gone (the app restarted or it was already replaced).',
          'Press "Prepare request" again.',
        );
      return this.sendDraft(draft, input.edits, false);
    });
  }

  /** What the vendor rules (shared/vendors/) need to know about the profile and run. */
  /**
   * A SMART profile: a FHIR base, a SMART preset, or a smart-configuration found. SMART's rules
   * (assertion kid/typ/jti and 5-minute exp, token lifetimes, scope in the answer) apply only then.
   */
  smartProfile(p: StoredProfile, discovery?: DiscoveryResult): boolean {
    return (
      !!p.fhirBaseUrl ||
      !!getPreset(p.vendor)?.smart ||
      !!discovery?.documents.some((d) => d.kind === 'smart-configuration' && d.ok)
    );
  }

  private vendorAttempt(
    p: StoredProfile,
    grant: GrantType,
    discovery: DiscoveryResult | undefined,
    assertion: { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined,
  ): VendorAttempt {
    return {
      profile: {
        ...(p.vendor ? { vendor: p.vendor } : {}),
        authMethod: p.auth.method,
        ...(p.auth.alg ? { alg: p.auth.alg } : {}),
        ...(p.clientId ? { clientId: p.clientId } : {}),
        ...(p.jwksUri ? { jwksUri: p.jwksUri } : {}),
        ...(p.issuer ? { issuer: p.issuer } : {}),
      },
      grant,
      ...(assertion ? { assertion: { header: assertion.header, claims: assertion.claims } } : {}),
      ...(discovery
        ? {
            discovery: {
              ...(discovery.tokenEndpoint ? { tokenEndpoint: discovery.tokenEndpoint } : {}),
              ...(discovery.issuer ? { issuer: discovery.issuer } : {}),
              ...(discovery.signingAlgs ? { signingAlgs: discovery.signingAlgs } : {}),
            },
          }
        : {}),
      earlier: [...this.c.s.tokenHistory],
    };
  }

  /** Sends a draft (with the user's edits), diagnoses the answer and updates the held tokens. */
  async sendDraft(
    draft: Draft,
    edits: TokenRequestEdits | undefined,
    automatic: boolean,
  ): Promise<TokenResult> {
    const p = this.c.profiles.mustProfile(draft.profileId);
    const discovery = this.c.s.discovery.get(p.id);
    const grant = draft.grant;
    const url = edits?.url ?? draft.url;
    const fillIn = (s: string) =>
      s.replace(/\{\{(\w+)\}\}/g, (m, name: string) => draft.fill.get(name) ?? m);
    const headers: HeaderList = (edits?.headers ?? draft.headers).map(([n, v]) => [n, fillIn(v)]);
    const params: [string, string][] = (edits?.params ?? draft.params).map(([n, v]) => [
      n,
      fillIn(v),
    ]);
    const get = (k: string) => params.find(([n]) => n === k)?.[1];
    const body = new URLSearchParams(params).toString();
    const secrets: SecretMap = new Map([...draft.fill].map(([name, v]) => [v, `{{${name}}}`]));
    // A value typed into the draft in place of a placeholder is just as secret.
    for (const k of ['code', 'code_verifier', 'refresh_token', 'password', 'client_secret']) {
      const v = get(k);
      if (v && !secrets.has(v)) secrets.set(v, `{{${k}}}`);
    }

    // Lint what is actually sent: the assertion may have been edited or moved to a header.
    const now = this.c.nowSec;
    const sentJwt =
      get('client_assertion') ??
      /^bearer\s+(\S+)/i.exec(
        headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1] ?? '',
      )?.[1];
    const preflight: Finding[] = lintTokenRequest({
      params,
      headers,
      authMethod: p.auth.method,
      grant,
      url,
    });
    if (grant === 'password')
      preflight.push(
        finding('GRANT_INSECURE', 'grant_type=password sends the user password to the client.'),
      );
    let jti: string | undefined;
    let sentAssertion:
      { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined;
    if (sentJwt && looksLikeJwt(sentJwt)) {
      const d = decodeForDisplay(sentJwt);
      sentAssertion = d;
      jti = typeof d.claims.jti === 'string' ? d.claims.jti : undefined;
      const hmac = p.auth.method === 'client_secret_jwt';
      // The registered JWKS was fetched when the request was prepared; it is not fetched again.
      const keyContext: KeyContext = hmac
        ? { lintInput: {}, findings: [] }
        : (draft.signing?.keyContext ?? (await this.c.assertions.clientKeyContext(p)));
      preflight.push(...keyContext.findings);
      preflight.push(
        ...lintAssertion({
          header: d.header,
          claims: d.claims,
          tokenUrl: url,
          clientId: p.clientId,
          ...(discovery?.signingAlgs ? { acceptedAlgs: discovery.signingAlgs } : {}),
          ...keyContext.lintInput,
          now,
          sentJtis: this.c.s.sentJtis,
          smart: this.smartProfile(p, discovery),
          ...(draft.signing ? { signingKeyKid: draft.signing.kid } : {}),
          ...(hmac ? { hmac } : {}),
        }),
      );
    }
    const vendor = this.vendorAttempt(p, grant, discovery, sentAssertion);
    preflight.push(...vendorPreflight({ url, headers, params, preflight, vendor }));
    const wasRedeemed = draft.pending?.redeemed ?? false;
    const { exchange, raw } = await this.c.http.send(
      { method: 'POST', url, headers, body },
      {
        step: grant === 'refresh_token' ? 'Refresh' : 'Token request',
        secrets,
        ...(p.tls ? { tls: p.tls } : {}),
        ...this.c.ports.http,
      },
    );
    if (draft.pending) draft.pending.redeemed = true;
    if (jti) this.c.s.sentJtis.add(jti);
    if (sentJwt) this.c.s.lastAssertion = sentJwt;
    // What the engine knows about this grant (the authorization, earlier uses of the refresh
    // token) joins the checks; the one diagnosis ranks them with the server's words.
    const answer = raw
      ? readAnswer({ status: raw.status, headers: raw.headers, body: raw.body })
      : undefined;
    const said = answer?.statement.said ?? 'no answer';
    const error = answer?.statement.error;
    const answeredOk =
      !!raw &&
      raw.status >= 200 &&
      raw.status < 300 &&
      typeof answer?.statement.json?.access_token === 'string';
    const sentRefresh = grant === 'refresh_token' ? get('refresh_token') : undefined;
    const specific: Finding[] = [];
    if (raw) {
      if (draft.pending)
        specific.push(
          ...codeExchangeFindings({
            pending: draft.pending,
            wasRedeemed,
            sent: params,
            ok: answeredOk,
            ...(error ? { error } : {}),
            said,
          }),
        );
      if (!answeredOk && sentRefresh) {
        const rotatedAwayAt = this.c.s.usedRefreshTokens.get(sentRefresh);
        const revokedAt = this.c.s.revokedValues.get(sentRefresh);
        specific.push(
          ...refreshFailureFindings({
            ...(error ? { error } : {}),
            said,
            ...(rotatedAwayAt ? { rotatedAwayAt } : {}),
            ...(revokedAt ? { revokedAt } : {}),
          }),
        );
      }
      if (!answeredOk) specific.push(...grantRefusalFindings(grant, error, said));
    }
    // What was compared with the authorization and found fine is no candidate cause.
    const ruledOut: CauseCode[] = [];
    if (draft.pending) {
      if (get('redirect_uri') === draft.pending.redirectUri) ruledOut.push('REDIRECT_URI_MISMATCH');
      if (
        draft.pending.codeVerifier === undefined ||
        get('code_verifier') === draft.pending.codeVerifier
      )
        ruledOut.push('PKCE_MISMATCH');
    }
    const diag = diagnose({
      endpoint: 'token',
      url,
      ruledOut,
      headers,
      params,
      authMethod: p.auth.method,
      grant,
      ...(sentAssertion ? { assertion: sentAssertion } : {}),
      findings: [...preflight, ...specific],
      ...(p.server ? { server: p.server } : {}),
      ...(discovery?.tokenEndpoint ? { discoveredTokenEndpoint: discovery.tokenEndpoint } : {}),
      localNow: now,
      ...(exchange.error && !raw ? { transportError: exchange.error } : {}),
      ...(raw && answer
        ? { response: { status: raw.status, headers: raw.headers, body: raw.body }, read: answer }
        : {}),
      vendor,
    });
    this.c.s.tokenHistory.push({
      url,
      ok: diag.ok,
      ...(p.clientId ? { clientId: p.clientId } : {}),
    });
    if (this.c.s.tokenHistory.length > 100) this.c.s.tokenHistory.shift();
    const json = diag.statement.json;
    collectResponseSecrets(json, secrets);
    const result: TokenResult = {
      grant,
      ok: diag.ok,
      exchangeId: exchange.id,
      receivedAt: new Date(this.c.ports.clock.now()).toISOString(),
      findings: diag.findings,
      ...(raw ? { status: raw.status } : {}),
      ...(json ? { body: maskTokens(json) } : {}),
      ...(diag.parsed?.prefix ? { nonJsonPrefix: diag.parsed.prefix } : {}),
    };
    const accepted =
      diag.ok && json && raw
        ? await this.c.tokenSet.acceptTokens(p, draft, json, raw, params, result)
        : false;
    if (grant === 'refresh_token' && this.c.s.tokens?.profileId === p.id) {
      const record: RefreshRecord = {
        at: result.receivedAt,
        ok: result.ok,
        automatic,
        exchangeId: result.exchangeId,
        rotated: !!result.refreshToken?.rotated,
        ...(sentRefresh ? { previousMasked: maskSecret(sentRefresh) } : {}),
        ...(result.refreshToken?.rotated && result.refreshToken.masked
          ? { newMasked: result.refreshToken.masked }
          : {}),
        findings: result.findings,
      };
      this.c.s.tokens.refreshes = [...this.c.s.tokens.refreshes, record];
    }
    if (accepted) this.c.refresh.armAutoRefresh();
    if (accepted || grant === 'refresh_token') this.c.tokenSet.emitTokens();
    return result;
  }
}
