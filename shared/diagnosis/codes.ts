/** Cause codes from DIAGNOSIS.md: stable strings used by the UI, CLI, reports and tests. */
export const CAUSE_CODES = [
  'ASSERTION_AUD_MISMATCH',
  'ASSERTION_EXPIRED',
  'ASSERTION_EXP_TOO_FAR',
  'ASSERTION_ISS_SUB_MISMATCH',
  'ASSERTION_JTI_REUSED',
  'ASSERTION_MISSING_CLAIM',
  'ASSERTION_ALG_NOT_ACCEPTED',
  'ASSERTION_KID_NOT_FOUND',
  'ASSERTION_SIGNATURE_INVALID',
  'ASSERTION_JKU_MISMATCH',
  'ASSERTION_IN_AUTH_HEADER',
  'ASSERTION_TYPE_INVALID',
  'CLOCK_SKEW',
  'CLIENT_UNKNOWN',
  'CLIENT_DISABLED',
  'CLIENT_SECRET_INVALID',
  'AUTH_METHOD_MISMATCH',
  'GRANT_NOT_ALLOWED',
  'GRANT_TYPE_INVALID',
  'SCOPE_NOT_ALLOWED',
  'SCOPE_INVALID_FOR_GRANT',
  'SCOPE_SYNTAX',
  'SCOPE_NARROWED',
  'REDIRECT_URI_MISMATCH',
  'PKCE_REQUIRED',
  'PKCE_MISMATCH',
  'STATE_MISMATCH',
  'CODE_INVALID',
  'ISSUER_MISMATCH',
  'ID_TOKEN_INVALID',
  'LAUNCH_AUD_MISSING',
  'ENDPOINT_NOT_FOUND',
  'WRONG_TOKEN_ENDPOINT',
  'NON_JSON_RESPONSE',
  'TLS_UNTRUSTED',
  'NETWORK_ERROR',
  'JWKS_UNREACHABLE',
  'SERVER_ERROR',
  'DISCOVERY_INCOMPLETE',
  'TOKEN_EXPIRED',
  'TOKEN_AUDIENCE_MISMATCH',
  'RESOURCE_FORBIDDEN',
  'REFRESH_NOT_ISSUED',
  'REFRESH_INVALID',
  'TOKEN_SIGNATURE_INVALID',
  'TOKEN_RESPONSE_INVALID',
  'TOKEN_INACTIVE',
  'GRANT_INSECURE',
  'CLIENT_METADATA_INVALID',
  'AUTHORIZATION_DENIED',
  'AUTHORIZATION_TIMEOUT',
  'DEVICE_CODE_EXPIRED',
  'TOKEN_LIFETIME',
  'BULK_TYPE_IGNORED',
  'TOKEN_STILL_ACTIVE',
  'TOKEN_INVALID',
  'USER_CREDENTIALS_INVALID',
  'CONSENT_REQUIRED',
  'LOGIN_REQUIRED',
  'REQUEST_MALFORMED',
  'RATE_LIMITED',
  'REGISTRATION_NOT_OPEN',
] as const;

export type CauseCode = (typeof CAUSE_CODES)[number];

export type Severity = 'error' | 'warning' | 'info';

/**
 * What a finding rests on (DIAGNOSIS.md): the server's own words, a check made here, the run's
 * history (an earlier use of a jti, code or refresh token), a documented vendor fact, or an
 * inference from the absence of other evidence. Ranking follows this order.
 */
export const BASES = ['server', 'check', 'history', 'vendor', 'inference'] as const;
export type Basis = (typeof BASES)[number];

/** One diagnosis: what is wrong, what shows it, how to fix it, and where the rule comes from. */
export interface Finding {
  code: CauseCode;
  severity: Severity;
  /** What the finding rests on. */
  basis: Basis;
  title: string;
  evidence: string;
  fix: string;
  source?: string;
}
