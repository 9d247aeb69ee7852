import type { Finding } from './codes.js';
import { finding } from './catalog.js';
import { quote, SPEC_QUOTES } from './spec-quotes.js';
import { diffScopes } from '../scopes.js';
import type { HeaderList, ScopeDiff } from '../types.js';
import { parseBodyTolerantly, type ParsedBody } from '../tolerant-json.js';
import {
  presetFor,
  responseContext,
  vendorFindings,
  type DiagnosisContext,
} from './vendor-rules.js';
import { headerValue } from '../headers.js';

/** What the vendor rules need beyond the request and response (shared/vendors/). */
export type VendorAttempt = Pick<DiagnosisContext, 'profile' | 'earlier'> &
  Partial<Pick<DiagnosisContext, 'assertion' | 'discovery'>> & { grant?: string };

/** Everything known about one token request when its answer is diagnosed. */
export interface TokenAttempt {
  authMethod: string;
  url: string;
  headers: HeaderList;
  params: [string, string][];
  /** Findings of the pre-flight lint (assertion + request shape), computed at send time. */
  preflight: Finding[];
  discoveredTokenEndpoint?: string;
  /** Local clock at send time, seconds. */
  localNow: number;
  transportError?: TransportError;
  status?: number;
  responseHeaders?: HeaderList;
  body?: string;
  /** Profile vendor and what the engine knows: enables the vendor rules. */
  vendor?: VendorAttempt;
}

/** A request that got no HTTP answer. */
export interface TransportError {
  code: 'NETWORK_ERROR' | 'TLS_UNTRUSTED' | 'TIMEOUT' | 'BODY_TOO_LARGE' | 'CANCELLED';
  message: string;
}

/** Allowed difference between our clock and the server's Date header before we warn. */
export const CLOCK_SKEW_WARN_SEC = 60;

/** The diagnosis context of a token attempt, for the vendor rules (before or after sending). */
export function attemptContext(
  a: Pick<TokenAttempt, 'url' | 'headers' | 'params' | 'preflight'> &
    Partial<Pick<TokenAttempt, 'status' | 'responseHeaders' | 'body' | 'vendor'>>,
  parsed?: ParsedBody,
): DiagnosisContext | undefined {
  const v = a.vendor;
  if (!v) return undefined;
  const preset = presetFor(v.profile.vendor);
  const p = parsed ?? parseBodyTolerantly(a.body ?? '');
  return {
    ...(preset ? { preset } : {}),
    profile: v.profile,
    request: {
      url: a.url,
      headers: a.headers,
      params: a.params,
      ...(v.grant ? { grant: v.grant } : {}),
    },
    ...(a.status !== undefined
      ? {
          response: responseContext({
            status: a.status,
            headers: a.responseHeaders ?? [],
            text: a.body ?? '',
            ...(p.json ? { json: p.json } : {}),
            ...(p.prefix ? { prefix: p.prefix } : {}),
          }),
        }
      : {}),
    ...(v.assertion ? { assertion: v.assertion } : {}),
    ...(v.discovery ? { discovery: v.discovery } : {}),
    earlier: v.earlier,
    preflight: a.preflight,
  };
}

/**
 * Vendor knowledge applied before sending (request-phase rules: an alg the vendor never accepts,
 * the aud it expects, an auth method it does not take), skipping codes the lint already found.
 */
export function vendorPreflight(
  a: Pick<TokenAttempt, 'url' | 'headers' | 'params' | 'preflight'> &
    Partial<Pick<TokenAttempt, 'vendor'>>,
): Finding[] {
  const ctx = attemptContext(a);
  if (!ctx) return [];
  const have = new Set(a.preflight.filter((f) => f.severity === 'error').map((f) => f.code));
  return vendorFindings(ctx)
    .map((r) => r.finding)
    .filter((f) => !have.has(f.code));
}

/** The finding for a request that got no HTTP answer. */
export function transportFinding(e: TransportError, url: string): Finding {
  // A cancel is the user's act, not the server's: no finding may rest on the server.
  if (e.code === 'CANCELLED')
    return finding('NETWORK_ERROR', `${url}: ${e.message}`, {
      severity: 'info',
      basis: 'check',
      title: 'Cancelled: nothing is known about the server',
      fix: 'Send the request again to get the server’s answer; the cancel says nothing about the server.',
    });
  if (e.code === 'TLS_UNTRUSTED') return finding('TLS_UNTRUSTED', `${url}: ${e.message}`);
  if (e.code === 'TIMEOUT')
    return finding('NETWORK_ERROR', `${url}: no answer within the timeout (${e.message}).`, {
      title: 'The server did not answer in time',
    });
  if (e.code === 'BODY_TOO_LARGE')
    return finding('SERVER_ERROR', `${url}: ${e.message}`, {
      title: 'Response too large',
      fix: 'Check the URL: a token or metadata response is a few KB. What was read before the cap is in the timeline.',
    });
  return finding('NETWORK_ERROR', `${url}: ${e.message}`);
}

/**
 * Checks a successful token response. RFC 6749 applies to every server (no-store, no refresh token
 * for client_credentials); SMART's rules (expires_in required and 300 s recommended for backend
 * services, scope required in the answer, token_type bearer) only to SMART profiles. Each rule
 * quotes its specification as it is written (spec-quotes.ts).
 */
export function lintTokenResponse(
  body: Record<string, unknown>,
  headers: HeaderList,
  grant = 'client_credentials',
  smart = true,
): Finding[] {
  const out: Finding[] = [];
  const backend = grant === 'client_credentials';
  const q = SPEC_QUOTES;
  if (typeof body.token_type !== 'string')
    out.push(
      finding('TOKEN_RESPONSE_INVALID', 'token_type is missing (RFC 6749 §5.1 requires it).', {
        source: 'RFC 6749 §5.1',
      }),
    );
  else if (smart && body.token_type.toLowerCase() !== 'bearer')
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        `token_type is ${JSON.stringify(body.token_type)}; SMART's token response has the fixed value "bearer".`,
        { source: q.smartScope.source },
      ),
    );
  if (smart && backend && typeof body.expires_in !== 'number')
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        'expires_in is missing; SMART Backend Services lists it as required.',
        { source: q.smartExpiresIn.source },
      ),
    );
  else if (smart && backend && typeof body.expires_in === 'number' && body.expires_in > 300)
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        `expires_in is ${body.expires_in} s. SMART Backend Services on expires_in: ${quote('smartExpiresIn')}`,
        {
          severity: 'info',
          source: q.smartExpiresIn.source,
          fix: 'Nothing to fix on the client: renew the token from expires_in of each answer.',
        },
      ),
    );
  if (smart && typeof body.scope !== 'string')
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        `scope is missing from the token response; SMART lists it as required: ${quote('smartScope')}`,
        { severity: 'info', source: q.smartScope.source },
      ),
    );
  if (body.refresh_token && backend)
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        `A refresh_token was issued for client_credentials. RFC 6749 §4.4.3: ${quote('rfcNoRefreshForClientCredentials')}`,
        {
          severity: 'info',
          source: q.rfcNoRefreshForClientCredentials.source,
          fix: 'Nothing to fix on the client: get a new token with client_credentials when it expires.',
        },
      ),
    );
  const cc = headerValue(headers, 'cache-control');
  if (!cc || !/no-store/i.test(cc))
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        `Cache-Control is ${cc ? `"${cc}"` : 'missing'}. RFC 6749 §5.1 requires the header ${quote('rfcNoStore')}.`,
        { severity: 'info', source: q.rfcNoStore.source },
      ),
    );
  return out;
}

/**
 * Requested vs granted scope, compared by meaning (diffScopes in scopes.ts): missing lists what was
 * not granted in full (not at all, or narrowed); a v1 scope granted in its v2 form is not missing.
 */
export function scopeDiff(requested: string, granted: string | undefined): ScopeDiff {
  const d = diffScopes(requested, granted);
  const short = new Set([...d.missing, ...d.narrowed.map((n) => n.requested)]);
  return {
    requested: d.requested,
    granted: d.granted,
    missing: [...new Set(d.requested)].filter((s) => short.has(s)),
    extra: d.extra,
  };
}

/** Scopes that ask for a refresh token rather than for access (SMART App Launch 2, OIDC Core §11). */
const REFRESH_SCOPES = ['offline_access', 'online_access'];

const REFRESH_SCOPE_SOURCE =
  'SMART App Launch 2.2, Scopes and Launch Context: scopes for requesting a refresh token (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#scopes-for-requesting-a-refresh-token); OpenID Connect Core 1.0 §11 Offline Access (https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess)';

/** The refresh-token scopes asked for and left out of the granted scope although a refresh token came. */
function impliedByRefresh(diff: ScopeDiff, refreshIssued: boolean): string[] {
  return refreshIssued ? diff.missing.filter((s) => REFRESH_SCOPES.includes(s)) : [];
}

/**
 * The scope comparison as shown: offline_access (or online_access) asked for, not echoed in the
 * granted scope, but a refresh token issued is granted (the refresh token is what it asks for),
 * so it is not listed as missing; grantedScopeFindings explains it.
 */
export function settleRefreshScopes(diff: ScopeDiff, refreshIssued: boolean): ScopeDiff {
  const implied = impliedByRefresh(diff, refreshIssued);
  return implied.length
    ? { ...diff, missing: diff.missing.filter((s) => !implied.includes(s)) }
    : diff;
}

/**
 * What the granted scope says next to the requested one: SCOPE_NARROWED for what was asked and not
 * granted. Some servers (oidc-provider without prompt=consent) issue a refresh token but leave
 * offline_access out of the granted scope: that is offline access granted, not narrowed, and is
 * said as an info note resting on the server's answer (it issued the refresh token).
 * Shared by the engine (a token response it received) and the Inspector (one in a HAR).
 */
export function grantedScopeFindings(
  diff: ScopeDiff,
  granted: string | undefined,
  refreshIssued: boolean,
): Finding[] {
  const silentOffline = impliedByRefresh(diff, refreshIssued);
  const narrowed = diff.missing.filter((s) => !silentOffline.includes(s));
  const out: Finding[] = [];
  if (narrowed.length)
    out.push(
      finding(
        'SCOPE_NARROWED',
        `Requested ${narrowed.join(' ')} but it was not granted (granted: ${granted ?? '(none)'}).`,
      ),
    );
  if (silentOffline.length) {
    const names = silentOffline.join(' ');
    const what = silentOffline
      .map((s) =>
        s === 'offline_access'
          ? 'offline_access asks for a refresh token that keeps working after the user is no longer online (SMART App Launch 2; OpenID Connect Core §11)'
          : 'online_access asks for a refresh token usable while the user stays online (SMART App Launch 2)',
      )
      .join('; ');
    out.push(
      finding(
        'SCOPE_NARROWED',
        `Asked for ${names}; the server issued a refresh token, and its granted scope (${granted === undefined ? 'not in the response' : `"${granted}"`}) does not list ${names}. The refresh token is what ${names} asks for: ${what}. So it was granted, not left out.`,
        {
          severity: 'info',
          basis: 'server',
          title: `${names} granted as the refresh token (not echoed in the scope)`,
          fix: 'Nothing to fix: the refresh token shows the access was granted. A server that follows RFC 6749 §5.1 would list it in scope.',
          source: REFRESH_SCOPE_SOURCE,
        },
      ),
    );
  }
  return out;
}
