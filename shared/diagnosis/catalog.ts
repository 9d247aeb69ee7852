import type { Basis, CauseCode, Finding, Severity } from './codes.js';

interface CatalogEntry {
  severity: Severity;
  title: string;
  fix: string;
  source: string;
}

/** Default title, fix and source for each cause code; rules add the evidence. */
export const CATALOG: Record<CauseCode, CatalogEntry> = {
  ASSERTION_AUD_MISMATCH: {
    severity: 'error',
    title: 'Assertion aud is not the token endpoint URL',
    fix: 'Set aud to the exact token endpoint URL you POST to (same scheme, host, port, path, no trailing slash difference).',
    source: 'SMART client-confidential-asymmetric; RFC 7523 §3',
  },
  ASSERTION_EXPIRED: {
    severity: 'error',
    title: 'Assertion has expired',
    fix: 'Build a new assertion right before sending it; exp must be in the future when the server receives it.',
    source: 'RFC 7523 §3',
  },
  ASSERTION_EXP_TOO_FAR: {
    severity: 'error',
    title: 'Assertion exp is more than 5 minutes ahead',
    fix: 'Set exp to at most now + 300 seconds.',
    source:
      'SMART client-confidential-asymmetric (exp SHALL be no more than 5 minutes in the future)',
  },
  ASSERTION_ISS_SUB_MISMATCH: {
    severity: 'error',
    title: 'iss and sub must both equal the client_id',
    fix: 'Set iss and sub to the client_id the server issued to you.',
    source: 'SMART client-confidential-asymmetric; RFC 7523 §3',
  },
  ASSERTION_JTI_REUSED: {
    severity: 'error',
    title: 'This jti was already sent',
    fix: 'Use a fresh random jti for every assertion (build a new one for each request).',
    source: 'SMART client-confidential-asymmetric (jti one-time use)',
  },
  ASSERTION_MISSING_CLAIM: {
    severity: 'error',
    title: 'A required claim or header is missing',
    fix: 'Include header alg, kid, typ=JWT and claims iss, sub, aud, exp, jti.',
    source: 'SMART client-confidential-asymmetric',
  },
  ASSERTION_ALG_NOT_ACCEPTED: {
    severity: 'error',
    title: 'Signing algorithm not accepted by the server',
    fix: 'Sign with an algorithm the server lists in token_endpoint_auth_signing_alg_values_supported (SMART: RS384 or ES384).',
    source: 'SMART client-confidential-asymmetric; RFC 8414',
  },
  ASSERTION_KID_NOT_FOUND: {
    severity: 'error',
    title: 'kid not found in the JWKS the server uses',
    fix: 'Publish the public key with this kid in the JWKS registered for the client, or sign with a key whose kid is there.',
    source: 'SMART client-confidential-asymmetric (key selection by kid)',
  },
  ASSERTION_SIGNATURE_INVALID: {
    severity: 'error',
    title: 'Signature does not verify with the published key',
    fix: 'Sign with the private key that matches the public key registered for this kid.',
    source: 'RFC 7523 §3',
  },
  ASSERTION_JKU_MISMATCH: {
    severity: 'error',
    title: 'jku header differs from the registered JWKS URL',
    fix: 'Remove jku, or set it byte-for-byte to the JWKS URL registered for the client.',
    source: 'SMART client-confidential-asymmetric',
  },
  ASSERTION_IN_AUTH_HEADER: {
    severity: 'error',
    title: 'The assertion was sent in the Authorization header',
    fix: 'Send it in the form body as client_assertion with client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer, and no Authorization header.',
    source: 'SMART backend-services; RFC 7523 §2.2',
  },
  ASSERTION_TYPE_INVALID: {
    severity: 'error',
    title: 'client_assertion_type is missing or wrong',
    fix: 'Send client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer exactly.',
    source: 'RFC 7523 §2.2',
  },
  CLOCK_SKEW: {
    severity: 'warning',
    title: 'Your clock differs from the server’s',
    fix: 'Synchronise the local clock (NTP); servers allow only a small leeway on exp/iat/nbf.',
    source: 'RFC 7519 §4.1.4',
  },
  CLIENT_UNKNOWN: {
    severity: 'error',
    title: 'The server does not know this client_id',
    fix: 'Check the client_id, environment (sandbox vs production), tenant or realm.',
    source: 'RFC 6749 §5.2',
  },
  CLIENT_DISABLED: {
    severity: 'error',
    title: 'The client exists but is not enabled',
    fix: 'Ask the server administrator to enable/approve the client.',
    source: 'Vendor setup step',
  },
  CLIENT_SECRET_INVALID: {
    severity: 'error',
    title: 'Client secret rejected',
    fix: 'Re-enter the current client secret; for Basic, the id and secret are form-encoded then base64-encoded.',
    source: 'RFC 6749 §2.3.1',
  },
  AUTH_METHOD_MISMATCH: {
    severity: 'error',
    title: 'Client authentication method differs from the expected one',
    fix: 'Use exactly one authentication method, the one registered for the client.',
    source: 'RFC 6749 §2.3.1',
  },
  GRANT_NOT_ALLOWED: {
    severity: 'error',
    title: 'Grant type not allowed for this client',
    fix: 'Enable this grant type for the client on the server (its grant_types; for client_credentials, the service account).',
    source: 'RFC 6749 §5.2 (unauthorized_client)',
  },
  GRANT_TYPE_INVALID: {
    severity: 'error',
    title: 'grant_type is missing or wrong',
    fix: 'Send grant_type=client_credentials (not the jwt-bearer grant URN).',
    source: 'SMART backend-services; RFC 7523 §2.1 vs §2.2',
  },
  SCOPE_NOT_ALLOWED: {
    severity: 'error',
    title: 'Scope not allowed for this client',
    fix: 'Request only scopes registered/pre-authorized for the client and listed in scopes_supported.',
    source: 'SMART backend-services',
  },
  SCOPE_INVALID_FOR_GRANT: {
    severity: 'error',
    title: 'Scope kind not usable with this grant',
    fix: 'Backend services use system/ scopes (e.g. system/Patient.rs), not patient/ or user/.',
    source: 'SMART backend-services',
  },
  SCOPE_SYNTAX: {
    severity: 'warning',
    title: 'Malformed scope',
    fix: 'Use SMART syntax: (patient|user|system)/Resource.(cruds subset in order) or v1 .read/.write/.*.',
    source: 'SMART scopes-and-launch-context',
  },
  SCOPE_NARROWED: {
    severity: 'warning',
    title: 'Granted scope is narrower than requested',
    fix: 'Ask the server administrator to authorize the missing scopes, or request fewer.',
    source: 'RFC 6749 §5.1',
  },
  REDIRECT_URI_MISMATCH: {
    severity: 'error',
    title: 'redirect_uri differs from the registered one',
    fix: 'Use the registered redirect_uri byte-for-byte.',
    source: 'RFC 6749 §3.1.2; RFC 9700 §2.1',
  },
  PKCE_REQUIRED: {
    severity: 'error',
    title: 'PKCE required',
    fix: 'Send an S256 code_challenge.',
    source: 'RFC 7636',
  },
  PKCE_MISMATCH: {
    severity: 'error',
    title: 'PKCE verifier does not match',
    fix: 'Send the code_verifier that produced the challenge.',
    source: 'RFC 7636 §4.6',
  },
  STATE_MISMATCH: {
    severity: 'error',
    title: 'state mismatch',
    fix: 'Restart the authorization.',
    source: 'RFC 6749 §10.12',
  },
  CODE_INVALID: {
    severity: 'error',
    title: 'Authorization code invalid',
    fix: 'Restart the authorization; codes are single-use.',
    source: 'RFC 6749 §4.1.3',
  },
  ISSUER_MISMATCH: {
    severity: 'error',
    title: 'Issuer mismatch',
    fix: 'Check the configured issuer.',
    source: 'RFC 9207',
  },
  ID_TOKEN_INVALID: {
    severity: 'error',
    title: 'id_token invalid',
    fix: 'Check the id_token checks listed.',
    source: 'OpenID Connect Core §3.1.3.7',
  },
  LAUNCH_AUD_MISSING: {
    severity: 'error',
    title: 'SMART aud missing',
    fix: 'Send aud = FHIR base URL on the authorize request.',
    source: 'SMART app-launch',
  },
  ENDPOINT_NOT_FOUND: {
    severity: 'error',
    title: 'Endpoint not found',
    fix: 'Check the URL path: use the endpoint advertised by discovery (site, tenant, realm, /auth prefix).',
    source: 'HTTP 404/405',
  },
  WRONG_TOKEN_ENDPOINT: {
    severity: 'warning',
    title: 'Request sent to a different URL than discovery advertises',
    fix: 'POST to the token_endpoint from the server’s discovery document (and use it as aud).',
    source: 'SMART conformance (token_endpoint)',
  },
  NON_JSON_RESPONSE: {
    severity: 'error',
    title: 'The server did not answer with JSON',
    fix: 'Read the raw body: an HTML error page, a PHP notice before the JSON or an empty body points at a server or proxy problem, not at your request.',
    source: 'RFC 6749 §5.1/§5.2 (responses are application/json)',
  },
  TLS_UNTRUSTED: {
    severity: 'error',
    title: 'The server certificate is not trusted',
    fix: 'Add the server’s CA certificate to the profile (tls.caPath), or, for a test server only, allow its self-signed certificate explicitly.',
    source: 'SMART backend-services (TLS required)',
  },
  NETWORK_ERROR: {
    severity: 'error',
    title: 'Could not reach the server',
    fix: 'Check the host name and port, your network/VPN and proxy (HTTPS_PROXY), and that the server is running.',
    source: 'Transport',
  },
  JWKS_UNREACHABLE: {
    severity: 'error',
    title: 'JWKS could not be fetched or parsed',
    fix: 'Make the JWKS URL reachable without authentication and return {"keys":[...]} as JSON.',
    source: 'SMART client-confidential-asymmetric',
  },
  SERVER_ERROR: {
    severity: 'error',
    title: 'The server failed',
    fix: 'Retry later; if it persists, send the exchange (copy as curl, secrets masked) to the server’s operators.',
    source: 'RFC 6749 §5.2 (server_error)',
  },
  DISCOVERY_INCOMPLETE: {
    severity: 'warning',
    title: 'Discovery document incomplete',
    fix: 'Enter the missing endpoint in the profile, or ask the server operators to publish it.',
    source: 'SMART conformance; RFC 8414',
  },
  TOKEN_EXPIRED: {
    severity: 'error',
    title: 'Access token expired',
    fix: 'Request a new token.',
    source: 'RFC 6750 §3.1',
  },
  TOKEN_AUDIENCE_MISMATCH: {
    severity: 'error',
    title: 'Token minted for another resource',
    fix: 'Request the token from the authorization server that the FHIR server advertises.',
    source: 'RFC 8707',
  },
  RESOURCE_FORBIDDEN: {
    severity: 'error',
    title: 'Valid token, but the resource server refused',
    fix: 'Check the granted scopes and the server’s access policy for this client.',
    source: 'RFC 6750 §3.1 (insufficient_scope)',
  },
  REFRESH_NOT_ISSUED: {
    severity: 'info',
    title: 'No refresh token issued',
    fix: 'Request offline_access if you need one (backend services should not get one).',
    source: 'SMART app-launch',
  },
  REFRESH_INVALID: {
    severity: 'error',
    title: 'Refresh token invalid',
    fix: 'Start a new authorization.',
    source: 'RFC 6749 §6',
  },
  TOKEN_SIGNATURE_INVALID: {
    severity: 'error',
    title: 'Token signature does not verify with the server’s JWKS',
    fix: 'Check that the token came from this server and that jwks_uri is the right one.',
    source: 'RFC 7515',
  },
  TOKEN_RESPONSE_INVALID: {
    severity: 'warning',
    title: 'Token response does not follow the spec',
    fix: 'Tell the server operators; clients may break on it.',
    source: 'SMART backend-services; RFC 6749 §5.1',
  },
  TOKEN_INACTIVE: {
    severity: 'error',
    title: 'The server says the token is not active',
    fix: 'The token expired, was revoked or was never valid here: get a new one (refresh or authorize again).',
    source: 'RFC 7662 §2.2',
  },
  GRANT_INSECURE: {
    severity: 'warning',
    title: 'The password grant must not be used',
    fix: 'Use the authorization code flow with PKCE; keep the password grant only to test servers that still offer it (OpenEMR turns it off by default).',
    source: 'RFC 9700 §2.4',
  },
  CLIENT_METADATA_INVALID: {
    severity: 'error',
    title: 'The server rejected the client metadata',
    fix: 'Fix the field named in error_description (redirect_uris, grant_types, token_endpoint_auth_method, jwks/jwks_uri, scope) and register again.',
    source: 'RFC 7591 §3.2.2',
  },
  AUTHORIZATION_DENIED: {
    severity: 'error',
    title: 'The authorization was refused at the server',
    fix: 'Read the error_description the server sent (on the redirect, or in the answer to the device poll); sign in with a user allowed to use this app and approve the requested scopes.',
    source: 'RFC 6749 §4.1.2.1',
  },
  AUTHORIZATION_TIMEOUT: {
    severity: 'error',
    title: 'The browser never came back to the app',
    fix: 'Finish the sign-in in the browser within the time limit; if the server showed an error page instead of redirecting, the client_id or redirect_uri is not registered (compare them byte-for-byte).',
    source: 'RFC 8252 §7.3; RFC 6749 §4.1.2.1',
  },
  DEVICE_CODE_EXPIRED: {
    severity: 'error',
    title: 'The device code expired before the sign-in finished',
    fix: 'Start the device sign-in again and finish it at the verification URL before the code runs out (expires_in); a device code cannot be renewed.',
    source: 'RFC 8628 §3.5 (expired_token)',
  },
  TOKEN_LIFETIME: {
    severity: 'info',
    title: 'Token lifetime differs from what is documented',
    fix: 'Schedule renewal from expires_in of each token answer, not from a documented constant.',
    source: 'RFC 6749 §5.1 (expires_in)',
  },
  BULK_TYPE_IGNORED: {
    severity: 'warning',
    title: 'The bulk export holds resource types that _type did not ask for',
    fix: 'Request a token whose scope covers every type in _type (e.g. system/Observation.read), or drop the uncovered types from _type; do not use this export as the filtered one.',
    source: 'FHIR Bulk Data $export (_type)',
  },
  TOKEN_STILL_ACTIVE: {
    severity: 'error',
    title: 'A token revoked in this session still works',
    fix: 'Revoke it the way the server ends it (its revocation endpoint, or the vendor’s session close), then check again that it is refused.',
    source: 'RFC 7009 §2.1',
  },
  TOKEN_INVALID: {
    severity: 'error',
    title: 'The server refused the access token as invalid',
    fix: 'Send the access token exactly as issued (Authorization: Bearer <token>), from the authorization server this resource trusts; get a new one if it was revoked.',
    source: 'RFC 6750 §3.1 (invalid_token)',
  },
  USER_CREDENTIALS_INVALID: {
    severity: 'error',
    title: 'The user name or password was refused',
    fix: 'Check the user name and password, and that the account is enabled and not locked or waiting for a required action.',
    source: 'RFC 6749 §4.3.2, §5.2 (invalid_grant)',
  },
  CONSENT_REQUIRED: {
    severity: 'error',
    title: 'Consent is missing',
    fix: 'Have the user (or an administrator, for admin-consent scopes) approve the requested scopes, or request fewer scopes.',
    source: 'OpenID Connect Core §3.1.2.6 (consent_required)',
  },
  LOGIN_REQUIRED: {
    severity: 'error',
    title: 'The server needs the user to sign in (or to do more)',
    fix: 'Send the user through an interactive sign-in (no prompt=none), and complete any step the server asks for (MFA, a required action).',
    source: 'OpenID Connect Core §3.1.2.6 (login_required, interaction_required)',
  },
  REQUEST_MALFORMED: {
    severity: 'error',
    title: 'The request is malformed',
    fix: 'Send every required parameter exactly once, form-encoded (Content-Type: application/x-www-form-urlencoded), as the error_description names it.',
    source: 'RFC 6749 §5.2 (invalid_request)',
  },
  RATE_LIMITED: {
    severity: 'error',
    title: 'Too many requests',
    fix: 'Wait (Retry-After, if sent) and send fewer requests; reuse a token until it expires instead of requesting one per call.',
    source: 'RFC 6585 §4; RFC 8628 §3.5 (slow_down)',
  },
  REGISTRATION_NOT_OPEN: {
    severity: 'error',
    title: 'The server does not accept this registration request',
    fix: 'Dynamic registration is closed or needs an initial access token (or a software statement): get one from the server operators, or register the client by hand.',
    source: 'RFC 7591 §3 (initial access token)',
  },
};

/** Most findings are built by a check made here; rules that read the server set their own basis. */
const DEFAULT_BASIS: Basis = 'check';

/** Builds a finding from the catalog with the evidence that shows it. */
export function finding(
  code: CauseCode,
  evidence: string,
  over: Partial<Omit<Finding, 'code' | 'evidence'>> = {},
): Finding {
  const c = CATALOG[code];
  return {
    code,
    severity: over.severity ?? c.severity,
    basis: over.basis ?? DEFAULT_BASIS,
    title: over.title ?? c.title,
    evidence,
    fix: over.fix ?? c.fix,
    source: over.source ?? c.source,
  };
}
