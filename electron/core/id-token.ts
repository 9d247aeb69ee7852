import { createHash } from 'node:crypto';
import { base64url, compactVerify, type JSONWebKeySet } from 'jose';
import type { Finding } from '../../shared/diagnosis/codes.js';
import { finding, rankFindings } from '../../shared/diagnosis/index.js';
import { decodeForDisplay, explainClaims, maskSecret } from '../../shared/jwt-view.js';
import type { IdTokenCheck, TokenView, Verification } from '../../shared/types.js';
import { selectVerificationKey } from './keys.js';

/** Default clock-skew allowance for exp and nbf, seconds (SECURITY.md §7 item 6). */
export const ID_TOKEN_SKEW_SEC = 60;

/** What the client knows when an id_token arrives (OpenID Connect Core 3.1.3.7). */
export interface IdTokenExpectations {
  clientId: string;
  /** The issuer the id_token must name (the authorization flow's or discovery's issuer). */
  issuer?: string;
  /** The nonce sent on the authorize request (or, after a refresh, the original one). */
  nonce?: string;
  /** From a refresh response: the nonce may be absent (OIDC Core 12.2). */
  refreshed?: boolean;
  /** The access token of the same response, for at_hash. */
  accessToken?: string;
  /** The authorization code redeemed for this response, for c_hash. */
  code?: string;
  /** Clock-skew allowance for exp and nbf, seconds (default ID_TOKEN_SKEW_SEC). */
  skewSec?: number;
  /** Seconds since the epoch (the engine's clock). */
  now: number;
  /** The server's JWKS (from discovery jwks_uri); undefined when it could not be loaded. */
  jwks?: JSONWebKeySet;
  jwksUrl?: string;
}

const FIX: Record<IdTokenCheck['name'], string> = {
  signature:
    'Reject this id_token. The server signed it with a key that is not in its published JWKS (jwks_uri), or it was altered in transit; check the server key configuration and the JWKS URL.',
  iss: 'The id_token must come from the issuer the flow was started with: check the issuer in the profile and that discovery and the token endpoint belong to the same server (tenant/realm).',
  aud: 'The id_token was issued for another client: check the client_id in the profile and on the server.',
  azp: 'With several audiences the authorized party (azp) must be this client: check the client_id the server issued.',
  nonce:
    'The nonce must equal the one sent on the authorize request: the response belongs to another request (replay or a mixed-up session). Start the authorization again.',
  exp: 'The id_token is already expired: check the clocks (local and server) and get a new one.',
  iat: 'The server must set iat (issued at) in every id_token; tell the server operators.',
  nbf: 'The id_token is not valid yet (nbf): check the clocks (local and server).',
  c_hash:
    'c_hash does not match the authorization code of this exchange: the code was substituted. Reject the tokens and authorize again.',
  at_hash:
    'at_hash does not match the access token of this response: the tokens were mixed or substituted. Reject both and authorize again.',
};

/** OIDC Core 3.1.3.6: hash of the access token with the id_token's alg hash, left half, base64url. */
export function atHash(accessToken: string, alg: string): string | undefined {
  const bits = /(256|384|512)$/.exec(alg)?.[1] ?? (alg === 'EdDSA' ? '512' : undefined);
  if (!bits) return undefined;
  const digest = createHash(`sha${bits}`).update(accessToken, 'ascii').digest();
  return base64url.encode(digest.subarray(0, digest.length / 2));
}

async function checkSignature(
  jwt: string,
  alg: unknown,
  jwks: JSONWebKeySet | undefined,
  jwksUrl: string | undefined,
): Promise<{ check: IdTokenCheck; verification: Verification; skipped?: string[] }> {
  const where = jwksUrl ? ` from ${jwksUrl}` : '';
  const fail = (detail: string, status: Verification['status'] = 'failed') => ({
    check: { name: 'signature' as const, ok: false, detail },
    verification: { status, message: detail, ...(jwksUrl ? { jwksUrl } : {}) },
  });
  if (alg === 'none') return fail('alg "none": the id_token is unsigned.', 'unsigned');
  if (typeof alg === 'string' && alg.startsWith('HS'))
    return fail(`alg ${alg} (HMAC with the client secret) cannot be checked against the JWKS.`);
  if (!jwks)
    return fail('Not checked: the server JWKS (jwks_uri) could not be loaded.', 'unchecked');
  let header: { alg?: unknown; kid?: unknown } = {};
  try {
    header = decodeForDisplay(jwt).header;
  } catch {
    // idTokenView decoded it already; a failure here leaves no key to pick.
  }
  const pick = await selectVerificationKey(jwks, header);
  const skipped = pick.skipped;
  if (!pick.key) return { ...fail(`Not verified${where}: ${pick.error}`), skipped };
  try {
    await compactVerify(jwt, pick.key, { algorithms: [String(alg)] });
    const kid = pick.kid;
    const detail = `Verified with key ${kid ?? '(no kid)'}${where}.`;
    return {
      check: { name: 'signature', ok: true, detail },
      verification: {
        status: 'verified',
        message: detail,
        ...(kid ? { kid } : {}),
        ...(jwksUrl ? { jwksUrl } : {}),
      },
      skipped,
    };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return {
      ...fail(
        code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
          ? `The signature does not verify with the server key${where}.`
          : `Could not verify: ${(e as Error).message}.`,
      ),
      skipped,
    };
  }
}

/**
 * Validates an id_token (signature with jose against the server JWKS, iss, aud, azp, nonce, exp,
 * iat, at_hash) and returns it as a TokenView whose `checks` list every check; each failed check
 * is also a finding (ID_TOKEN_INVALID, or ISSUER_MISMATCH for iss).
 */
export async function idTokenView(idToken: string, x: IdTokenExpectations): Promise<TokenView> {
  const base = {
    kind: 'id_token' as const,
    masked: maskSecret(idToken),
    length: idToken.length,
  };
  let decoded: ReturnType<typeof decodeForDisplay>;
  try {
    decoded = decodeForDisplay(idToken);
  } catch (e) {
    const detail = `The id_token is not a signed JWT: ${(e as Error).message}`;
    return {
      ...base,
      format: 'opaque',
      explained: [],
      verification: { status: 'failed', message: detail },
      checks: [{ name: 'signature', ok: false, detail }],
      findings: [finding('ID_TOKEN_INVALID', detail, { title: 'id_token is not a JWT' })],
    };
  }
  const { header, claims } = decoded;
  const checks: IdTokenCheck[] = [];
  const sig = await checkSignature(idToken, header.alg, x.jwks, x.jwksUrl);
  checks.push(sig.check);

  if (x.issuer === undefined)
    checks.push({
      name: 'iss',
      ok: typeof claims.iss === 'string',
      detail: `iss is ${JSON.stringify(claims.iss)}; no expected issuer is known (set the profile issuer).`,
    });
  else
    checks.push({
      name: 'iss',
      ok: claims.iss === x.issuer,
      detail:
        claims.iss === x.issuer
          ? `iss is the expected issuer ${x.issuer}.`
          : `iss is ${JSON.stringify(claims.iss)}; expected "${x.issuer}".`,
    });

  const auds = Array.isArray(claims.aud)
    ? claims.aud.map(String)
    : typeof claims.aud === 'string'
      ? [claims.aud]
      : [];
  checks.push({
    name: 'aud',
    ok: auds.includes(x.clientId),
    detail: auds.includes(x.clientId)
      ? `aud contains the client_id ${x.clientId}.`
      : `aud is ${JSON.stringify(claims.aud)}; it must contain the client_id "${x.clientId}".`,
  });
  if (auds.length > 1 || claims.azp !== undefined) {
    const ok = claims.azp === x.clientId;
    checks.push({
      name: 'azp',
      ok,
      detail: ok
        ? `azp is the client_id ${x.clientId}.`
        : `aud has ${auds.length} values and azp is ${JSON.stringify(claims.azp)}; it must be "${x.clientId}".`,
    });
  }

  if (x.nonce !== undefined) {
    const absentOk = x.refreshed && claims.nonce === undefined;
    const ok = absentOk || claims.nonce === x.nonce;
    checks.push({
      name: 'nonce',
      ok,
      detail: absentOk
        ? 'No nonce in a refreshed id_token (allowed, OIDC Core 12.2).'
        : ok
          ? 'nonce equals the one sent on the authorize request.'
          : claims.nonce === undefined
            ? 'The id_token has no nonce, but one was sent on the authorize request.'
            : `nonce is ${JSON.stringify(claims.nonce)}, not the one sent on the authorize request.`,
    });
  } else if (!x.refreshed && claims.nonce !== undefined) {
    checks.push({
      name: 'nonce',
      ok: false,
      detail: 'The id_token carries a nonce although this client sent none.',
    });
  }

  const exp = claims.exp;
  const skew = x.skewSec ?? ID_TOKEN_SKEW_SEC;
  /** Checks that failed by less than the clock-skew allowance: warnings, not a failed flow. */
  const withinSkew = new Set<IdTokenCheck['name']>();
  if (typeof exp !== 'number')
    checks.push({
      name: 'exp',
      ok: false,
      detail: `exp is ${JSON.stringify(exp)}; it must be a number.`,
    });
  else if (exp > x.now)
    checks.push({
      name: 'exp',
      ok: true,
      detail: `Expires ${new Date(exp * 1000).toISOString()} (in ${exp - x.now} s).`,
    });
  else {
    if (x.now - exp <= skew) withinSkew.add('exp');
    checks.push({
      name: 'exp',
      ok: false,
      detail: `Expired ${new Date(exp * 1000).toISOString()}, ${x.now - exp} s ago${x.now - exp <= skew ? ` (within the ${skew} s clock-skew allowance)` : ''}.`,
    });
  }
  const nbf = claims.nbf;
  if (nbf !== undefined) {
    if (typeof nbf !== 'number')
      checks.push({
        name: 'nbf',
        ok: false,
        detail: `nbf is ${JSON.stringify(nbf)}; it must be a number.`,
      });
    else if (nbf > x.now) {
      if (nbf - x.now <= skew) withinSkew.add('nbf');
      checks.push({
        name: 'nbf',
        ok: false,
        detail: `Not valid before ${new Date(nbf * 1000).toISOString()}, ${nbf - x.now} s in the future${nbf - x.now <= skew ? ` (within the ${skew} s clock-skew allowance)` : ''}.`,
      });
    } else
      checks.push({
        name: 'nbf',
        ok: true,
        detail: `Valid since ${new Date(nbf * 1000).toISOString()}.`,
      });
  }
  // iat ahead of the local clock: accepted within the clock-skew tolerance, flagged beyond it.
  const iat = claims.iat;
  const ahead = typeof iat === 'number' ? iat - x.now : 0;
  checks.push(
    typeof iat !== 'number'
      ? { name: 'iat', ok: false, detail: 'iat is missing or not a number.' }
      : ahead > skew
        ? {
            name: 'iat',
            ok: false,
            detail: `Issued ${new Date(iat * 1000).toISOString()}, ${ahead} s in the future: beyond the ${skew} s clock-skew tolerance.`,
          }
        : {
            name: 'iat',
            ok: true,
            detail: `Issued ${new Date(iat * 1000).toISOString()}${ahead > 0 ? ` (${ahead} s ahead of this clock, within the ${skew} s clock-skew tolerance)` : ''}.`,
          },
  );

  // OIDC Core §3.1.3.6 (at_hash) and §3.3.2.11 (c_hash): the left half of the hash of the value.
  const halfHash = (
    name: 'at_hash' | 'c_hash',
    value: string | undefined,
    what: string,
    missing: string,
  ) => {
    const got = claims[name];
    if (got === undefined) return;
    const want = value && typeof header.alg === 'string' ? atHash(value, header.alg) : undefined;
    checks.push(
      want === undefined
        ? {
            name,
            ok: false,
            detail: value
              ? `${name} cannot be computed for alg ${String(header.alg)}.`
              : `${name} is present but ${missing}.`,
          }
        : {
            name,
            ok: got === want,
            detail:
              got === want
                ? `${name} matches the ${what}.`
                : `${name} is ${JSON.stringify(got)}; the ${what} hashes to "${want}".`,
          },
    );
  };
  halfHash('at_hash', x.accessToken, 'access token', 'the response has no access token');
  halfHash(
    'c_hash',
    x.code,
    'authorization code',
    'no authorization code was redeemed for this response',
  );

  const findings: Finding[] = checks
    .filter((c) => !c.ok && !(c.name === 'iat' && ahead > skew))
    .map((c) =>
      withinSkew.has(c.name)
        ? finding('CLOCK_SKEW', `id_token ${c.name}: ${c.detail}`, {
            severity: 'warning',
            title: `id_token ${c.name} is off by less than the clock-skew allowance`,
            fix: FIX[c.name],
          })
        : c.name === 'iss'
          ? finding('ISSUER_MISMATCH', `id_token: ${c.detail}`, {
              title: 'The id_token names another issuer',
              fix: FIX.iss,
              source: 'OpenID Connect Core §3.1.3.7 (2)',
            })
          : finding('ID_TOKEN_INVALID', `id_token ${c.name}: ${c.detail}`, {
              title: `id_token ${c.name} check failed`,
              fix: FIX[c.name],
              ...(c.name === 'signature' && sig.verification.status === 'unchecked'
                ? { severity: 'warning' as const, title: 'id_token signature not checked' }
                : {}),
              ...(c.name === 'at_hash' ? { source: 'OpenID Connect Core §3.1.3.6' } : {}),
            }),
    );
  // Beyond the tolerance an iat in the future is a clock problem, named as one.
  if (ahead > skew)
    findings.push(
      finding('CLOCK_SKEW', `id_token iat: ${checks.find((c) => c.name === 'iat')?.detail ?? ''}`, {
        title: 'The id_token is issued in the future',
        fix: "Synchronise this machine's clock or the server's (NTP), or raise the clock-skew tolerance in Settings if the difference is known and harmless.",
      }),
    );
  for (const note of sig.skipped ?? [])
    findings.push(
      finding('JWKS_UNREACHABLE', `${x.jwksUrl ?? 'The server JWKS'}: ${note}`, {
        severity: 'warning',
        title: 'A key of the server JWKS was skipped',
        fix: 'Ask the server operators to remove or repair the unreadable key in the JWKS.',
      }),
    );
  return {
    ...base,
    format: 'jwt',
    decoded,
    explained: explainClaims(claims, x.now, 'id_token'),
    verification: sig.verification,
    ...(typeof exp === 'number' ? { expiresAt: new Date(exp * 1000).toISOString() } : {}),
    checks,
    findings: rankFindings(findings),
  };
}
