/**
 * What an OAuth `error` code says on its own (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7591
 * §3.2.2, RFC 7009 §2.2.1, OpenID Connect Core §3.1.2.6, RFC 8628 §3.5), plus the non-standard
 * codes real servers send. A standard code usually names a family of causes ("invalid_client":
 * something about client authentication), not the cause: the local checks of that family then
 * say which one. A few codes name the cause outright (`jti_known`, `redirect_mismatch`).
 */
import type { CauseCode } from './codes.js';
import type { Endpoint } from './dialects/types.js';

/** Families of causes: a server statement of a family lets the local checks of it lead. */
export type Family =
  | 'client-auth'
  | 'grant'
  | 'scope'
  | 'code'
  | 'refresh'
  | 'user'
  | 'token'
  | 'request'
  | 'registration'
  | 'server'
  | 'transport'
  | 'authorize';

const FAMILY: Partial<Record<CauseCode, Family>> = {
  ASSERTION_AUD_MISMATCH: 'client-auth',
  ASSERTION_EXPIRED: 'client-auth',
  ASSERTION_EXP_TOO_FAR: 'client-auth',
  ASSERTION_ISS_SUB_MISMATCH: 'client-auth',
  ASSERTION_JTI_REUSED: 'client-auth',
  ASSERTION_MISSING_CLAIM: 'client-auth',
  ASSERTION_ALG_NOT_ACCEPTED: 'client-auth',
  ASSERTION_KID_NOT_FOUND: 'client-auth',
  ASSERTION_SIGNATURE_INVALID: 'client-auth',
  ASSERTION_JKU_MISMATCH: 'client-auth',
  ASSERTION_IN_AUTH_HEADER: 'client-auth',
  ASSERTION_TYPE_INVALID: 'client-auth',
  CLOCK_SKEW: 'client-auth',
  CLIENT_UNKNOWN: 'client-auth',
  CLIENT_DISABLED: 'client-auth',
  CLIENT_SECRET_INVALID: 'client-auth',
  AUTH_METHOD_MISMATCH: 'client-auth',
  JWKS_UNREACHABLE: 'client-auth',
  GRANT_NOT_ALLOWED: 'grant',
  GRANT_TYPE_INVALID: 'grant',
  SCOPE_NOT_ALLOWED: 'scope',
  SCOPE_INVALID_FOR_GRANT: 'scope',
  SCOPE_SYNTAX: 'scope',
  REDIRECT_URI_MISMATCH: 'code',
  PKCE_REQUIRED: 'code',
  PKCE_MISMATCH: 'code',
  STATE_MISMATCH: 'code',
  CODE_INVALID: 'code',
  REFRESH_INVALID: 'refresh',
  USER_CREDENTIALS_INVALID: 'user',
  TOKEN_EXPIRED: 'token',
  TOKEN_INVALID: 'token',
  TOKEN_AUDIENCE_MISMATCH: 'token',
  TOKEN_INACTIVE: 'token',
  RESOURCE_FORBIDDEN: 'token',
  TOKEN_SIGNATURE_INVALID: 'token',
  REQUEST_MALFORMED: 'request',
  CLIENT_METADATA_INVALID: 'registration',
  REGISTRATION_NOT_OPEN: 'registration',
  SERVER_ERROR: 'server',
  RATE_LIMITED: 'server',
  ENDPOINT_NOT_FOUND: 'server',
  NETWORK_ERROR: 'transport',
  TLS_UNTRUSTED: 'transport',
  AUTHORIZATION_DENIED: 'authorize',
  DEVICE_CODE_EXPIRED: 'authorize',
  CONSENT_REQUIRED: 'authorize',
  LOGIN_REQUIRED: 'authorize',
  LAUNCH_AUD_MISSING: 'authorize',
};

export const familyOf = (code: CauseCode): Family | undefined => FAMILY[code];

/** What an error code says. `specific`: it names the cause, not only its family. */
export interface CodeMeaning {
  code: CauseCode;
  family: Family;
  specific: boolean;
  /** In plain words, for the evidence. */
  means: string;
  source: string;
}

const TOKEN_GRANTS = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
  'password',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:openid:params:grant-type:ciba',
];

/** The cause invalid_grant names for each grant (RFC 6749 §5.2). */
function invalidGrant(grant: string | undefined): CodeMeaning | undefined {
  const m = (code: CauseCode, family: Family, means: string): CodeMeaning => ({
    code,
    family,
    specific: false,
    means,
    source: 'RFC 6749 §5.2 (invalid_grant)',
  });
  if (grant === 'authorization_code')
    return m(
      'CODE_INVALID',
      'code',
      'invalid_grant on a code exchange: the code, its redirect_uri or its PKCE verifier was refused',
    );
  if (grant === 'refresh_token')
    return m(
      'REFRESH_INVALID',
      'refresh',
      'invalid_grant on a refresh: the refresh token is expired, revoked, rotated away or belongs to another client',
    );
  if (grant === 'password')
    return m(
      'USER_CREDENTIALS_INVALID',
      'user',
      'invalid_grant on the password grant: the user name or password (or the account) was refused',
    );
  if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer')
    return m(
      'ASSERTION_SIGNATURE_INVALID',
      'client-auth',
      'invalid_grant on the JWT bearer grant: the assertion (the grant itself) was refused',
    );
  return undefined;
}

/**
 * What `error` means at this endpoint, for this grant. Undefined when the code names nothing
 * (an unknown code) or only says client authentication failed (`invalid_client`): the candidates
 * are then ranked from the local evidence.
 */
export function meaningOfCode(
  error: string | undefined,
  endpoint: Endpoint,
  grant: string | undefined,
): CodeMeaning | undefined {
  if (!error) return undefined;
  const e = error.toLowerCase();
  const m = (
    code: CauseCode,
    family: Family,
    means: string,
    source: string,
    specific = false,
  ): CodeMeaning => ({ code, family, specific, means, source });
  switch (e) {
    case 'invalid_scope':
    case 'scope_invalid':
    case 'invalid_scopes':
      return m(
        'SCOPE_NOT_ALLOWED',
        'scope',
        `${error}: a requested scope is unknown, malformed, or not allowed for this client`,
        'RFC 6749 §5.2 (invalid_scope)',
      );
    case 'unauthorized_client':
      return m(
        'GRANT_NOT_ALLOWED',
        'grant',
        endpoint === 'authorize'
          ? 'unauthorized_client: this client may not use this response type or flow'
          : 'unauthorized_client: this client may not use this grant type',
        'RFC 6749 §5.2 (unauthorized_client)',
      );
    case 'unsupported_grant_type':
      return grant && TOKEN_GRANTS.includes(grant)
        ? m(
            'GRANT_NOT_ALLOWED',
            'grant',
            `unsupported_grant_type: the server does not offer grant_type=${grant} (to this client)`,
            'RFC 6749 §5.2 (unsupported_grant_type)',
          )
        : m(
            'GRANT_TYPE_INVALID',
            'grant',
            grant
              ? `unsupported_grant_type: grant_type=${grant} is not a grant type the server knows`
              : 'unsupported_grant_type: no grant_type the server knows was sent',
            'RFC 6749 §5.2 (unsupported_grant_type)',
            true,
          );
    case 'unsupported_response_type':
      return m(
        'GRANT_NOT_ALLOWED',
        'grant',
        'unsupported_response_type: the server (or this client) does not allow this response_type',
        'RFC 6749 §4.1.2.1',
      );
    case 'invalid_grant':
    case 'invalid_code':
    case 'code_invalid':
      if (e !== 'invalid_grant')
        return m(
          'CODE_INVALID',
          'code',
          `${error}: the code exchange was refused (the code, its redirect_uri or its PKCE verifier)`,
          'non-standard error code',
        );
      return invalidGrant(grant);
    case 'access_denied':
      // RFC 8628 §3.5: on a device-code poll, access_denied is the user refusing the sign-in.
      if (grant?.endsWith(':device_code'))
        return m(
          'AUTHORIZATION_DENIED',
          'authorize',
          'access_denied: the user refused the device sign-in',
          'RFC 8628 §3.5 (access_denied)',
          true,
        );
      return m(
        endpoint === 'authorize' ? 'AUTHORIZATION_DENIED' : 'RESOURCE_FORBIDDEN',
        endpoint === 'authorize' ? 'authorize' : 'token',
        'access_denied: the user or the server refused the request',
        'RFC 6749 §4.1.2.1 (access_denied)',
      );
    case 'login_required':
    case 'interaction_required':
    case 'account_selection_required':
      return m(
        'LOGIN_REQUIRED',
        'authorize',
        `${error}: the server needs the user to sign in interactively`,
        'OpenID Connect Core §3.1.2.6',
        true,
      );
    case 'consent_required':
      return m(
        'CONSENT_REQUIRED',
        'authorize',
        'consent_required: the user has not approved the requested scopes',
        'OpenID Connect Core §3.1.2.6',
        true,
      );
    case 'server_error':
    case 'temporarily_unavailable':
      return m(
        'SERVER_ERROR',
        'server',
        `${error}: the server failed`,
        'RFC 6749 §4.1.2.1, §5.2',
        true,
      );
    case 'slow_down':
    case 'too_many_requests':
    case 'rate_limit_exceeded':
      return m(
        'RATE_LIMITED',
        'server',
        `${error}: the server asks for fewer requests`,
        'RFC 8628 §3.5',
        true,
      );
    case 'invalid_token':
      return m(
        'TOKEN_INVALID',
        'token',
        'invalid_token: the access token is expired, revoked, malformed or not for this server',
        'RFC 6750 §3.1 (invalid_token)',
      );
    case 'insufficient_scope':
      return m(
        'RESOURCE_FORBIDDEN',
        'token',
        'insufficient_scope: the token does not carry the scope this request needs',
        'RFC 6750 §3.1 (insufficient_scope)',
        true,
      );
    case 'invalid_redirect_uri':
    case 'redirect_mismatch':
    case 'redirect_uri_mismatch':
    case 'mismatching_redirect_uri':
      return endpoint === 'registration'
        ? m(
            'CLIENT_METADATA_INVALID',
            'registration',
            `${error}: a redirect_uri in the metadata was refused (use an absolute URI without #fragment that the server allows: https, a loopback http://127.0.0.1/callback, or a private-use scheme, RFC 8252 §7)`,
            'RFC 7591 §3.2.2',
            true,
          )
        : m(
            'REDIRECT_URI_MISMATCH',
            'code',
            `${error}: the redirect_uri is not one registered for this client`,
            'RFC 6749 §3.1.2.4',
            true,
          );
    case 'invalid_client_metadata':
    case 'invalid_software_statement':
    case 'unapproved_software_statement':
      return m(
        'CLIENT_METADATA_INVALID',
        'registration',
        `${error}: the server refused the client metadata`,
        'RFC 7591 §3.2.2',
        true,
      );
    case 'jti_known':
    case 'token_reuse':
      return m(
        'ASSERTION_JTI_REUSED',
        'client-auth',
        `${error}: the assertion's jti was seen before`,
        'non-standard error code (fosite jti_known)',
        true,
      );
    case 'expired_token':
      return m(
        grant?.endsWith('device_code') ? 'DEVICE_CODE_EXPIRED' : 'TOKEN_EXPIRED',
        grant?.endsWith('device_code') ? 'authorize' : 'token',
        'expired_token: the code or token has expired',
        'RFC 8628 §3.5',
        true,
      );
    case 'unsupported_token_type':
      return m(
        'REQUEST_MALFORMED',
        'request',
        'unsupported_token_type: the server cannot revoke or introspect this kind of token',
        'RFC 7009 §2.2.1',
        true,
      );
    case 'invalid_request':
      if (endpoint === 'registration')
        return m(
          'CLIENT_METADATA_INVALID',
          'registration',
          'invalid_request: the registration request or a metadata field was refused',
          'RFC 7591 §3.2.2',
        );
      return m(
        'REQUEST_MALFORMED',
        'request',
        'invalid_request: a parameter is missing, repeated or malformed',
        'RFC 6749 §5.2 (invalid_request)',
      );
    case 'invalid_client':
      // On the front channel there is no client authentication: the client_id itself is unknown.
      if (endpoint === 'authorize')
        return m(
          'CLIENT_UNKNOWN',
          'client-auth',
          'invalid_client on the authorize request: the server does not know this client_id (or it may not sign in here)',
          'RFC 6749 §4.1.2.1; OpenID Connect Core §3.1.2.6',
        );
      return undefined;
    case 'request_unauthorized':
    case 'unauthorized':
    case 'invalid_client_credentials':
    case 'invalid_credentials':
      // Client authentication failed, for one of several reasons: see the candidates.
      return undefined;
    default:
      return undefined;
  }
}

/** Error codes that say only "client authentication failed". */
export const CLIENT_AUTH_CODES = new Set([
  'invalid_client',
  'request_unauthorized',
  'unauthorized',
  'invalid_client_credentials',
  'invalid_credentials',
]);
