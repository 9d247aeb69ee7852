import type { Finding } from '../../shared/diagnosis/codes.js';
import { finding, rankFindings } from '../../shared/diagnosis/index.js';
import { diagnose } from '../../shared/diagnosis/pipeline.js';
import type { Endpoint, ServerId } from '../../shared/diagnosis/dialects/types.js';
import { decodeForDisplay, looksLikeJwt, maskSecret } from '../../shared/jwt-view.js';
import type { ClientAuthPlan } from '../../shared/oauth/client-auth.js';
import type { SecretMap } from '../../shared/redact.js';
import { AppFailure } from '../../shared/result.js';
import { parseBodyTolerantly } from '../../shared/tolerant-json.js';
import type { HeaderList, TokenOpResult } from '../../shared/types.js';
import type { HttpRecorder, RawResponse, SendOptions } from './http.js';

/** Client authentication as sent to the token endpoint (placeholders in headers/params, values in fill). */
export type ClientAuth = ClientAuthPlan;

/** What one token operation needs from the engine, already resolved. */
export interface OpContext {
  http: HttpRecorder;
  /** TLS and HTTP limits of the profile. */
  sendOpts: Omit<SendOptions, 'step' | 'secrets'>;
  authMethod: string;
  clientAuth(): Promise<ClientAuth>;
  /** Local clock, seconds (for the Date header comparison). */
  nowSec: number;
  /** The server the profile names, for its error dialect. */
  server?: ServerId;
}

/** What this session knows about the token, to say why the server calls it inactive. */
export interface KnownState {
  /** ISO time the token expired (by expires_in / exp), when that is in the past. */
  expiredAt?: string;
  /** ISO time it was revoked in this session. */
  revokedAt?: string;
  /** The sub of the validated id_token of the same response (userinfo must name the same). */
  idTokenSub?: string;
}

type Which = 'access_token' | 'refresh_token';

/** An endpoint from the profile or discovery, or a clear error naming both places. */
export function needEndpoint(url: string | undefined, field: string, metadata: string): string {
  if (!url)
    throw new AppFailure(
      'INVALID_INPUT',
      `No ${metadata}: the profile has no ${field} and discovery did not find one.`,
      `Enter ${field} in the profile, or a FHIR base URL / issuer whose discovery document lists ${metadata}.`,
    );
  return url;
}

/** Masks token-like values in a response body. */
export function maskTokens(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json))
    out[k] = typeof v === 'string' && /(^|_)token$|secret/.test(k) ? maskSecret(v) : v;
  return out;
}

/** POSTs token + token_type_hint with client authentication (RFC 7662 §2.1, RFC 7009 §2.1). */
async function postToken(
  ctx: OpContext,
  url: string,
  step: string,
  token: string,
  which: Which,
  bearer?: string,
): Promise<{
  exchangeId: string;
  raw?: RawResponse;
  params: [string, string][];
  headers: HeaderList;
  error?: {
    code: 'NETWORK_ERROR' | 'TLS_UNTRUSTED' | 'TIMEOUT' | 'BODY_TOO_LARGE' | 'CANCELLED';
    message: string;
  };
}> {
  // RFC 7662 §2.1: the protected resource may authenticate with a Bearer token instead.
  const auth: ClientAuth = bearer
    ? {
        headers: [['authorization', 'Bearer {{introspection_token}}']],
        params: [],
        fill: new Map([['introspection_token', bearer]]),
      }
    : await ctx.clientAuth();
  const params: [string, string][] = [
    ['token', `{{${which}}}`],
    ['token_type_hint', which],
    ...auth.params,
  ];
  const headers: HeaderList = [
    ['content-type', 'application/x-www-form-urlencoded'],
    ['accept', 'application/json'],
    ...auth.headers,
  ];
  const fill = new Map([...auth.fill, [which, token]]);
  const fillIn = (s: string) => s.replace(/\{\{(\w+)\}\}/g, (m, n: string) => fill.get(n) ?? m);
  const sent: [string, string][] = params.map(([n, v]) => [n, fillIn(v)]);
  const secrets: SecretMap = new Map([...fill].map(([n, v]) => [v, `{{${n}}}`]));
  const { exchange, raw } = await ctx.http.send(
    {
      method: 'POST',
      url,
      headers: headers.map(([n, v]) => [n, fillIn(v)]),
      body: new URLSearchParams(sent).toString(),
    },
    { step, secrets, ...ctx.sendOpts },
  );
  return {
    exchangeId: exchange.id,
    ...(raw ? { raw } : {}),
    params: sent,
    headers: headers.map(([n, v]) => [n, fillIn(v)]),
    ...(!raw && exchange.error ? { error: exchange.error } : {}),
  };
}

/** The one diagnosis of an introspection or revocation answer (or its transport error). */
function diagnoseCall(
  ctx: OpContext,
  endpoint: Endpoint,
  url: string,
  sent: Awaited<ReturnType<typeof postToken>>,
  findings: Finding[] = [],
  authMethod = ctx.authMethod,
) {
  return diagnose({
    endpoint,
    url,
    headers: sent.headers,
    params: sent.params,
    authMethod,
    findings,
    ...(ctx.server ? { server: ctx.server } : {}),
    ...(sent.raw
      ? { response: { status: sent.raw.status, headers: sent.raw.headers, body: sent.raw.body } }
      : sent.error
        ? { transportError: sent.error }
        : {}),
  });
}

/** The result of a call the server refused (or never answered): its status, the masked body, and why. */
function refused(
  base: { op: TokenOpResult['op']; exchangeId: string },
  raw: RawResponse | undefined,
  json: Record<string, unknown> | undefined,
  findings: Finding[],
): TokenOpResult {
  return {
    ...base,
    ok: false,
    ...(raw ? { status: raw.status } : {}),
    ...(json ? { body: maskTokens(json) } : {}),
    findings,
  };
}

/** RFC 7662 introspection; `active: false` is TOKEN_EXPIRED when the session knows it expired, else TOKEN_INACTIVE. */
export async function introspect(
  ctx: OpContext,
  url: string,
  token: string,
  which: Which,
  known: KnownState,
  bearer?: string,
  step = 'Introspection',
): Promise<TokenOpResult> {
  const sent = await postToken(ctx, url, step, token, which, bearer);
  const base = { op: 'introspect' as const, exchangeId: sent.exchangeId };
  const raw = sent.raw;
  const json = raw ? parseBodyTolerantly(raw.body).json : undefined;
  if (!raw || raw.status < 200 || raw.status >= 300 || !json || typeof json.active !== 'boolean')
    return refused(
      base,
      raw,
      json,
      diagnoseCall(
        ctx,
        'introspection',
        url,
        sent,
        raw && raw.status >= 200 && raw.status < 300
          ? [
              finding(
                'TOKEN_RESPONSE_INVALID',
                `HTTP ${raw.status} without a JSON object carrying "active" (RFC 7662 §2.2).`,
                {
                  basis: 'server',
                  severity: 'error',
                  title: 'The introspection answer is not an introspection response',
                },
              ),
            ]
          : [],
        bearer ? 'bearer' : ctx.authMethod,
      ).findings,
    );
  const active = json.active === true;
  const findings: Finding[] = [];
  if (!active) {
    if (known.expiredAt && !known.revokedAt)
      findings.push(
        finding(
          'TOKEN_EXPIRED',
          `Introspection says active: false and the ${which.replace('_', ' ')} expired at ${known.expiredAt} (by its expires_in or exp).`,
          { basis: 'history' },
        ),
      );
    findings.push(
      finding(
        'TOKEN_INACTIVE',
        `Introspection says active: ${JSON.stringify(json.active)}${known.revokedAt ? `; it was revoked in this session at ${known.revokedAt}` : ''}.`,
        { basis: 'server' },
      ),
    );
  }
  // ok means "the token is active": the call itself worked whenever status is set.
  return {
    ...base,
    ok: active,
    status: raw.status,
    body: maskTokens(json),
    active,
    findings: rankFindings(findings),
  };
}

/** RFC 7009 revocation: HTTP 200 means done (also for a token the server did not know, §2.2). */
export async function revoke(
  ctx: OpContext,
  url: string,
  token: string,
  which: Which,
): Promise<TokenOpResult> {
  const sent = await postToken(ctx, url, 'Revocation', token, which);
  const base = { op: 'revoke' as const, exchangeId: sent.exchangeId };
  const raw = sent.raw;
  const json = raw ? parseBodyTolerantly(raw.body).json : undefined;
  if (!raw || raw.status !== 200)
    return refused(base, raw, json, diagnoseCall(ctx, 'revocation', url, sent).findings);
  return { ...base, ok: true, status: raw.status, ...(json ? { body: json } : {}), findings: [] };
}

/**
 * Sends a request with the access token as Bearer (masked in the timeline). Without an answer,
 * `failed` is the result to return: the transport error diagnosed.
 */
async function sendWithBearer(
  ctx: OpContext,
  method: 'GET' | 'DELETE',
  url: string,
  token: string,
  step: string,
  op: TokenOpResult['op'],
): Promise<
  | { base: { op: TokenOpResult['op']; exchangeId: string }; raw: RawResponse }
  | { raw?: undefined; failed: TokenOpResult }
> {
  const secrets: SecretMap = new Map([[token, '{{access_token}}']]);
  const { exchange, raw } = await ctx.http.send(
    {
      method,
      url,
      headers: [
        ['accept', 'application/json'],
        ['authorization', `Bearer ${token}`],
      ],
    },
    { step, secrets, ...ctx.sendOpts },
  );
  const base = { op, exchangeId: exchange.id };
  if (raw) return { base, raw };
  const findings = diagnose({
    endpoint: op === 'userinfo' ? 'userinfo' : 'resource',
    url,
    ...(exchange.error ? { transportError: exchange.error } : {}),
  }).findings;
  return { failed: { ...base, ok: false, findings } };
}

/** OIDC Core §5.3 userinfo with the access token as Bearer; a 401 is diagnosed from what the session knows. */
export async function userinfo(
  ctx: OpContext,
  url: string,
  token: string,
  known: KnownState,
): Promise<TokenOpResult> {
  const sent = await sendWithBearer(ctx, 'GET', url, token, 'Userinfo', 'userinfo');
  if (!sent.raw) return sent.failed;
  const { base, raw } = sent;
  const parsed = parseBodyTolerantly(raw.body);
  let body = parsed.json;
  // A signed userinfo response (application/jwt) is shown decoded, not verified.
  if (!body && looksLikeJwt(raw.body)) body = decodeForDisplay(raw.body).claims;
  const findings: Finding[] = [];
  if (raw.status === 401) {
    if (known.expiredAt)
      findings.push(
        finding(
          'TOKEN_EXPIRED',
          `The access token expired at ${known.expiredAt} (by its expires_in or exp).`,
          {
            basis: 'history',
          },
        ),
      );
    if (known.revokedAt)
      findings.push(
        finding(
          'TOKEN_INVALID',
          `The access token was revoked in this session at ${known.revokedAt}.`,
          {
            basis: 'history',
            title: 'The access token was revoked',
            fix: 'Get a new access token (refresh or authorize again).',
          },
        ),
      );
  } else if (raw.status === 403)
    findings.push(
      finding(
        'RESOURCE_FORBIDDEN',
        'Userinfo needs a token with the openid scope (OpenID Connect Core §5.3).',
        {
          basis: 'vendor',
          source: 'OpenID Connect Core §5.3',
          fix: 'Request the openid scope (and profile/fhirUser for those claims), then authorize again.',
        },
      ),
    );
  const ok = raw.status >= 200 && raw.status < 300 && !!body;
  const diag = diagnose({
    endpoint: 'userinfo',
    url,
    headers: [['authorization', 'Bearer {{access_token}}']],
    findings,
    ...(ctx.server ? { server: ctx.server } : {}),
    response: { status: raw.status, headers: raw.headers, body: raw.body },
  });
  // OIDC Core §5.3.2: a userinfo sub that differs from the id_token's means the answer is not used.
  const subMismatch =
    ok && known.idTokenSub !== undefined && body!.sub !== known.idTokenSub
      ? finding(
          'ID_TOKEN_INVALID',
          `userinfo sub is ${JSON.stringify(body!.sub)}; the id_token sub is ${JSON.stringify(known.idTokenSub)}.`,
          {
            title: 'userinfo sub mismatch',
            fix: 'Do not use this userinfo answer (OpenID Connect Core §5.3.2): the token belongs to another user, or the server mixed up sessions. Authorize again.',
            source: 'OpenID Connect Core §5.3.2',
          },
        )
      : undefined;
  if (subMismatch)
    return {
      ...base,
      ok: false,
      status: raw.status,
      body: maskTokens(body!),
      findings: [subMismatch],
    };
  const out =
    raw.status >= 200 && raw.status < 300 && !body
      ? [
          finding('NON_JSON_RESPONSE', `HTTP ${raw.status} from ${url} without a JSON body.`, {
            basis: 'server',
          }),
        ]
      : ok
        ? []
        : diag.findings;
  return {
    ...base,
    ok: raw.status >= 200 && raw.status < 300 && !!body,
    status: raw.status,
    ...(body ? { body: maskTokens(body) } : {}),
    findings: out,
  };
}

/**
 * RP-initiated logout URL (OpenID Connect RP-Initiated Logout 1.0 §2): id_token_hint, client_id,
 * post_logout_redirect_uri and state. id_token_hint only when the engine opens the URL itself: a
 * URL shown to the user is copied around, and the id_token in it would leak. Returns the real URL
 * and the one to show (hint replaced by the {{id_token}} placeholder).
 */
export function endSessionUrl(
  endpoint: string,
  opts: { clientId?: string; idTokenHint?: string; postLogoutRedirectUri?: string; state?: string },
): { url: string; shown: string } {
  const u = new URL(endpoint);
  if (opts.idTokenHint) u.searchParams.set('id_token_hint', opts.idTokenHint);
  if (opts.clientId) u.searchParams.set('client_id', opts.clientId);
  if (opts.postLogoutRedirectUri)
    u.searchParams.set('post_logout_redirect_uri', opts.postLogoutRedirectUri);
  if (opts.state) u.searchParams.set('state', opts.state);
  const url = u.toString();
  const shown = opts.idTokenHint
    ? url
        .replace(encodeURIComponent(opts.idTokenHint), '{{id_token}}')
        .replace(opts.idTokenHint, '{{id_token}}')
    : url;
  return { url, shown };
}

/**
 * The Session endpoint of a server with the sessionRevoke trait (Aidbox): `{base}/Session`, base
 * taken from the FHIR base (`{base}/fhir`) or the token endpoint (`{base}/auth/token`) [AB-CCG].
 */
export function sessionUrl(fhirBase?: string, tokenEndpoint?: string): string | undefined {
  const base = fhirBase
    ? fhirBase.replace(/\/+$/, '').replace(/\/fhir$/, '')
    : tokenEndpoint?.replace(/\/auth\/token\/?$/, '');
  return base ? `${base}/Session` : undefined;
}

/**
 * Revocation by the sessionRevoke trait (Aidbox, AB5 [AB-CCG]): each token has a Session resource;
 * DELETE /Session with the token as Bearer closes it. Reported as a revoke; a refused close is
 * diagnosed like one.
 */
export async function closeSession(
  ctx: OpContext,
  url: string,
  token: string,
): Promise<TokenOpResult> {
  const sent = await sendWithBearer(
    ctx,
    'DELETE',
    url,
    token,
    'Revocation (Aidbox Session)',
    'revoke',
  );
  if (!sent.raw) return sent.failed;
  const { base, raw } = sent;
  const json = parseBodyTolerantly(raw.body).json;
  const ok = raw.status >= 200 && raw.status < 300;
  const findings: Finding[] = [];
  if (raw.status === 401)
    findings.push(
      finding(
        'TOKEN_INACTIVE',
        `HTTP 401 from ${url}: Aidbox does not know this token's Session (already closed, expired, or another server's token).`,
      ),
    );
  else if (raw.status === 404 || raw.status === 405)
    findings.push(finding('ENDPOINT_NOT_FOUND', `HTTP ${raw.status} from ${url}.`));
  else if (!ok) findings.push(finding('SERVER_ERROR', `HTTP ${raw.status} from ${url}.`));
  return {
    ...base,
    ok,
    status: raw.status,
    ...(json ? { body: maskTokens(json) } : {}),
    findings,
  };
}
