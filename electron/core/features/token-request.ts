import { randomUUID } from 'node:crypto';
import type { DebuggerApi } from '../../../shared/api/contract.js';
import { lintAssertion, lintTokenRequest } from '../../../shared/diagnosis/assertion-lint.js';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import { diagnose } from '../../../shared/diagnosis/pipeline.js';
import { readAnswer } from '../../../shared/diagnosis/statement.js';
import { vendorPreflight, type VendorAttempt } from '../../../shared/diagnosis/token-response.js';
import { rankFindings } from '../../../shared/diagnosis/index.js';
import { decodeForDisplay, looksLikeJwt, maskSecret } from '../../../shared/jwt-view.js';
import { getPreset } from '../../../shared/presets.js';
import { collectResponseSecrets, type SecretMap } from '../../../shared/redact.js';
import { clientAuthPlan } from '../../../shared/oauth/client-auth.js';
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
import { grantRefusalFindings } from '../../../shared/diagnosis/grant.js';
import { defaultGrant, grantHandler } from '../grants/index.js';
import { maskTokens, type ClientAuth } from '../token-ops.js';
import { StoredProfile, PendingCode, Draft, KeyContext, guard } from '../model.js';
import type { Core } from '../core.js';
import {
  assertBreakApplies,
  breakParams,
  broken,
  draftBreak,
  judge,
  markDraft,
  pendingBreak,
  rememberJti,
} from './break-it.js';
import type { BreakName, SentAssertion, TokenRequestCheck } from '../../../shared/types.js';
import { finding } from '../../../shared/diagnosis/catalog.js';

/** The grant's own notes of a draft (made when it was prepared), shown again by each re-check. */
const draftNotes = new WeakMap<Draft, Finding[]>();

/** The pre-flight note of a pinned assertion: a server keeps each jti once (RFC 7523 §3 item 7). */
function pinnedNote(jti: unknown, sent: boolean): Finding {
  return finding(
    'ASSERTION_JTI_REUSED',
    `The assertion is pinned: every Send re-sends jti "${String(jti)}" with the same iat and exp.`,
    {
      severity: 'warning',
      basis: 'check',
      title: sent
        ? 'Pinned assertion: the server will refuse this reused jti'
        : 'Pinned assertion: after the first Send, the server will refuse the reused jti',
      fix: 'Unpin the assertion to sign a fresh one (new jti, iat, exp) on every Send; keep it pinned only to test how the server handles a replay.',
      source: 'RFC 7523 §3 item 7',
    },
  );
}

/** Token requests: the draft (client authentication, grant parameters), sending it, and its diagnosis. */
export class TokenRequests {
  constructor(private readonly c: Core) {}

  prepareTokenRequest(input: Parameters<DebuggerApi['prepareTokenRequest']>[0]) {
    return guard(async (): Promise<TokenRequestDraft> => {
      const p = this.c.profiles.mustProfile(input.profileId);
      const grant = input.grant ?? defaultGrant(p);
      if (input.break) assertBreakApplies(input.break, p, 'token', grant);
      const prepared = await this.prepareDraft(p, grant, {
        ...(input.overrides ? { overrides: input.overrides } : {}),
        ...(input.break ? { break: input.break } : {}),
      });
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
    brk?: BreakName,
  ): Promise<
    ClientAuth & {
      assertion?: AssertionView;
      signing?: Draft['signing'];
      jwt?: string;
      brokeWhat?: string;
    }
  > {
    const { method } = p.auth;
    const clientId = p.clientId;
    if (method === 'private_key_jwt' || method === 'client_secret_jwt') {
      const aud = tokenUrl ?? (await this.c.discovery.tokenEndpointFor(p)).url;
      const made = await this.c.assertions.makeAssertion(p, aud, discovery, overrides, brk);
      return {
        ...clientAuthPlan({
          method,
          clientId,
          assertion: made.jwt,
          sendClientId: !!p.auth.sendClientId,
        }),
        assertion: made.view,
        jwt: made.jwt,
        ...(made.brokeWhat ? { brokeWhat: made.brokeWhat } : {}),
        ...(made.signingKeyKid
          ? { signing: { kid: made.signingKeyKid, keyContext: made.keyContext } }
          : {}),
      };
    }
    if (method === 'none') return clientAuthPlan({ method, clientId });
    return clientAuthPlan({ method, clientId, secret: await this.needClientSecret(p) });
  }

  /** Builds and keeps a token request for a grant; secret values stay in the draft's fill map. */
  async prepareDraft(
    p: StoredProfile,
    grant: GrantType,
    opts: {
      overrides?: AssertionOverrides;
      refreshToken?: string;
      deviceCode?: string;
      break?: BreakName;
    } = {},
  ): Promise<{ view: TokenRequestDraft; draft: Draft }> {
    const { url, discovery } = await this.c.discovery.tokenEndpointFor(p);
    const own = await grantHandler(grant).params({
      c: this.c,
      p,
      ...(opts.refreshToken ? { refreshToken: opts.refreshToken } : {}),
      ...(opts.deviceCode ? { deviceCode: opts.deviceCode } : {}),
    });
    const params: [string, string][] = [['grant_type', grant], ...own.params];
    const fill = new Map(own.fill);
    const notes: Finding[] = [...own.notes];
    const pending: PendingCode | undefined = own.pending;
    // Break-it mode: asked for here, or carried by the code of a broken authorization.
    const brk = opts.break ?? pendingBreak(pending);
    const brokeParams = brk
      ? breakParams(brk, grant, params, fill, discovery?.scopesSupported)
      : undefined;
    const auth = await this.clientAuth(p, url, discovery, opts.overrides, brk);
    for (const [k, v] of auth.fill) fill.set(k, v);
    params.push(...auth.params);
    const brokeWhat = brokeParams ?? auth.brokeWhat;
    if (brk && !brokeWhat)
      throw new AppFailure(
        'INVALID_INPUT',
        `Break "${brk}" found nothing to change in this request.`,
        'Choose a break listed for this request.',
      );
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
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
    };
    this.c.s.drafts.set(draft.id, draft);
    draftNotes.set(draft, notes);
    if (brk && brokeWhat) markDraft(draft, broken(brk, brokeWhat));
    // The same checks as on Send, of the request as it would go out now.
    const fillIn = (v: string) =>
      v.replace(/\{\{(\w+)\}\}/g, (m, name: string) => fill.get(name) ?? m);
    const checked = await this.checkRequest(p, draft, {
      url,
      headers: headers.map(([n, v]) => [n, fillIn(v)]),
      params: params.map(([n, v]) => [n, fillIn(v)]),
    });
    const preflight = rankFindings([...notes, ...checked.preflight]);
    return {
      draft,
      view: {
        id: draft.id,
        ...(draftBreak(draft) ? { broken: draftBreak(draft)! } : {}),
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
      const draft = this.mustDraft(input.draftId);
      const p = this.c.profiles.mustProfile(draft.profileId);
      draft.pinned = !!input.pinAssertion;
      // Every Send signs a fresh assertion (new jti, iat, exp): a server keeps each jti once.
      const fresh = await this.freshAssertion(p, draft, draft.pinned);
      if (fresh) {
        draft.fill.set('client_assertion', fresh.jwt);
        draft.assertion = fresh.view;
      }
      return this.sendDraft(draft, input.edits, false);
    });
  }

  /**
   * The pre-flight of a draft with the user's edits, as Send would run it now: with the fresh
   * assertion Send would sign (or the pinned one). Nothing is sent and no jti is used up.
   */
  checkTokenRequest(input: Parameters<DebuggerApi['checkTokenRequest']>[0]) {
    return guard(async (): Promise<TokenRequestCheck> => {
      const draft = this.mustDraft(input.draftId);
      const p = this.c.profiles.mustProfile(draft.profileId);
      const pinned = input.pinAssertion ?? !!draft.pinned;
      const fresh = await this.freshAssertion(p, draft, pinned);
      const fill = new Map(draft.fill);
      if (fresh) fill.set('client_assertion', fresh.jwt);
      const fillIn = (v: string) =>
        v.replace(/\{\{(\w+)\}\}/g, (m, name: string) => fill.get(name) ?? m);
      const checked = await this.checkRequest(p, draft, {
        url: input.edits?.url ?? draft.url,
        headers: (input.edits?.headers ?? draft.headers).map(([n, v]) => [n, fillIn(v)]),
        params: (input.edits?.params ?? draft.params).map(([n, v]) => [n, fillIn(v)]),
      });
      const view = fresh?.view ?? draft.assertion;
      const carried = this.carriesDraftAssertion(input.edits, draft);
      const notes = [...(draftNotes.get(draft) ?? []), ...checked.preflight];
      if (pinned && view && carried)
        notes.push(pinnedNote(view.claims.jti, this.c.s.sentJtis.has(String(view.claims.jti))));
      return {
        preflight: rankFindings(notes),
        ...(view && carried ? { assertion: { view, pinned } } : {}),
      };
    });
  }

  private mustDraft(id: string): Draft {
    const draft = this.c.s.drafts.get(id);
    if (!draft)
      throw new AppFailure(
        'NOT_FOUND',
        'This prepared request is gone (the app restarted or it was already replaced).',
        'Press "Prepare request" again.',
      );
    return draft;
  }

  /** True when the request still sends the {{client_assertion}} the engine fills in. */
  private carriesDraftAssertion(edits: TokenRequestEdits | undefined, draft: Draft): boolean {
    const rows = [...(edits?.params ?? draft.params), ...(edits?.headers ?? draft.headers)];
    return rows.some(([, v]) => v.includes('{{client_assertion}}'));
  }

  /**
   * A fresh assertion for the draft (same overrides, audience and key), or undefined when the
   * draft's own is to be sent: it has none, it is pinned (as asked now, not as last sent), or
   * break-it mode made it on purpose.
   */
  private async freshAssertion(p: StoredProfile, draft: Draft, pinned: boolean | undefined) {
    if (!draft.assertion || pinned || draftBreak(draft)) return undefined;
    const discovery = this.c.s.discovery.get(p.id);
    return this.c.assertions.makeAssertion(
      p,
      draft.url,
      discovery,
      draft.overrides,
      undefined,
      draft.signing?.keyContext,
    );
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

  /**
   * The pre-flight of a token request, on prepare and again on send (the user may have edited
   * it): the request lint, the grant's own checks, the assertion as actually sent (against the
   * registered JWKS fetched when it was made) and the vendor rules.
   */
  private async checkRequest(
    p: StoredProfile,
    draft: Draft,
    sent: { url: string; headers: HeaderList; params: [string, string][] },
  ) {
    const { url, headers, params } = sent;
    const grant = draft.grant;
    const discovery = this.c.s.discovery.get(p.id);
    const get = (k: string) => params.find(([n]) => n === k)?.[1];
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
    preflight.push(...(grantHandler(grant).sendChecks?.(params) ?? []));
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
          skewSec: this.c.settings.skewSec(),
          header: d.header,
          claims: d.claims,
          tokenUrl: url,
          clientId: p.clientId,
          ...(discovery?.signingAlgs ? { acceptedAlgs: discovery.signingAlgs } : {}),
          ...keyContext.lintInput,
          now: this.c.nowSec,
          sentJtis: this.c.s.sentJtis,
          smart: this.smartProfile(p, discovery),
          ...(draft.signing ? { signingKeyKid: draft.signing.kid } : {}),
          ...(hmac ? { hmac } : {}),
        }),
      );
    }
    const vendor = this.vendorAttempt(p, grant, discovery, sentAssertion);
    preflight.push(...vendorPreflight({ url, headers, params, preflight, vendor }));
    return { preflight, sentAssertion, jti, sentJwt, vendor };
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
    const handler = grantHandler(grant);
    for (const k of [...handler.secretParams, 'client_secret', 'client_assertion']) {
      const v = get(k);
      if (v && !secrets.has(v)) secrets.set(v, `{{${k}}}`);
    }

    // Lint what is actually sent: the assertion may have been edited or moved to a header.
    const now = this.c.nowSec;
    const { preflight, sentAssertion, jti, sentJwt, vendor } = await this.checkRequest(p, draft, {
      url,
      headers,
      params,
    });
    const wasRedeemed = draft.pending?.redeemed ?? false;
    const { exchange, raw } = await this.c.http.send(
      { method: 'POST', url, headers, body },
      {
        step: handler.step,
        secrets,
        ...(p.tls ? { tls: p.tls } : {}),
        ...this.c.ports.http,
      },
    );
    if (draft.pending) draft.pending.redeemed = true;
    // A cancelled request may have reached the server: its jti counts as used.
    const cancelled = exchange.error?.code === 'CANCELLED';
    if (jti) this.c.s.sentJtis.add(jti);
    if (jti) rememberJti(this.c.s, p.id, jti);
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
      specific.push(
        ...(handler.answerFindings?.({
          c: this.c,
          draft,
          sent: params,
          ok: answeredOk,
          ...(error ? { error } : {}),
          said,
          wasRedeemed,
        }) ?? []),
      );
      if (!answeredOk) specific.push(...grantRefusalFindings(grant, error, said));
    }
    const ruledOut = handler.ruledOut?.({ draft, sent: params }) ?? [];
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
      skewSec: this.c.settings.skewSec(),
      ...(exchange.error && !raw ? { transportError: exchange.error } : {}),
      ...(raw && answer
        ? { response: { status: raw.status, headers: raw.headers, body: raw.body }, read: answer }
        : {}),
      vendor,
    });
    // A pending device poll (or a cancelled send) is no attempt the vendor rules should count.
    if (!handler.interim?.(error) && !cancelled) {
      this.c.s.tokenHistory.push({
        url,
        ok: diag.ok,
        ...(p.clientId ? { clientId: p.clientId } : {}),
      });
      if (this.c.s.tokenHistory.length > 100) this.c.s.tokenHistory.shift();
    }
    const json = diag.statement.json;
    collectResponseSecrets(json, secrets);
    const result: TokenResult = {
      grant,
      ok: diag.ok,
      exchangeId: exchange.id,
      receivedAt: new Date(this.c.ports.clock.now()).toISOString(),
      findings: diag.findings,
      ...(draftBreak(draft) ? { broken: judge(draftBreak(draft)!, diag.findings) } : {}),
      ...(raw ? { status: raw.status } : {}),
      ...(json ? { body: maskTokens(json) } : {}),
      ...(diag.parsed?.prefix ? { nonJsonPrefix: diag.parsed.prefix } : {}),
      ...(sentAssertionOf(draft, sentJwt) ? { assertion: sentAssertionOf(draft, sentJwt)! } : {}),
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

/** The draft's assertion when it is what was sent (not one the user typed in its place). */
function sentAssertionOf(draft: Draft, sentJwt: string | undefined): SentAssertion | undefined {
  if (!draft.assertion || !sentJwt || sentJwt !== draft.fill.get('client_assertion'))
    return undefined;
  return { view: draft.assertion, pinned: !!draft.pinned };
}
