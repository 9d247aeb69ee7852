import { base64url } from 'jose';
import type { ClaimExplanation, DecodedJwt, InspectedJwtRole } from './types.js';
import { AppFailure } from './result.js';
import { jsonDepthOver, utf8ErrorOffset } from './json-guard.js';

/** The longest JWT decoded here (SECURITY.md §7 item 9): real tokens are a few KB. */
export const MAX_JWT_CHARS = 256 * 1024;
/** The deepest nesting of a header or claims set that is decoded (a stack-safe bound). */
export const MAX_JWT_DEPTH = 64;

const B64URL = /^[A-Za-z0-9_-]*$/;
const CHECK_COPY = 'Check that nothing was cut or added while copying the token.';

/** One segment as a JSON object, or JWT_MALFORMED naming the segment, the fault and its byte offset. */
function segmentObject(
  segment: string,
  what: 'JOSE header' | 'claims set',
): Record<string, unknown> {
  const bad = (detail: string, fix = CHECK_COPY): never => {
    throw new AppFailure(
      'JWT_MALFORMED',
      `The ${what === 'JOSE header' ? 'header' : 'claims'} segment is an invalid ${what}: ${detail}`,
      fix,
    );
  };
  if (segment === '') bad('the segment is empty.');
  const i = segment.search(/[^A-Za-z0-9_-]/);
  if (!B64URL.test(segment))
    bad(
      `character ${JSON.stringify(segment[i])} at offset ${i} of the segment is not base64url (A-Z a-z 0-9 - _, no "=" padding).`,
    );
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(segment);
  } catch (e) {
    return bad(`it is not base64url (${(e as Error).message}).`);
  }
  const at = utf8ErrorOffset(bytes);
  if (at !== undefined) bad(`invalid UTF-8 at byte offset ${at}.`);
  const text = new TextDecoder().decode(bytes);
  if (jsonDepthOver(text, MAX_JWT_DEPTH))
    bad(
      `JSON nested more than ${MAX_JWT_DEPTH} levels deep; it is not decoded (cap ${MAX_JWT_DEPTH}).`,
      'A real token is never nested this deep: treat it as hostile input.',
    );
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg)?.[1];
    const offset =
      pos === undefined
        ? ''
        : ` at byte offset ${new TextEncoder().encode(text.slice(0, Number(pos))).length}`;
    return bad(`not JSON${offset} (${msg}).`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    bad(
      `it decodes to ${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`}, not a JSON object (byte offset 0).`,
    );
  return v as Record<string, unknown>;
}

/** Decodes a compact JWS for display only; never a verification. Throws AppFailure JWT_MALFORMED. */
export function decodeForDisplay(jwt: string): DecodedJwt {
  if (jwt.length > MAX_JWT_CHARS)
    throw new AppFailure(
      'JWT_MALFORMED',
      `This token is ${jwt.length} characters long; at most ${MAX_JWT_CHARS / 1024} KB is decoded.`,
      'Paste the token itself (a few KB), not a file or log that contains it.',
    );
  const compact = jwt.trim();
  const parts = compact.split('.');
  if (parts.length === 5 && parts[0]) {
    throw new AppFailure(
      'JWT_MALFORMED',
      'This is an encrypted JWT (JWE, 5 segments); only signed JWTs (3 segments) can be decoded here.',
      'Paste the signed JWT, or decrypt it first.',
    );
  }
  if (parts.length !== 3) {
    throw new AppFailure(
      'JWT_MALFORMED',
      `A JWT has 3 dot-separated segments (header.claims.signature); this has ${parts.length}.`,
      'Copy the whole token: it starts with "eyJ" and has two dots.',
    );
  }
  const header = segmentObject(parts[0]!, 'JOSE header');
  const claims = segmentObject(parts[1]!, 'claims set');
  return { header, claims, signatureLength: parts[2]!.length };
}

/** True when the text looks like a compact JWS (three base64url segments). */
export function looksLikeJwt(text: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text.trim());
}

/** What a JWT is, for the claim explanations (the Inspector's roles). */
export type JwtKind = InspectedJwtRole;

/** Meanings that hold for any JWT; per-kind meanings below take precedence. */
const COMMON: Record<string, string> = {
  iss: 'Issuer: who created and signed this token.',
  sub: 'Subject: who the token is about.',
  aud: 'Audience: who must accept it (access token: the resource server; id_token: the client_id; client assertion: the token endpoint URL).',
  exp: 'Expires at: not valid after this time.',
  nbf: 'Not before: not valid before this time.',
  iat: 'Issued at: when it was created.',
  jti: 'JWT ID: a unique value that identifies this token.',
  scope: 'Scopes granted: what the token allows.',
  client_id: 'The client the token was issued to.',
  azp: 'Authorized party: the client the token was issued to.',
  fhirUser: 'The FHIR resource (Practitioner, Patient…) of the signed-in user.',
  patient: 'SMART launch context: the patient in context.',
  encounter: 'SMART launch context: the encounter in context.',
  nonce: 'Nonce: binds an id_token to the request that asked for it.',
  at_hash: 'Access token hash: binds an id_token to its access token.',
  c_hash: 'Code hash: binds an id_token to the authorization code.',
  auth_time: 'When the user authenticated.',
  acr: 'Authentication context class: how strongly the user authenticated.',
  amr: 'Authentication methods used (password, otp, …).',
  sid: 'Session id at the authorization server.',
  typ: 'Type of the token.',
  alg: 'Signing algorithm.',
  kid: 'Key id: which key of the signer’s JWKS signed this.',
  jku: 'JWKS URL the verifier should fetch the key from (must match the registered one).',
  cnf: 'Confirmation: the key the token is bound to (DPoP, mTLS).',
};

/**
 * Per-kind meanings, each from the specification of that token: RFC 9068 §2.2 (JWT access
 * tokens), OpenID Connect Core §2 (id_token), RFC 7523 §3 (client assertions).
 */
const BY_KIND: Record<Exclude<JwtKind, 'jwt'>, Record<string, string>> = {
  access_token: {
    iss: 'Issuer: the authorization server that issued this access token (RFC 9068 §2.2).',
    sub: 'Subject: the user the token acts for, or the client itself when no user is involved (client_credentials) (RFC 9068 §2.2).',
    aud: 'Audience: the resource server(s) this access token is meant for; a resource server refuses a token not addressed to it (RFC 9068 §2.2, §4).',
    exp: 'Expires at: the resource server refuses the token after this time (RFC 9068 §2.2).',
    iat: 'Issued at: when the authorization server issued it (RFC 9068 §2.2).',
    jti: 'JWT ID: a unique identifier the authorization server gave this access token (RFC 9068 §2.2).',
    client_id: 'The client this access token was issued to (RFC 9068 §2.2).',
    scope:
      'Scopes granted: what this access token allows at the resource server (RFC 9068 §2.2.3).',
    auth_time: 'When the user authenticated (RFC 9068 §2.2.1).',
  },
  id_token: {
    iss: 'Issuer: the OpenID Provider; must equal the issuer of its discovery document (OpenID Connect Core §2).',
    sub: 'Subject: the identifier of the signed-in user at this provider; never reassigned (OpenID Connect Core §2).',
    aud: 'Audience: the client(s) this id_token is for; must contain your client_id (OpenID Connect Core §2).',
    exp: 'Expires at: the id_token must not be accepted after this time (OpenID Connect Core §2).',
    iat: 'Issued at: when the provider issued the id_token (OpenID Connect Core §2).',
    azp: 'Authorized party: the client the id_token was issued to; needed when aud lists more than one (OpenID Connect Core §2).',
    nonce:
      'Nonce: must equal the nonce of the authorize request; binds the id_token to it against replay (OpenID Connect Core §2).',
    auth_time: 'When the user authenticated (OpenID Connect Core §2).',
    jti: 'JWT ID: a unique identifier of this id_token.',
  },
  client_assertion: {
    iss: 'Issuer: the client_id of the client that signed this assertion (RFC 7523 §3).',
    sub: 'Subject: the client_id again; iss and sub are the same for client authentication (RFC 7523 §3).',
    aud: 'Audience: the authorization server, usually the token endpoint URL the assertion is sent to (RFC 7523 §3).',
    exp: 'Expires at: the server refuses the assertion after this time; SMART limits it to 5 minutes (RFC 7523 §3).',
    iat: 'Issued at: when the client signed the assertion (RFC 7523 §3).',
    nbf: 'Not before: the assertion is not valid before this time (RFC 7523 §3).',
    jti: 'JWT ID: unique per assertion; the server refuses one it has seen before (replay) (RFC 7523 §3).',
  },
};

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

/** "in 5 min 0 s" for a time ahead, "12 s ago" for one behind; now reads "0 s ago". */
export function relativeSeconds(delta: number): string {
  const s = Math.round(delta);
  return s > 0 ? `in ${formatSeconds(s)}` : `${formatSeconds(-s)} ago`;
}

/**
 * What a decoded JWT most likely is, for a token whose role is not known (a pasted one): an
 * id_token carries nonce/at_hash/c_hash (or auth_time with an aud that is not a URL), an RFC 9068
 * access token typ at+jwt or scope/client_id, a client assertion iss = sub with jti and a URL aud.
 */
export function guessJwtKind(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): JwtKind {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
  if (typ === 'at+jwt' || typ === 'application/at+jwt') return 'access_token';
  if ('nonce' in claims || 'at_hash' in claims || 'c_hash' in claims) return 'id_token';
  if ('scope' in claims || 'scp' in claims || 'client_id' in claims) return 'access_token';
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (
    typeof claims.iss === 'string' &&
    claims.iss === claims.sub &&
    typeof claims.jti === 'string' &&
    typeof aud === 'string' &&
    /^https?:\/\//.test(aud)
  )
    return 'client_assertion';
  return 'jwt';
}

/**
 * Explains claims in plain words for the kind of token at hand (access token, id_token, client
 * assertion, or any JWT), with time claims as ISO dates and how far they are from now.
 */
export function explainClaims(
  claims: Record<string, unknown>,
  nowSec?: number,
  kind: JwtKind = 'jwt',
): ClaimExplanation[] {
  const own = kind === 'jwt' ? undefined : BY_KIND[kind];
  return Object.entries(claims).map(([name, value]) => {
    const out: ClaimExplanation = {
      name,
      value,
      meaning: own?.[name] ?? COMMON[name] ?? 'Custom claim.',
    };
    if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
      out.date = new Date(value * 1000).toISOString();
      if (nowSec !== undefined) out.meaning += ` (${relativeSeconds(value - nowSec)})`;
    }
    return out;
  });
}

/** 75 -> "1 min 15 s" */
export function formatSeconds(total: number): string {
  const s = Math.round(total);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** Shows a secret by its shape only: first and last characters plus its length. */
export function maskSecret(value: string): string {
  if (value.length <= 12) return '•'.repeat(Math.min(8, value.length));
  return `${value.slice(0, 6)}…${value.slice(-4)} (${value.length} chars)`;
}

/** Masks the signature of a compact JWT (the part that makes it usable). */
export function maskJwtSignature(jwt: string): string {
  const parts = jwt.split('.');
  if (parts.length !== 3) return maskSecret(jwt);
  return `${parts[0]}.${parts[1]}.[signature hidden: ${parts[2]!.length} chars]`;
}
