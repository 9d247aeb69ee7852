import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { ClaimExplanation, DecodedJwt } from './types.js';
import { AppFailure } from './result.js';

/** Decodes a compact JWS for display only; never a verification. Throws AppFailure JWT_MALFORMED. */
export function decodeForDisplay(jwt: string): DecodedJwt {
  const compact = jwt.trim();
  const parts = compact.split('.');
  if (parts.length === 5) {
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
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(compact) as Record<string, unknown>;
  } catch (e) {
    throw new AppFailure(
      'JWT_MALFORMED',
      `The header segment is not base64url-encoded JSON (${(e as Error).message}).`,
      'Check that nothing was cut or added while copying the token.',
    );
  }
  try {
    claims = decodeJwt(compact) as Record<string, unknown>;
  } catch (e) {
    throw new AppFailure(
      'JWT_MALFORMED',
      `The claims segment is not base64url-encoded JSON (${(e as Error).message}).`,
      'Check that nothing was cut or added while copying the token.',
    );
  }
  return { header, claims, signatureLength: parts[2]!.length };
}

/** True when the text looks like a compact JWS (three base64url segments). */
export function looksLikeJwt(text: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text.trim());
}

const MEANINGS: Record<string, string> = {
  iss: 'Issuer: who created and signed this token.',
  sub: 'Subject: who the token is about (for a client assertion, the client_id).',
  aud: 'Audience: who must accept it (for a client assertion, the token endpoint URL).',
  exp: 'Expires at: not valid after this time.',
  nbf: 'Not before: not valid before this time.',
  iat: 'Issued at: when it was created.',
  jti: 'JWT ID: a unique value so the same token cannot be replayed.',
  scope: 'Scopes granted: what the token allows.',
  client_id: 'The client the token was issued to.',
  azp: 'Authorized party: the client the token was issued to.',
  fhirUser: 'The FHIR resource (Practitioner, Patient…) of the signed-in user.',
  patient: 'SMART launch context: the patient in context.',
  encounter: 'SMART launch context: the encounter in context.',
  nonce: 'Nonce: binds an id_token to the request that asked for it.',
  at_hash: 'Access token hash: binds an id_token to its access token.',
  auth_time: 'When the user authenticated.',
  sid: 'Session id at the authorization server.',
  typ: 'Type of the token.',
  alg: 'Signing algorithm.',
  kid: 'Key id: which key of the signer’s JWKS signed this.',
  jku: 'JWKS URL the verifier should fetch the key from (must match the registered one).',
  cnf: 'Confirmation: the key the token is bound to (DPoP, mTLS).',
};

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

/** Explains claims in plain words, with time claims as ISO dates. */
export function explainClaims(
  claims: Record<string, unknown>,
  nowSec?: number,
): ClaimExplanation[] {
  return Object.entries(claims).map(([name, value]) => {
    const out: ClaimExplanation = { name, value, meaning: MEANINGS[name] ?? 'Custom claim.' };
    if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
      out.date = new Date(value * 1000).toISOString();
      if (nowSec !== undefined) {
        const d = value - nowSec;
        out.meaning += d >= 0 ? ` (in ${formatSeconds(d)})` : ` (${formatSeconds(-d)} ago)`;
      }
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
