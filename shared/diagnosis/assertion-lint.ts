import type { Finding } from './codes.js';
import { finding } from './catalog.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Parameters of a token request that belong in the form body. */
const TOKEN_BODY_PARAMS = new Set([
  'grant_type',
  'client_id',
  'client_secret',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'client_assertion',
  'client_assertion_type',
  'username',
  'password',
]);
/** SMART: exp SHALL be no more than 5 minutes in the future. */
export const MAX_ASSERTION_LIFETIME_SEC = 300;
/** SMART-required algs a server must validate at least one of. */
export const SMART_ALGS = ['RS384', 'ES384'];

export interface AssertionLintInput {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The URL the assertion is (or was) POSTed to. */
  tokenUrl?: string;
  clientId?: string;
  /** token_endpoint_auth_signing_alg_values_supported, or the vendor's list. */
  acceptedAlgs?: string[];
  /** kids in the JWKS the server will use, when known. */
  jwksKids?: string[];
  registeredJku?: string;
  /** kid of the key that actually signed the assertion, when known. */
  signingKeyKid?: string;
  /** Seconds since epoch at send time. */
  now: number;
  /** jti values sent earlier in this run. */
  sentJtis?: ReadonlySet<string>;
  /** client_secret_jwt: an HMAC (HS*) assertion keyed with the client secret; no kid needed. */
  hmac?: boolean;
  /**
   * A SMART server (the default): SMART's asymmetric profile requires kid, typ JWT, jti and an exp
   * at most 5 minutes ahead. Elsewhere (RFC 7523 alone) those are warnings, not errors.
   */
  smart?: boolean;
  /** Seconds of clock difference tolerated on iat (the app's clock-skew setting; default 60). */
  skewSec?: number;
}

/** Default tolerance for an iat ahead of the local clock, seconds (the app setting's default). */
export const ASSERTION_SKEW_SEC = 60;

const REQUIRED_HEADER = ['alg', 'kid', 'typ'] as const;
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'jti'] as const;

/** Pre-flight lint of a client assertion (VENDORS.md section 7, items 5–11). */
export function lintAssertion(input: AssertionLintInput): Finding[] {
  const { header, claims, now } = input;
  const out: Finding[] = [];

  const smart = input.smart !== false;
  const absent = (v: unknown) => v === undefined || v === '';
  const missingHeader = REQUIRED_HEADER.filter(
    (k) => (k !== 'kid' || !input.hmac) && absent(header[k]),
  );
  const missingClaims = REQUIRED_CLAIMS.filter((k) => absent(claims[k]));
  // RFC 7523 §3 requires iss, sub, aud and exp; SMART adds jti, kid and typ.
  const smartOnly = new Set(['header.kid', 'header.typ', 'jti']);
  const names = [...missingHeader.map((k) => `header.${k}`), ...missingClaims.map((k) => k)];
  const required = smart ? names : names.filter((n) => !smartOnly.has(n));
  const recommended = smart ? [] : names.filter((n) => smartOnly.has(n));
  if (required.length)
    out.push(finding('ASSERTION_MISSING_CLAIM', `Missing: ${required.join(', ')}.`));
  if (recommended.length)
    out.push(
      finding(
        'ASSERTION_MISSING_CLAIM',
        `Missing: ${recommended.join(', ')} (SMART requires them; RFC 7523 alone does not, but many servers refuse an assertion without a jti).`,
        {
          severity: recommended.includes('jti') ? 'warning' : 'info',
          title: 'The assertion lacks claims SMART requires',
        },
      ),
    );
  if (header.typ !== undefined && String(header.typ).toUpperCase() !== 'JWT') {
    out.push(
      finding(
        'ASSERTION_MISSING_CLAIM',
        `header.typ is "${String(header.typ)}"; SMART requires "JWT".`,
        {
          title: 'Assertion typ header is not JWT',
          ...(smart ? {} : { severity: 'warning' as const }),
        },
      ),
    );
  }

  const alg = typeof header.alg === 'string' ? header.alg : undefined;
  if (input.hmac && alg !== undefined && !/^HS(256|384|512)$/.test(alg)) {
    out.push(
      finding(
        'ASSERTION_ALG_NOT_ACCEPTED',
        `alg is ${alg}; client_secret_jwt signs with the client secret as an HMAC key (HS256, HS384 or HS512).`,
      ),
    );
  } else if (input.hmac) {
    if (alg && input.acceptedAlgs?.length && !input.acceptedAlgs.includes(alg))
      out.push(
        finding(
          'ASSERTION_ALG_NOT_ACCEPTED',
          `alg is ${alg}; the server accepts ${input.acceptedAlgs.join(', ')}.`,
        ),
      );
  } else if (alg === 'none' || (alg && alg.startsWith('HS'))) {
    out.push(
      finding(
        'ASSERTION_ALG_NOT_ACCEPTED',
        `alg is ${alg}; private_key_jwt needs an asymmetric signature (RS384 or ES384).`,
      ),
    );
  } else if (
    alg &&
    input.acceptedAlgs &&
    input.acceptedAlgs.length &&
    !input.acceptedAlgs.includes(alg)
  ) {
    out.push(
      finding(
        'ASSERTION_ALG_NOT_ACCEPTED',
        `alg is ${alg}; the server accepts ${input.acceptedAlgs.join(', ')}.`,
      ),
    );
  }

  if (
    input.registeredJku !== undefined &&
    header.jku !== undefined &&
    header.jku !== input.registeredJku
  ) {
    out.push(
      finding(
        'ASSERTION_JKU_MISMATCH',
        `header.jku is ${String(header.jku)}; registered JWKS URL is ${input.registeredJku}.`,
      ),
    );
  }

  const { iss, sub } = claims;
  if (iss !== undefined && sub !== undefined && iss !== sub) {
    out.push(
      finding('ASSERTION_ISS_SUB_MISMATCH', `iss is "${String(iss)}" but sub is "${String(sub)}".`),
    );
  } else if (input.clientId && sub !== undefined && sub !== input.clientId) {
    out.push(
      finding(
        'ASSERTION_ISS_SUB_MISMATCH',
        `sub is "${String(sub)}" but the client_id is "${input.clientId}".`,
      ),
    );
  }

  if (input.tokenUrl && claims.aud !== undefined) {
    const auds = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)];
    if (!auds.includes(input.tokenUrl)) {
      out.push(finding('ASSERTION_AUD_MISMATCH', audEvidence(auds, input.tokenUrl)));
    }
  }

  const exp = claims.exp;
  if (exp !== undefined) {
    if (typeof exp !== 'number' || !Number.isInteger(exp)) {
      out.push(
        finding(
          'ASSERTION_MISSING_CLAIM',
          `exp is ${JSON.stringify(exp)}; it must be an integer of seconds since 1970.`,
          {
            title: 'Assertion exp is not a NumericDate',
          },
        ),
      );
    } else if (exp <= now) {
      out.push(
        finding(
          'ASSERTION_EXPIRED',
          `exp ${new Date(exp * 1000).toISOString()} is ${now - exp} s in the past.`,
        ),
      );
    } else if (exp - now > MAX_ASSERTION_LIFETIME_SEC) {
      out.push(
        finding(
          'ASSERTION_EXP_TOO_FAR',
          smart
            ? `exp is ${exp - now} s ahead (${new Date(exp * 1000).toISOString()}); the maximum is ${MAX_ASSERTION_LIFETIME_SEC} s.`
            : `exp is ${exp - now} s ahead (${new Date(exp * 1000).toISOString()}); SMART allows at most ${MAX_ASSERTION_LIFETIME_SEC} s, and other servers often limit it too.`,
          smart ? {} : { severity: 'warning' },
        ),
      );
    }
  }

  // iat ahead of the clock: within the tolerance a server accepts it; beyond it, most refuse it.
  const iat = claims.iat;
  const skew = input.skewSec ?? ASSERTION_SKEW_SEC;
  if (typeof iat === 'number' && iat - now > skew) {
    out.push(
      finding(
        'CLOCK_SKEW',
        `iat ${new Date(iat * 1000).toISOString()} is ${iat - now} s in the future, beyond the ${skew} s clock-skew tolerance.`,
        {
          title: 'The assertion is issued in the future',
          fix: 'Synchronise the clock that signed the assertion (NTP), or leave iat to the app (it sets it to now).',
        },
      ),
    );
  }

  const jti = claims.jti;
  if (typeof jti === 'string' && input.sentJtis?.has(jti)) {
    out.push(
      finding('ASSERTION_JTI_REUSED', `jti "${jti}" was already sent in this run.`, {
        basis: 'history',
      }),
    );
  }

  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  if (kid && input.signingKeyKid && kid !== input.signingKeyKid && !input.jwksKids?.includes(kid)) {
    out.push(
      finding(
        'ASSERTION_KID_NOT_FOUND',
        `header.kid is "${kid}" but the assertion was signed with the key whose kid is "${input.signingKeyKid}"; the server looks up "${kid}" and will not find a matching key.`,
      ),
    );
  } else if (kid && input.jwksKids && input.jwksKids.filter((k) => k === kid).length > 1) {
    // VENDORS.md G10: with two keys under one kid the server cannot pick the key [HL7-ASYM].
    out.push(
      finding(
        'ASSERTION_KID_NOT_FOUND',
        `kid "${kid}" names ${input.jwksKids.filter((k) => k === kid).length} keys in the JWKS; the server cannot tell which one verifies the assertion.`,
        {
          title: 'Several keys in the JWKS share this kid',
          fix: 'Give every key in the JWKS its own kid (e.g. the RFC 7638 thumbprint) and sign with that kid.',
        },
      ),
    );
  } else if (kid && input.jwksKids && !input.jwksKids.includes(kid)) {
    out.push(
      finding(
        'ASSERTION_KID_NOT_FOUND',
        `kid "${kid}" is not in the JWKS (kids there: ${input.jwksKids.join(', ') || 'none'}).`,
      ),
    );
  }
  return out;
}

function audEvidence(auds: string[], tokenUrl: string): string {
  const shown = auds.length === 1 ? `"${auds[0]}"` : JSON.stringify(auds);
  const hints: string[] = [];
  for (const a of auds) {
    try {
      const x = new URL(a);
      const y = new URL(tokenUrl);
      if (x.origin !== y.origin) hints.push(`origin ${x.origin} vs ${y.origin}`);
      else if (x.pathname.replace(/\/$/, '') === y.pathname.replace(/\/$/, ''))
        hints.push('differs only by a trailing slash');
      else hints.push(`path ${x.pathname} vs ${y.pathname}`);
    } catch {
      hints.push('aud is not a URL');
    }
  }
  return `aud is ${shown}; the request goes to "${tokenUrl}" (${hints.join('; ')}).`;
}

/** Request-shape lint for a token request (VENDORS.md section 7, items 1–4). */
export function lintTokenRequest(input: {
  params: [string, string][];
  headers: [string, string][];
  authMethod: string;
  /** The grant the request is meant to use; defaults to client_credentials. */
  grant?: string;
  /** The URL the request goes to (its query should carry no token parameter). */
  url?: string;
  method?: string;
}): Finding[] {
  const out: Finding[] = [];
  // Parameters in the URL query instead of the form body (RFC 6749 §3.2: POST, form-encoded).
  let query: [string, string][];
  try {
    query = input.url ? [...new URL(input.url).searchParams] : [];
  } catch {
    query = [];
  }
  const inQuery = query.filter(
    ([n]) => TOKEN_BODY_PARAMS.has(n) && !input.params.some(([k]) => k === n),
  );
  if (inQuery.length)
    out.push(
      finding(
        'REQUEST_MALFORMED',
        `The request carries ${inQuery.map(([n]) => n).join(', ')} in the URL query, not in the form body.`,
        {
          title: 'Token request parameters in the URL',
          fix: 'POST the parameters form-encoded in the body (Content-Type: application/x-www-form-urlencoded); servers read them only there.',
          source: 'RFC 6749 §3.2, §4.1.3',
        },
      ),
    );
  if (input.method && input.method.toUpperCase() !== 'POST')
    out.push(
      finding(
        'REQUEST_MALFORMED',
        `The token request is a ${input.method.toUpperCase()}, not a POST.`,
        {
          title: 'The token endpoint takes POST only',
          fix: 'Send the token request as an HTTP POST with a form-encoded body.',
          source: 'RFC 6749 §3.2',
        },
      ),
    );
  const get = (k: string) => input.params.find(([n]) => n === k)?.[1];
  const auth = input.headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1];
  const grant = get('grant_type');
  const expected = input.grant ?? 'client_credentials';
  const grantFix = expected === 'client_credentials' ? {} : { fix: `Send grant_type=${expected}.` };
  // A grant_type sent in the URL query is named by the query finding above, not as missing.
  if (!grant) {
    if (!inQuery.some(([n]) => n === 'grant_type'))
      out.push(finding('GRANT_TYPE_INVALID', 'The body has no grant_type.', grantFix));
  } else if (grant === JWT_BEARER_GRANT && expected === 'client_credentials')
    out.push(
      finding(
        'GRANT_TYPE_INVALID',
        `grant_type is the JWT authorization grant URN (${JWT_BEARER_GRANT}); SMART backend services use client_credentials with a client assertion.`,
      ),
    );
  else if (grant !== expected)
    out.push(
      finding('GRANT_TYPE_INVALID', `grant_type is "${grant}", expected "${expected}".`, grantFix),
    );

  const cat = get('client_assertion_type');
  const assertion = get('client_assertion');
  if (auth && /^bearer\s+eyJ/i.test(auth)) {
    out.push(
      finding(
        'ASSERTION_IN_AUTH_HEADER',
        'Authorization: Bearer <JWT> was sent with the token request.',
      ),
    );
  }
  // client_secret_jwt sends its (HMAC) assertion the same way as private_key_jwt (RFC 7523 §2.2).
  const jwtAuth =
    input.authMethod === 'private_key_jwt' || input.authMethod === 'client_secret_jwt';
  if (jwtAuth) {
    if (cat === undefined)
      out.push(finding('ASSERTION_TYPE_INVALID', 'The body has no client_assertion_type.'));
    else if (cat !== CLIENT_ASSERTION_TYPE)
      out.push(
        finding(
          'ASSERTION_TYPE_INVALID',
          `client_assertion_type is "${cat}", expected "${CLIENT_ASSERTION_TYPE}".`,
        ),
      );
    if (assertion === undefined && !(auth && /^bearer\s+eyJ/i.test(auth)))
      out.push(
        finding('ASSERTION_MISSING_CLAIM', 'The body has no client_assertion.', {
          title: 'No client assertion sent',
        }),
      );
  }
  const methods: string[] = [];
  if (auth && /^basic\s/i.test(auth)) methods.push('client_secret_basic');
  if (get('client_secret') !== undefined) methods.push('client_secret_post');
  if (assertion !== undefined) methods.push(jwtAuth ? input.authMethod : 'private_key_jwt');
  if (methods.length > 1)
    out.push(
      finding(
        'AUTH_METHOD_MISMATCH',
        `More than one client authentication method was sent: ${methods.join(' + ')}.`,
      ),
    );
  else if (methods.length === 1 && methods[0] !== input.authMethod && input.authMethod !== 'none')
    out.push(
      finding(
        'AUTH_METHOD_MISMATCH',
        `The profile uses ${input.authMethod} but the request authenticates with ${methods[0]}.`,
      ),
    );
  // RFC 6749 §4.1.3: the code exchange repeats redirect_uri when the authorize request had one
  // (every client here sends one), and a public client names itself with client_id.
  if (grant === 'authorization_code' && get('redirect_uri') === undefined)
    out.push(
      finding('REQUEST_MALFORMED', 'The code exchange has no redirect_uri.', {
        severity: 'warning',
        title: 'redirect_uri missing from the code exchange',
        fix: 'Send redirect_uri, byte for byte the value of the authorize request (RFC 6749 §4.1.3).',
        source: 'RFC 6749 §4.1.3',
      }),
    );
  if (methods.length === 0 && !auth && get('client_id') === undefined)
    out.push(
      finding(
        'REQUEST_MALFORMED',
        'The request names no client: no client_id, no client authentication.',
        {
          severity: 'warning',
          title: 'No client_id and no client authentication',
          fix: 'Authenticate the client (Basic, client_secret_post or an assertion) or, for a public client, send client_id.',
          source: 'RFC 6749 §3.2.1',
        },
      ),
    );
  const scope = get('scope');
  if (scope) {
    const bad = scope.split(/\s+/).filter((s) => /^(patient|user)\//.test(s));
    if (bad.length && grant === 'client_credentials')
      out.push(
        finding(
          'SCOPE_INVALID_FOR_GRANT',
          `client_credentials requested ${bad.join(' ')}; backend services use system/ scopes.`,
        ),
      );
    const syntax = scope
      .split(/\s+/)
      .filter((s) => /^(patient|user|system)\//.test(s) && !isSmartScope(s));
    if (syntax.length)
      out.push(finding('SCOPE_SYNTAX', `Not valid SMART scope syntax: ${syntax.join(' ')}.`));
  }
  return out;
}

/** SMART v1 (.read/.write/.*) or v2 (.cruds subset in order, optional ?query) scope. */
export function isSmartScope(scope: string): boolean {
  const m = /^(patient|user|system)\/([A-Za-z]+|\*)\.([^?]+)(\?.*)?$/.exec(scope);
  if (!m) return false;
  const perm = m[3]!;
  if (perm === 'read' || perm === 'write' || perm === '*') return m[4] === undefined;
  if (perm.startsWith('$')) return true;
  return /^c?r?u?d?s?$/.test(perm) && perm.length > 0;
}
