import type { Finding } from './diagnosis-codes.js';
import { finding, rankFindings } from './findings.js';
import { diffScopes } from './scopes.js';
import type { HeaderList, ScopeDiff } from './types.js';
import { parseBodyTolerantly, snippet, type ParsedBody } from './tolerant-json.js';
import {
  GENERIC_LIKELIHOOD,
  LOCAL_LIKELIHOOD,
  STRONG_LIKELIHOOD,
  presetFor,
  responseContext,
  vendorFindings,
  type DiagnosisContext,
  type RankedFinding,
} from './vendor-rules.js';

/** What the vendor rules need beyond the request and response (shared/vendor-rules.ts). */
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
  transportError?: {
    code: 'NETWORK_ERROR' | 'TLS_UNTRUSTED' | 'TIMEOUT' | 'BODY_TOO_LARGE';
    message: string;
  };
  status?: number;
  responseHeaders?: HeaderList;
  body?: string;
  /** Profile vendor and what the engine knows: enables the vendor rules. */
  vendor?: VendorAttempt;
}

export interface Diagnosis {
  findings: Finding[];
  parsed: ParsedBody;
  ok: boolean;
  /** How many leading findings come from vendor rules whose likelihood is STRONG_LIKELIHOOD+. */
  strong?: number;
}

const header = (h: HeaderList | undefined, name: string) =>
  h?.find(([n]) => n.toLowerCase() === name)?.[1];
const grantOf = (a: TokenAttempt) => a.params.find(([n]) => n === 'grant_type')?.[1];

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

/**
 * Ranks the likely causes of a token endpoint answer (VENDORS.md section 6 and 7): the generic
 * rules, merged with the vendor rules by likelihood when the profile names a vendor.
 */
export function diagnoseTokenResponse(a: TokenAttempt): Diagnosis {
  const generic = diagnoseGeneric(a);
  if (a.transportError || a.status === undefined) return generic;
  if (generic.ok) {
    // Vendor notes on a successful answer (token lifetimes, opaque tokens): info or warning only.
    const ctx = attemptContext(a, generic.parsed);
    const notes = ctx ? vendorFindings({ ...ctx, succeeded: true }).map((r) => r.finding) : [];
    if (!notes.length) return generic;
    const codes = new Set(notes.map((f) => f.code));
    return {
      ...generic,
      findings: rankFindings([...notes, ...generic.findings.filter((f) => !codes.has(f.code))]),
    };
  }
  const ctx = attemptContext(a, generic.parsed);
  const vendor = ctx ? vendorFindings(ctx) : [];
  if (!vendor.length) return generic;
  const codes = new Set(vendor.map((v) => v.finding.code));
  const local = new Set(a.preflight.filter((f) => f.severity === 'error').map((f) => f.code));
  const rest: RankedFinding[] = generic.findings
    .filter((f) => !codes.has(f.code))
    .map((f) => ({
      finding: f,
      ruleId: 'generic',
      likelihood:
        f.severity === 'error' && local.has(f.code) ? LOCAL_LIKELIHOOD : GENERIC_LIKELIHOOD,
    }));
  const merged = [...vendor, ...rest]
    .map((r, i) => ({ r, i }))
    .sort((x, y) => y.r.likelihood - x.r.likelihood || x.i - y.i)
    .map(({ r }) => r);
  const findings = rankFindings(merged.map((r) => r.finding));
  let strong = 0;
  while (
    strong < merged.length &&
    merged[strong]!.ruleId !== 'generic' &&
    merged[strong]!.likelihood >= STRONG_LIKELIHOOD &&
    findings[strong] === merged[strong]!.finding
  )
    strong++;
  return { ...generic, findings, strong };
}

/** The generic rules (no vendor knowledge). */
function diagnoseGeneric(a: TokenAttempt): Diagnosis {
  const out: Finding[] = [];
  const parsed = parseBodyTolerantly(a.body ?? '');
  if (a.transportError) {
    out.push(transportFinding(a.transportError, a.url));
    return { findings: rankFindings(out), parsed, ok: false };
  }
  const status = a.status ?? 0;
  const body = parsed.json ?? {};
  const error = typeof body.error === 'string' ? body.error : undefined;
  const description = typeof body.error_description === 'string' ? body.error_description : '';
  const errorUri = typeof body.error_uri === 'string' ? body.error_uri : '';
  const said = [error, description, errorUri].filter(Boolean).join(' — ') || `HTTP ${status}`;
  const ok = status >= 200 && status < 300 && typeof body.access_token === 'string';

  if (parsed.kind === 'json-with-prefix') {
    out.push(
      finding(
        'NON_JSON_RESPONSE',
        `The JSON is preceded by ${parsed.prefix!.length} characters of other output: "${snippet(parsed.prefix!, 120)}".`,
        {
          severity: ok ? 'warning' : 'error',
          title: 'Text before the JSON (e.g. a PHP notice)',
          fix: 'The server printed diagnostics into the response (PHP display_errors on). The JSON after it was read; ask the operators to turn display_errors off.',
        },
      ),
    );
  } else if (parsed.kind !== 'json') {
    const what =
      parsed.kind === 'empty'
        ? 'an empty body'
        : parsed.kind === 'html'
          ? 'an HTML page'
          : 'plain text';
    out.push(
      finding(
        'NON_JSON_RESPONSE',
        `HTTP ${status} with ${what}${parsed.kind === 'empty' ? '' : `: "${snippet(a.body ?? '')}"`} (Content-Type: ${header(a.responseHeaders, 'content-type') ?? 'none'}).`,
      ),
    );
  }

  // Clock skew is ranked after the definite mistakes found in the request itself.
  const late: Finding[] = [];
  const date = header(a.responseHeaders, 'date');
  if (date) {
    const serverSec = Date.parse(date) / 1000;
    if (Number.isFinite(serverSec) && Math.abs(serverSec - a.localNow) > CLOCK_SKEW_WARN_SEC) {
      const d = Math.round(a.localNow - serverSec);
      late.push(
        finding(
          'CLOCK_SKEW',
          `Local clock is ${Math.abs(d)} s ${d > 0 ? 'ahead of' : 'behind'} the server (Date: ${date}).`,
          { severity: ok ? 'warning' : 'error' },
        ),
      );
    }
  }

  if (a.discoveredTokenEndpoint && a.url !== a.discoveredTokenEndpoint) {
    out.push(
      finding(
        'WRONG_TOKEN_ENDPOINT',
        `Sent to ${a.url}; discovery advertises ${a.discoveredTokenEndpoint}.`,
        { severity: ok ? 'info' : 'warning' },
      ),
    );
  }

  if (ok) {
    out.push(...late);
    out.push(...a.preflight.filter((f) => f.severity !== 'error').map((f) => ({ ...f })));
    out.push(
      ...a.preflight
        .filter((f) => f.severity === 'error')
        .map((f) => ({
          ...f,
          severity: 'warning' as const,
          title: `${f.title} (accepted by this server anyway)`,
        })),
    );
    return { findings: rankFindings(out), parsed, ok };
  }

  if (status >= 300 && status < 400) {
    const location = header(a.responseHeaders, 'location');
    out.unshift(
      finding(
        'WRONG_TOKEN_ENDPOINT',
        `HTTP ${status} redirect to ${location ?? '(no Location)'}; redirects are not followed, so credentials never go to a second host.`,
        {
          severity: 'error',
          title: 'The token endpoint redirected',
          fix: 'Use the final URL as the token endpoint (and as the assertion aud) if you trust it; check http vs https and the host name.',
        },
      ),
    );
  } else if (status === 404 || status === 405) {
    out.unshift(
      finding(
        'ENDPOINT_NOT_FOUND',
        `HTTP ${status} from ${a.url}${snippet(a.body ?? '') ? `: "${snippet(a.body ?? '', 100)}"` : ''}.`,
      ),
    );
  } else if (status >= 500 || error === 'server_error' || error === 'temporarily_unavailable') {
    out.unshift(finding('SERVER_ERROR', `HTTP ${status}: ${said}.`));
  }

  const errors = a.preflight.filter((f) => f.severity === 'error');
  const requestShape = errors.filter((f) =>
    [
      'ASSERTION_IN_AUTH_HEADER',
      'ASSERTION_TYPE_INVALID',
      'GRANT_TYPE_INVALID',
      'AUTH_METHOD_MISMATCH',
    ].includes(f.code),
  );
  const rest = errors.filter((f) => !requestShape.includes(f));
  const withServer = (f: Finding): Finding => ({
    ...f,
    evidence: `${f.evidence} Server answered: ${said}.`,
  });

  if (
    error === 'unsupported_grant_type' ||
    error === 'invalid_request' ||
    error === 'invalid_client' ||
    error === 'unauthorized_client' ||
    status === 400 ||
    status === 401
  ) {
    out.push(...requestShape.map(withServer));
  }
  if (error === 'invalid_client' || (status === 401 && !error)) {
    out.push(...rest.map(withServer));
    if (!rest.length && !requestShape.length) {
      // Nothing wrong in the request itself: a clock difference is then the likeliest cause.
      out.push(...late.splice(0));
      if (a.authMethod === 'private_key_jwt') {
        out.push(
          finding(
            'ASSERTION_SIGNATURE_INVALID',
            `The server answered ${said} and the assertion passed every local check, so the key is the likely cause: the public key registered for this client (JWKS or JWKS URL) does not hold this kid, or holds a different key.`,
            {
              severity: 'error',
              title: 'Server could not verify the assertion with the registered key',
            },
          ),
          finding(
            'CLIENT_UNKNOWN',
            `The server answered ${said}; a wrong client_id or environment gives the same answer.`,
            {
              severity: 'warning',
            },
          ),
        );
      } else if (
        a.authMethod === 'client_secret_basic' ||
        a.authMethod === 'client_secret_post' ||
        a.authMethod === 'client_secret_jwt'
      ) {
        out.push(
          finding('CLIENT_SECRET_INVALID', `The server answered ${said} to ${a.authMethod}.`),
          finding(
            'CLIENT_UNKNOWN',
            `The server answered ${said}; a wrong client_id gives the same answer.`,
            { severity: 'warning' },
          ),
          finding(
            'AUTH_METHOD_MISMATCH',
            `The request used ${a.authMethod}; the client may be registered for another method.`,
            { severity: 'warning' },
          ),
        );
      } else {
        out.push(
          finding(
            'AUTH_METHOD_MISMATCH',
            grantOf(a) === 'client_credentials'
              ? `The server answered ${said} to a request without client authentication (none); client_credentials needs a confidential client.`
              : `The server answered ${said} to a request without client authentication (none): the client is registered as confidential (it needs a secret or key) or is not registered as a public client.`,
          ),
          finding('CLIENT_UNKNOWN', `The server answered ${said}.`, { severity: 'warning' }),
        );
      }
    }
  } else if (error === 'invalid_scope') {
    const forGrant = a.preflight.filter(
      (f) => f.code === 'SCOPE_INVALID_FOR_GRANT' || f.code === 'SCOPE_SYNTAX',
    );
    out.push(...forGrant.map(withServer));
    out.push(
      finding(
        'SCOPE_NOT_ALLOWED',
        `The server answered ${said} for scope "${a.params.find(([k]) => k === 'scope')?.[1] ?? ''}".`,
      ),
    );
  } else if (error === 'unauthorized_client') {
    out.push(finding('GRANT_NOT_ALLOWED', `The server answered ${said}.`));
  } else if (error === 'unsupported_grant_type') {
    out.push(finding('GRANT_TYPE_INVALID', `The server answered ${said}.`));
  } else if (error === 'invalid_request') {
    out.push(...rest.map(withServer));
  } else if (error === 'invalid_grant') {
    out.push(...rest.map(withServer));
  }
  if (!out.length && status >= 200 && status < 300) {
    out.push(
      finding('TOKEN_RESPONSE_INVALID', 'HTTP 2xx but no access_token in the response.', {
        severity: 'error',
      }),
    );
  }
  if (!out.some((f) => f.severity === 'error')) {
    out.push(...errors.map(withServer));
  }
  out.push(...late);
  out.push(...a.preflight.filter((f) => f.severity !== 'error'));
  return { findings: rankFindings(out), parsed, ok };
}

/** The finding for a request that got no HTTP answer. */
export function transportFinding(
  e: { code: 'NETWORK_ERROR' | 'TLS_UNTRUSTED' | 'TIMEOUT' | 'BODY_TOO_LARGE'; message: string },
  url: string,
): Finding {
  if (e.code === 'TLS_UNTRUSTED') return finding('TLS_UNTRUSTED', `${url}: ${e.message}`);
  if (e.code === 'TIMEOUT')
    return finding('NETWORK_ERROR', `${url}: no answer within the timeout (${e.message}).`, {
      title: 'The server did not answer in time',
    });
  if (e.code === 'BODY_TOO_LARGE')
    return finding('SERVER_ERROR', `${url}: ${e.message}`, {
      title: 'Response too large',
      fix: 'Check the URL: a token or metadata response is a few KB.',
    });
  return finding('NETWORK_ERROR', `${url}: ${e.message}`);
}

/**
 * Checks a successful token response (VENDORS.md 1.5, 7.13). The backend-services rules (expires_in
 * required and ≤ 300 s, no refresh token) apply to client_credentials only.
 */
export function lintTokenResponse(
  body: Record<string, unknown>,
  headers: HeaderList,
  grant = 'client_credentials',
): Finding[] {
  const out: Finding[] = [];
  const backend = grant === 'client_credentials';
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer')
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        `token_type is ${JSON.stringify(body.token_type)}; expected "bearer".`,
      ),
    );
  if (typeof body.expires_in !== 'number' && backend)
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        'expires_in is missing; SMART backend services require it.',
      ),
    );
  else if (typeof body.expires_in === 'number' && body.expires_in > 300 && backend)
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        `expires_in is ${body.expires_in} s; SMART says it SHOULD NOT exceed 300.`,
        { severity: 'info' },
      ),
    );
  if (typeof body.scope !== 'string')
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        'scope is missing from the token response; SMART requires the granted scope.',
        { severity: 'info' },
      ),
    );
  if (body.refresh_token && backend)
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        'A refresh_token was issued to a backend service; SMART says it SHOULD NOT be.',
        { severity: 'info' },
      ),
    );
  const cc = header(headers, 'cache-control');
  if (!cc || !/no-store/i.test(cc))
    out.push(
      finding(
        'TOKEN_RESPONSE_INVALID',
        `Cache-Control is ${cc ? `"${cc}"` : 'missing'}; token responses must carry no-store.`,
        { severity: 'info' },
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

/** What the server said, in one line: "invalid_grant — grant request is invalid". */
export function serverSaid(json: Record<string, unknown> | undefined, status?: number): string {
  const parts = [json?.error, json?.error_description].filter(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  return parts.join(' — ') || (status !== undefined ? `HTTP ${status}` : 'no answer');
}
