import type { Dialect } from './types.js';

const OE_CCG =
  'openemr/openemr src/Common/Auth/OpenIDConnect/Grant/CustomClientCredentialsGrant.php@01eb3471374e0a3f848b02b77e8b8e404cfce673';
const OE_POLICY =
  'openemr/openemr src/Common/Auth/OpenIDConnect/ClientGrantTypePolicy.php@0b97d4e1f75e929f164dcec1478ad9d4994dd23f';
const OE_LISTENER =
  'openemr/openemr src/RestControllers/Subscriber/OAuth2AuthorizationListener.php@master';
const LEAGUE_EXC =
  'thephpleague/oauth2-server src/Exception/OAuthServerException.php@00a7972f74359eee15a689f5e6b87e9e4b4106d3';
const LEAGUE_AUTHCODE =
  'thephpleague/oauth2-server src/Grant/AuthCodeGrant.php@009c109716cf58cb0c35b24fbf4cd2f89a25e0ac';
const LEAGUE_REFRESH =
  'thephpleague/oauth2-server src/Grant/RefreshTokenGrant.php@06162f3fe36ba2a42e87244fc470ee71470c2820';

/**
 * OpenEMR: its OAuth2/SMART server is league/oauth2-server (error, error_description, hint,
 * message) plus OpenEMR's own grants; texts from CustomClientCredentialsGrant, ClientGrantTypePolicy,
 * the league grants and exceptions, and captures in openemr issues and community.open-emr.org.
 */
export const openemr: Dialect = {
  id: 'openemr',
  name: 'OpenEMR',
  hosts:
    /\/oauth2\/[\w-]+\/(token|authorize|registration|introspect|userinfo|jwk|logout)\b|\/apis\/[\w-]+\/(fhir|api|portal)\b|\bopenemr\b/i,
  rows: [
    {
      // league/oauth2-server's invalidClient(): one answer for every client-authentication failure.
      match: {
        error: 'invalid_client',
        text: /^Client authentication failed$/i,
        endpoint: 'token',
      },
      code: 'CLIENT_DISABLED',
      generic: true,
      candidates: [
        'CLIENT_DISABLED',
        'ASSERTION_SIGNATURE_INVALID',
        'ASSERTION_AUD_MISMATCH',
        'CLIENT_UNKNOWN',
      ],
      means:
        'OpenEMR gives this one answer for every failed client authentication: a client that is registered but not yet enabled by an admin (new clients start disabled), an assertion its registered JWKS does not verify, an aud other than the Site Address token URL, or an unknown client_id.',
      source: `${LEAGUE_EXC}; ${OE_CCG}; https://github.com/openemr/openemr/issues/12303`,
    },
    // client_credentials accepts only a jwt-bearer client assertion
    {
      match: {
        error: 'invalid_request',
        text: /assertion type is not supported/i,
        endpoint: 'token',
        authMethod: ['private_key_jwt', 'client_secret_jwt'],
      },
      code: 'ASSERTION_TYPE_INVALID',
      means:
        'OpenEMR did not get client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer with the client assertion.',
      fix: 'Send client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer exactly, next to client_assertion.',
      source: OE_CCG,
      versions: '≥ 6.0 (client_credentials grant)',
    },
    {
      match: {
        error: 'invalid_request',
        text: /assertion type is not supported/i,
        endpoint: 'token',
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'OpenEMR’s client_credentials grant only accepts a private_key_jwt client assertion; a client secret (Basic or form) is not accepted for it.',
      fix: 'Register a JWKS (jwks_uri or jwks) for the client and authenticate with a signed RS384 client assertion (client_assertion_type jwt-bearer) instead of the secret.',
      source: OE_CCG,
      versions: '≥ 6.0 (client_credentials grant)',
    },
    // grant types stored on the client record are enforced (2026)
    {
      match: {
        error: 'unauthorized_client',
        text: /not registered for this client|not authorized to use this authorization grant type/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'The client authenticated, but its OpenEMR client record is not registered for this grant type.',
      fix: 'Add the grant type to the client in Administration → System → API Clients (the password grant can only be given there by an admin), or register the client again with that grant type.',
      source: OE_POLICY,
      versions: 'master from 2026 (ClientGrantTypePolicy)',
    },
    {
      match: {
        error: 'invalid_client_metadata',
        text: /client_credentials requires a confidential client/i,
        endpoint: 'registration',
      },
      code: 'CLIENT_METADATA_INVALID',
      means:
        'OpenEMR registers client_credentials only for a confidential client that sends jwks or jwks_uri and system/ scopes.',
      fix: 'Register with application_type private, a jwks_uri (or jwks) and system/ scopes, or leave client_credentials out of grant_types.',
      source: OE_POLICY,
      versions: 'master from 2026 (ClientGrantTypePolicy)',
    },
    {
      match: {
        error: 'invalid_client_metadata',
        text: /grant_types must be a non-empty array|Unsupported grant_types value|refresh_token requires a grant/i,
        endpoint: 'registration',
      },
      code: 'CLIENT_METADATA_INVALID',
      means:
        'OpenEMR rejected the grant_types of the registration: empty, not a list, an unknown grant, or refresh_token alone.',
      fix: 'Send grant_types as a list of authorization_code, refresh_token and client_credentials (refresh_token only together with a grant that issues refresh tokens).',
      source: OE_POLICY,
      versions: 'master from 2026 (ClientGrantTypePolicy)',
    },
    // scopes
    {
      match: {
        error: 'invalid_scope',
        text: /Specify a scope in the request or set a default scope/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'The request carried no scope and OpenEMR has no default scope.',
      fix: 'Send the scope parameter (space-separated), e.g. openid api:fhir and the resource scopes.',
      source: LEAGUE_EXC,
    },
    {
      match: { error: 'invalid_scope', text: /Check the `api:(port|oemr)` scope/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'OpenEMR refused the standard or portal API scope: it only accepts api:oemr and api:port scopes when api:fhir is requested too.',
      fix: 'Add api:fhir to the requested scope (and register it on the client).',
      source: 'https://community.open-emr.org/t/patient-portal-oauth-token/15940',
      versions: '6.x–7.x (openemr/openemr#5833)',
    },
    {
      match: { error: 'invalid_scope', text: /requested scope is invalid, unknown, or malformed/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'OpenEMR does not know the scope named in the hint, or the client is not registered for it; system/ scopes exist only when FHIR System Scopes are switched on.',
      fix: 'Request only scopes registered on the client; for system/ scopes enable “Enable OpenEMR FHIR System Scopes” (Administration → Config → Connectors) and register them on the client.',
      source: LEAGUE_EXC,
    },
    // grant type / authorize request shape
    {
      match: {
        error: 'unsupported_grant_type',
        text: /Check that all required parameters have been provided|not supported by the authorization server/i,
        endpoint: 'authorize',
      },
      code: 'REQUEST_MALFORMED',
      means:
        'At the authorize endpoint this means no grant recognised the request: response_type=code and client_id were not in the query string.',
      fix: 'Send response_type=code, client_id, redirect_uri, scope, state (and aud for SMART) as query parameters of the authorize URL.',
      source: LEAGUE_AUTHCODE,
    },
    {
      match: {
        error: 'unsupported_grant_type',
        text: /authorization grant type is not supported/i,
        endpoint: 'token',
      },
      code: 'GRANT_TYPE_INVALID',
      means:
        'OpenEMR has no grant enabled for this grant_type: it is missing or misspelled, or the grant is switched off on the server (the password grant is off by default).',
      fix: 'Send grant_type authorization_code, refresh_token or client_credentials; the password grant needs “Enable OAuth2 Password Grant” in Administration → Config → Connectors.',
      source: LEAGUE_EXC,
    },
    {
      match: { error: 'invalid_request', text: /Check the `client_id` parameter/i },
      code: 'REQUEST_MALFORMED',
      means:
        'OpenEMR found no client_id: neither in the form body nor in an HTTP Basic Authorization header.',
      fix: 'Send client_id in the body (public clients) or the client_id:secret pair in HTTP Basic.',
      source: 'https://github.com/openemr/openemr/issues/7182',
    },
    // PKCE
    {
      match: {
        error: 'invalid_request',
        text: /Code challenge must be provided for public clients|Check the `code_challenge` parameter/i,
        endpoint: 'authorize',
      },
      code: 'PKCE_REQUIRED',
      means:
        'OpenEMR requires PKCE for this client and the authorize request had no code_challenge.',
      fix: 'Send code_challenge (S256 of the code_verifier) and code_challenge_method=S256.',
      source: LEAGUE_AUTHCODE,
    },
    {
      match: { error: 'invalid_request', text: /Code challenge method must be/i },
      code: 'PKCE_MISMATCH',
      means: 'The code_challenge_method is not one OpenEMR accepts.',
      fix: 'Send code_challenge_method=S256.',
      source: LEAGUE_AUTHCODE,
    },
    {
      match: {
        error: 'invalid_request',
        text: /Code (challenged?|verifier) must follow the specifications of RFC-7636/i,
      },
      code: 'PKCE_MISMATCH',
      means:
        'The code_challenge or code_verifier is not 43–128 characters of the RFC 7636 alphabet (A–Z, a–z, 0–9, -._~).',
      fix: 'Generate a 43–128 character verifier and send its base64url (unpadded) SHA-256 as the challenge.',
      source: LEAGUE_AUTHCODE,
    },
    {
      match: { error: 'invalid_grant', text: /Failed to verify `code_verifier`/i },
      code: 'PKCE_MISMATCH',
      means:
        'The code_verifier does not hash to the code_challenge sent to the authorize endpoint.',
      source: LEAGUE_AUTHCODE,
    },
    {
      match: {
        error: 'invalid_request',
        text: /Check the `code_verifier` parameter/i,
        endpoint: 'token',
      },
      code: 'PKCE_MISMATCH',
      means:
        'The code was issued with a code_challenge but the token request had no code_verifier.',
      fix: 'Send the code_verifier that belongs to this authorization request.',
      source: LEAGUE_AUTHCODE,
    },
    // authorization code
    {
      match: { text: /Authorization code has expired/i, endpoint: 'token' },
      code: 'CODE_INVALID',
      means: 'The authorization code is past its lifetime.',
      fix: 'Exchange the code right after the redirect; start a new authorization to get a fresh code.',
      source: LEAGUE_AUTHCODE,
    },
    {
      match: { text: /Authorization code has been revoked/i, endpoint: 'token' },
      code: 'CODE_INVALID',
      means:
        'The authorization code was already used (OpenEMR revokes a code once it is exchanged).',
      fix: 'Use each code once; start a new authorization.',
      source: LEAGUE_AUTHCODE,
    },
    {
      match: { text: /Authorization code was not issued to this client/i, endpoint: 'token' },
      code: 'CODE_INVALID',
      means: 'The authorization code belongs to another client_id.',
      source: LEAGUE_AUTHCODE,
    },
    {
      match: { text: /Cannot decrypt the authorization code/i, endpoint: 'token' },
      code: 'CODE_INVALID',
      means:
        'OpenEMR could not decrypt the code: it was altered or truncated, or it comes from another OpenEMR site or key.',
      fix: 'Send the code exactly as received on the redirect (URL-decoded once).',
      source: LEAGUE_AUTHCODE,
    },
    {
      match: {
        error: 'invalid_request',
        text: /Invalid redirect URI|Check the `redirect_uri` parameter/i,
        endpoint: 'token',
      },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The redirect_uri of the token request is missing or differs from the one sent to the authorize endpoint.',
      fix: 'Send the same redirect_uri, byte for byte, in the authorize and the token request.',
      source: LEAGUE_AUTHCODE,
    },
    // refresh tokens
    {
      match: {
        text: /Token has expired|Token has been revoked|Token is not linked to client|Cannot decrypt the refresh token/i,
        endpoint: 'token',
      },
      code: 'REFRESH_INVALID',
      means:
        'The refresh token is expired, revoked (OpenEMR rotates refresh tokens on use), issued to another client, or not a token of this server.',
      fix: 'Store the refresh token returned by each refresh and use only the newest; otherwise sign in again.',
      source: LEAGUE_REFRESH,
    },
    {
      match: { text: /The refresh token is invalid/i, endpoint: 'token' },
      code: 'REFRESH_INVALID',
      means:
        'OpenEMR refused the refresh token (expired, revoked, rotated away or another client’s); it answers 401 invalid_request for this, not 400 invalid_grant.',
      fix: 'Treat this answer like invalid_grant: drop the refresh token and sign in again.',
      source: 'https://github.com/openemr/openemr/issues/13613',
      versions: '7.x (league/oauth2-server 8)',
    },
    {
      match: { text: /The user credentials were incorrect/i, endpoint: 'token' },
      code: 'USER_CREDENTIALS_INVALID',
      means:
        'The username or password of the password grant is wrong (or the user/patient cannot use the API).',
      source: LEAGUE_EXC,
    },
    {
      match: {
        error: 'access_denied',
        text: /resource owner or authorization server denied the request/i,
        endpoint: 'authorize',
      },
      code: 'AUTHORIZATION_DENIED',
      means: 'The user (or OpenEMR) declined the authorization request.',
      source: LEAGUE_AUTHCODE,
    },
    // OpenEMR's own answers
    {
      match: { status: 404, text: /API is disabled/i },
      code: 'ENDPOINT_NOT_FOUND',
      means:
        'The OpenEMR REST, FHIR and portal APIs are all switched off, so every OAuth2 endpoint answers 404.',
      fix: 'Administration → Config → Connectors: enable the Standard REST API and the Standard FHIR REST API, and set the Site Address.',
      source: OE_LISTENER,
    },
    {
      match: { status: 403, text: /Invalid registration token/i, endpoint: 'registration' },
      code: 'TOKEN_INVALID',
      means:
        'OpenEMR refused the registration access token at the client configuration endpoint (RFC 7592); in current versions it refuses every token there (openemr/openemr#12324).',
      source: 'https://github.com/openemr/openemr/issues/12324',
    },
    {
      match: { error: 'server_error', text: /Server was not properly setup/i },
      code: 'SERVER_ERROR',
      means: 'OpenEMR has no API system user, so it cannot issue client_credentials tokens.',
      fix: 'Ask the OpenEMR administrator to repair the installation (the system user is created by the installer/upgrade).',
      source: OE_CCG,
    },
  ],
};
