import type { Dialect } from './types.js';

const SPEC = 'https://fhir.cerner.com/authorization/authorization-specification/';
const AUTHZ = 'https://fhir.cerner.com/authorization/';

/**
 * Oracle Health (Cerner Millennium) authorization server: answers carry `error` plus an `error_uri`
 * whose path holds a URN urn:cerner:error:authorization-server:… (percent-encoded, with client= and
 * tenant= query parameters; client=unknown when the client was not identified). Sources: the
 * "Error URNs for the Authorization Server" list of cerner/fhir.cerner.com
 * content/authorization/authorization-specification.md, the Exception Handling examples of
 * content/authorization.md, and captures in the Oracle Health developer forum.
 *
 * The vendorCode patterns use only the last URN segment (hyphens or underscores, both occur) so
 * that they match whether the URN is plain, percent-encoded (%3A) or double-encoded (%253A).
 */
export const oracleHealth: Dialect = {
  id: 'oracle-health',
  name: 'Oracle Health (Cerner Millennium)',
  hosts: /\.(sandbox)?cerner\.com/i,
  rows: [
    // ---- token endpoint: client authentication ----------------------------------------------
    {
      match: {
        vendorCode: /invalid[-_]authorization[-_]header/i,
        authMethod: ['private_key_jwt', 'client_secret_jwt'],
      },
      code: 'ASSERTION_IN_AUTH_HEADER',
      means:
        'Oracle Health could not read the Authorization header: a JWT sent as "Authorization: Bearer …" is not client authentication here.',
      fix: 'Send the JWT in the form body as client_assertion with client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer, and no Authorization header.',
      source:
        'https://forums.oracle.com/ords/apexds/post/system-client-authentication-using-jwt-failing-7719',
    },
    {
      match: { vendorCode: /invalid[-_]authorization[-_]header/i },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The Authorization header of this client_credentials request is missing or not a Basic header Oracle Health can read.',
      fix: 'Send "Authorization: Basic base64(system-account client_id:secret)" (system account from Cerner Central), or use a JWT client assertion in the body.',
      source: SPEC,
    },
    {
      match: { vendorCode: /invalid[-_]client[-_]credentials/i },
      code: 'CLIENT_SECRET_INVALID',
      means:
        'Oracle Health says the client credentials (system-account id and secret) are invalid.',
      fix: 'Check the client id and secret of the system account in Cerner Central System Account Management (rotate the secret if unsure).',
      source: SPEC,
    },
    {
      match: { vendorCode: /jwt-bearer(:|%3A|%253A)invalid-signature/i },
      code: 'ASSERTION_SIGNATURE_INVALID',
      means:
        'Oracle Health could not verify the client assertion signature with the JWKS registered on the system account.',
      fix: 'Register the public JWKS on the system account, sign with RS384 or ES384 and a kid present in it, and use the advertised token URL as aud.',
      source:
        'https://forums.oracle.com/ords/apexds/post/error-code-urn-cerner-error-authorization-server-client-ass-8191',
    },
    {
      match: { vendorCode: /terminated-client/i },
      code: 'CLIENT_DISABLED',
      means: 'The client application is no longer registered (it was terminated).',
      source: SPEC,
    },
    // ---- authorize (grant) errors ------------------------------------------------------------
    {
      match: { vendorCode: /grant(:|%3A|%253A)invalid-request/i },
      code: 'REQUEST_MALFORMED',
      means: 'The authorization request was syntactically invalid.',
      source: SPEC,
    },
    {
      match: { vendorCode: /unknown-client/i },
      code: 'CLIENT_UNKNOWN',
      means: 'The client application is not registered with Oracle Health.',
      source: SPEC,
    },
    {
      match: { vendorCode: /invalid-redirect-uri-trailing-slash/i },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The redirect URI differs from the registered one only by a trailing slash.',
      fix: 'Add or remove the trailing slash so redirect_uri matches the registered URI exactly.',
      source: SPEC,
    },
    {
      match: {
        vendorCode: /invalid-redirect-uri|redirect-uri-not-registered|redirect-uri-not-absolute/i,
      },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The redirect URI is not registered for this client, not absolute, or (at the token endpoint) not the one used at authorize.',
      source: SPEC,
    },
    {
      match: { vendorCode: /unknown-tenant|tenant-invalid|token(:|%3A|%253A)invalid-tenant/i },
      code: 'CLIENT_UNKNOWN',
      means:
        'The tenant (Millennium domain id in the URL) is unknown, or this client is not registered for it.',
      fix: 'Use the tenant id and token/authorize URLs from the .well-known/smart-configuration of the FHIR base you call.',
      source: SPEC,
    },
    {
      match: { vendorCode: /unauthorized-client-for-tenant/i },
      code: 'CLIENT_DISABLED',
      means: 'The client is known but the organization has not authorized it for this tenant.',
      fix: 'Ask the organization to enable the app for its tenant.',
      source: SPEC,
    },
    {
      match: { vendorCode: /client-persona-mismatch/i },
      code: 'CLIENT_UNKNOWN',
      means:
        'The app is registered for another persona (patient or provider) than the authorize endpoint used.',
      fix: 'Use the authorize endpoint of the app persona: patient apps the fhir-myrecord host discovery, provider apps fhir-ehr.',
      source: 'https://github.com/jwilleke/yourphr/issues/338',
    },
    {
      match: { vendorCode: /unsupported-response-type/i },
      code: 'REQUEST_MALFORMED',
      means: 'A response_type other than "code" was requested.',
      source: SPEC,
    },
    {
      match: { vendorCode: /denied-by-server/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The server denied the grant because the client is not authorized for any of the scopes it requested.',
      fix: 'Request only scopes registered for the app in the code Console, and ask the organisation to enable the app for this tenant (an app it has not enabled is authorized for no scope).',
      source: SPEC,
    },
    {
      match: { vendorCode: /denied-by-user|authentication(:|%3A|%253A)cancelled/i },
      code: 'AUTHORIZATION_DENIED',
      means: 'The user denied the grant or cancelled the sign-in.',
      source: SPEC,
    },
    {
      match: { vendorCode: /invalid-patient-id/i },
      code: 'AUTHORIZATION_DENIED',
      means: 'The selected patient does not exist or the user may not access that patient.',
      source: SPEC,
    },
    {
      match: { vendorCode: /launch(:|%3A|%253A)audience-required|audience-not-white-listed/i },
      code: 'LAUNCH_AUD_MISSING',
      means:
        'A launch scope was requested without an aud, or the aud (FHIR base URL) is not approved.',
      fix: 'Send aud = the FHIR base URL of the tenant, exactly as the EHR passed it in iss.',
      source: SPEC,
    },
    {
      match: { vendorCode: /launch-code-required|launch(:|%3A|%253A)invalid-code/i },
      code: 'REQUEST_MALFORMED',
      means: 'The launch scope was requested without a valid launch parameter from the EHR.',
      source: SPEC,
    },
    {
      match: { vendorCode: /mismatch(t)?ed-identity/i },
      code: 'LOGIN_REQUIRED',
      means:
        'A different user is signed in to the EHR launch on this device than the one the launch expects.',
      fix: 'Sign out of the other Cerner session (or retry in a private window) and launch again.',
      source: SPEC,
    },
    {
      match: {
        vendorCode:
          /server-error|preauthentication|session-service(:|%3A|%253A)authentication(:|%3A|%253A)error/i,
      },
      code: 'SERVER_ERROR',
      means: 'Oracle Health reports an unspecified server-side error.',
      source: SPEC,
    },
    // ---- token endpoint: grants -------------------------------------------------------------
    {
      match: { vendorCode: /token(:|%3A|%253A)unsupported-grant-type/i },
      code: 'GRANT_TYPE_INVALID',
      means: 'The grant type is not one Oracle Health supports.',
      source: SPEC,
    },
    {
      match: { vendorCode: /empty-scopes/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The resulting token would have no scopes: none of the requested scopes is registered for the app (or still authorized).',
      fix: 'Register the scopes on the app in the code Console, or request only the registered ones.',
      source: SPEC,
    },
    {
      match: {
        vendorCode:
          /code-invalid-or-expired|code(:|%3A|%253A)invalid|code(:|%3A|%253A)client(:|%3A|%253A)mismatch|code(:|%3A|%253A)tenant(:|%3A|%253A)mismatch/i,
      },
      code: 'CODE_INVALID',
      means:
        'The authorization code is invalid, expired, or was issued to another client or tenant.',
      source: AUTHZ,
      versions: 'code-invalid-or-expired (docs example), code:invalid (specification list)',
    },
    {
      match: { vendorCode: /tenant-terminated/i },
      code: 'CLIENT_DISABLED',
      means: 'The client is no longer authorized to access this tenant.',
      source: SPEC,
    },
    {
      match: { vendorCode: /refresh-token(:|%3A|%253A)token-invalid/i },
      code: 'REFRESH_INVALID',
      means: 'The refresh token is invalid, expired, or was revoked by the user.',
      source: SPEC,
    },
    {
      match: { vendorCode: /refresh-token(:|%3A|%253A)session-invalid/i },
      code: 'REFRESH_INVALID',
      means: 'The online_access refresh token is no longer usable because the user session ended.',
      fix: 'Send the user through authorization again (online_access tokens live only as long as the session).',
      source: SPEC,
    },
    {
      match: { vendorCode: /patient-scope-requires-one-patient-id|invalid-testing-scenario/i },
      code: 'SCOPE_INVALID_FOR_GRANT',
      means:
        'The requested scopes cannot be combined this way (patient/ scopes need exactly one patient).',
      source: SPEC,
    },
    // ---- FHIR resource server ---------------------------------------------------------------
    {
      match: {
        status: 401,
        text: /token has expired or signature is invalid/i,
        endpoint: 'resource',
      },
      code: 'TOKEN_EXPIRED',
      means:
        'The FHIR server rejected the access token as expired or badly signed; Oracle Health tokens live about 570 seconds.',
      fix: 'Refresh or request a new access token before expires_in runs out.',
      source: 'https://github.com/smart-on-fhir/client-js/issues/97',
    },
    {
      match: {
        status: 401,
        text: /bearer realm="[^"]*", error="invalid_token"/i,
        endpoint: 'resource',
      },
      code: 'TOKEN_INVALID',
      means:
        'The FHIR server refused the access token; Oracle Health copies its WWW-Authenticate challenge into the OperationOutcome diagnostics.',
      source: 'https://github.com/smart-on-fhir/client-js/issues/124',
    },
    {
      match: { status: 401, text: /tenant-mismatch/i, endpoint: 'resource' },
      code: 'TOKEN_AUDIENCE_MISMATCH',
      means: 'The access token was issued for another tenant or FHIR host than the one called.',
      fix: "Get the token from the token endpoint advertised by this FHIR base's .well-known/smart-configuration.",
      source: 'https://forums.oracle.com/ords/apexds/post/401-tenant-mismatch-errors-in-prod-7982',
    },
  ],
};
