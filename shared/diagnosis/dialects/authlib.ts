import type { Dialect } from './types.js';

/**
 * Authlib (Python): error texts come from its OAuth2Error subclasses and the grant, PKCE and
 * client-assertion checks; 1.2.0 quotes names with double quotes ("code"), later releases with
 * single quotes ('code'), so the rows accept either. Sources: authlib/authlib authlib/oauth2/**
 * at v1.2.0 and at recent commits, issue captures (authlib/authlib, authlib/example-oauth2-server).
 */
export const authlib: Dialect = {
  id: 'authlib',
  name: 'Authlib',
  rows: [
    // --- authorization code, redirect_uri and PKCE (token endpoint) ---
    {
      match: { text: /invalid .code. in request/i, endpoint: 'token' },
      code: 'CODE_INVALID',
      means:
        'Authlib found no authorization code with this value for this client: it is unknown, already used, expired, or was issued to another client.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/authorization_code.py@v1.2.0',
      versions:
        'invalid_grant since 1.1 (invalid_request before); single quotes in recent releases',
    },
    {
      match: { text: /invalid .redirect_uri. in request/i, endpoint: 'token' },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The redirect_uri of the token request is not the one the authorization request used for this code.',
      fix: 'Send exactly the redirect_uri string of the authorization request (or none if that request had none).',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/authorization_code.py@v1.2.0',
    },
    {
      match: { text: /there is no .user. for this code/i },
      code: 'CODE_INVALID',
      means: 'The authorization code points to a user the server can no longer find.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/authorization_code.py@v1.2.0',
    },
    {
      match: { text: /there is no .user. for this token/i },
      code: 'REFRESH_INVALID',
      means: 'The refresh token points to a user the server can no longer find.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/refresh_token.py@v1.2.0',
    },
    {
      match: { text: /code challenge failed/i },
      code: 'PKCE_MISMATCH',
      means:
        'The code_verifier does not match the code_challenge sent with the authorization request.',
      source: 'authlib/authlib authlib/oauth2/rfc7636/challenge.py@v1.2.0',
    },
    {
      match: { text: /missing .code_verifier./i },
      code: 'PKCE_MISMATCH',
      means:
        'The code was issued with a code_challenge (or the client is public and PKCE is required), but no code_verifier was sent.',
      fix: 'Send the code_verifier that produced the code_challenge of the authorization request.',
      source: 'authlib/authlib authlib/oauth2/rfc7636/challenge.py@v1.2.0',
    },
    {
      match: { text: /invalid .code_verifier./i },
      code: 'PKCE_MISMATCH',
      means:
        'The code_verifier is not 43-128 characters of A-Z, a-z, 0-9 and "-._~", as RFC 7636 requires.',
      source: 'authlib/authlib authlib/oauth2/rfc7636/challenge.py@v1.2.0',
    },
    {
      match: { text: /missing .code_challenge./i, endpoint: 'authorize' },
      code: 'PKCE_REQUIRED',
      means:
        'The authorization request has no code_challenge (it sent code_challenge_method alone, or PKCE is required).',
      source: 'authlib/authlib authlib/oauth2/rfc7636/challenge.py@v1.2.0',
    },
    {
      match: { text: /unsupported .code_challenge_method./i, endpoint: 'authorize' },
      code: 'PKCE_MISMATCH',
      means:
        'The code_challenge_method is not one the server supports (usually plain where only S256 is allowed).',
      fix: 'Use code_challenge_method=S256.',
      source: 'authlib/authlib authlib/oauth2/rfc7636/challenge.py@v1.2.0',
    },
    // --- grants and clients ---
    {
      match: { error: 'unauthorized_client', text: /not authorized to use .grant_type=/i },
      code: 'GRANT_NOT_ALLOWED',
      means: 'The client is registered without this grant type (check_grant_type refused it).',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/authorization_code.py@v1.2.0',
    },
    {
      match: { error: 'unauthorized_client', text: /not authorized to use .response_type=/i },
      code: 'GRANT_NOT_ALLOWED',
      means: 'The client is registered without this response_type.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/authorization_code.py@v1.2.0',
    },
    {
      match: { error: 'unauthorized_client', endpoint: 'token' },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'Authlib refused the grant for this client (the password, client_credentials, refresh_token and device grants say so without a description).',
      fix: "Add the grant type to the client's registered grant types (one value per entry).",
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/client_credentials.py@v1.2.0',
    },
    {
      match: { error: 'unsupported_grant_type', endpoint: 'token' },
      code: 'GRANT_TYPE_INVALID',
      means:
        'No registered grant handles this grant_type; Authlib also says this when grant_type is missing because the request was not a POST with a form body.',
      fix: 'POST application/x-www-form-urlencoded with a grant_type the server has registered.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/authorization_server.py@v1.2.0',
    },
    {
      match: { text: /grant_type=\S* is not supported/i },
      code: 'GRANT_TYPE_INVALID',
      means: 'No registered grant handles this grant_type.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/errors.py@v1.2.0',
    },
    {
      match: { text: /response_type=\S* is not supported/i },
      code: 'GRANT_NOT_ALLOWED',
      means: 'No registered grant handles this response_type.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/errors.py@v1.2.0',
    },
    {
      match: { text: /redirect uri \S+ is not supported by client/i },
      code: 'REDIRECT_URI_MISMATCH',
      means: "The redirect_uri is not one of the client's registered redirect URIs.",
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/base.py@v1.2.0',
    },
    {
      match: { text: /missing .redirect_uri. in request/i },
      code: 'REQUEST_MALFORMED',
      means: 'The client has no default redirect URI, so the authorization request must carry one.',
      fix: 'Send redirect_uri with one of the registered values.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/base.py@v1.2.0',
    },
    {
      match: {
        text: /missing .(code|refresh_token|username|password|assertion|device_code). in (request|payload)/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'A parameter the grant requires is missing from the form body.',
      source:
        'authlib/authlib authlib/oauth2/rfc6749/grants/resource_owner_password_credentials.py@v1.2.0',
    },
    {
      match: { text: /invalid .username. or .password. in request/i },
      code: 'USER_CREDENTIALS_INVALID',
      means: 'The password grant could not authenticate this username and password.',
      source:
        'authlib/authlib authlib/oauth2/rfc6749/grants/resource_owner_password_credentials.py@v1.2.0',
    },
    {
      match: { error: 'invalid_scope', text: /requested scope is invalid, unknown, or malformed/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        "A requested scope is not in the server's scopes_supported, or exceeds what the refresh token was granted.",
      source: 'authlib/authlib authlib/oauth2/rfc6749/errors.py@v1.2.0',
    },
    {
      match: {
        error: 'access_denied',
        text: /resource owner or authorization server denied the request/i,
      },
      code: 'AUTHORIZATION_DENIED',
      means: 'The user (or the application on their behalf) refused the authorization request.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/errors.py@v1.2.0',
    },
    {
      match: { error: 'invalid_client', endpoint: 'authorize' },
      code: 'CLIENT_UNKNOWN',
      means:
        'At the authorization endpoint Authlib says invalid_client only when client_id is missing or unknown.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/authorization_code.py@v1.2.0',
    },
    {
      match: { text: /the client does not exist on this server/i },
      code: 'CLIENT_UNKNOWN',
      means: 'No client is registered with this client_id (or the assertion sub).',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/authorization_code.py@c4753de1acbd',
      versions: 'recent releases (1.2.0 sends a bare invalid_client)',
    },
    {
      match: { text: /missing .client_id. parameter/i },
      code: 'REQUEST_MALFORMED',
      means: 'The authorization request has no client_id.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/grants/authorization_code.py@c4753de1acbd',
      versions: 'recent releases',
    },
    {
      match: { error: 'invalid_client', text: /the client cannot authenticate with methods?:/i },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The request did not authenticate with any method this grant accepts for this client (for example no secret from a public client where only client_secret_basic/post are allowed).',
      fix: "Use one of the methods the message lists, or add the client's method to the grant's TOKEN_ENDPOINT_AUTH_METHODS.",
      source: 'https://github.com/geigerzaehler/oidc-provider-mock/issues/216',
      versions: 'recent releases (1.2.0 sends a bare invalid_client)',
    },
    // --- client assertion (RFC 7523) ---
    {
      match: { error: 'invalid_client', text: /issuer and subject must match/i },
      code: 'ASSERTION_ISS_SUB_MISMATCH',
      means: 'The client_assertion iss and sub differ; both must be the client_id.',
      source: 'authlib/authlib authlib/oauth2/rfc7523/client.py@940b546301d9',
      versions: 'recent releases',
    },
    {
      match: { error: 'invalid_client', text: /missing jwt id/i },
      code: 'ASSERTION_MISSING_CLAIM',
      means: 'The client_assertion has no jti claim.',
      source: 'authlib/authlib authlib/oauth2/rfc7523/client.py@940b546301d9',
      versions: 'recent releases',
    },
    {
      match: { error: 'invalid_client', text: /jwt id is used before/i },
      code: 'ASSERTION_JTI_REUSED',
      means: 'This jti was already used in an earlier client_assertion.',
      source: 'authlib/authlib authlib/oauth2/rfc7523/client.py@940b546301d9',
      versions: 'recent releases',
    },
    {
      match: { error: 'invalid_client', text: /invalid jwt payload/i },
      code: 'REQUEST_MALFORMED',
      means: 'The client_assertion payload is not JSON.',
      source: 'authlib/authlib authlib/oauth2/rfc7523/client.py@940b546301d9',
      versions: 'recent releases',
    },
    {
      match: { error: 'invalid_grant', text: /invalid .sub. value in assertion/i },
      code: 'ASSERTION_ISS_SUB_MISMATCH',
      means: 'The JWT bearer grant assertion names a subject the server does not know.',
      source: 'authlib/authlib authlib/oauth2/rfc7523/jwt_bearer.py@v1.2.0',
    },
    // --- OpenID Connect authorization ---
    {
      match: { error: 'login_required', endpoint: 'authorize' },
      code: 'LOGIN_REQUIRED',
      means: 'prompt=none was sent but the user is not signed in at the server.',
      source: 'authlib/authlib authlib/oidc/core/grants/util.py@v1.2.0',
    },
    {
      match: { error: ['consent_required', 'account_selection_required'], endpoint: 'authorize' },
      code: 'CONSENT_REQUIRED',
      means: 'The request asked for consent or account selection, which needs the user present.',
      source: 'authlib/authlib authlib/oidc/core/grants/util.py@v1.2.0',
    },
    {
      match: { text: /missing .nonce. in request/i },
      code: 'REQUEST_MALFORMED',
      means: 'This OpenID Connect flow requires a nonce parameter.',
      source: 'authlib/authlib authlib/oidc/core/grants/util.py@v1.2.0',
    },
    {
      match: { error: 'invalid_request', text: /replay attack/i, endpoint: 'authorize' },
      code: 'REQUEST_MALFORMED',
      means: 'The nonce was already used in an earlier authorization request.',
      fix: 'Generate a fresh random nonce for every authorization request.',
      source: 'authlib/authlib authlib/oidc/core/grants/util.py@v1.2.0',
    },
    // --- resource server (ResourceProtector) ---
    {
      match: {
        error: 'invalid_token',
        text: /access token provided is expired, revoked, malformed, or invalid for other reasons/i,
      },
      code: 'TOKEN_INVALID',
      means:
        'The token validator refused the access token; Authlib uses this one text for unknown, expired and revoked tokens alike.',
      source: 'authlib/authlib authlib/oauth2/rfc6750/errors.py@v1.2.0',
    },
    {
      match: { error: 'insufficient_scope' },
      code: 'RESOURCE_FORBIDDEN',
      means: 'The access token is valid but lacks a scope this API requires.',
      source: 'authlib/authlib authlib/oauth2/rfc6750/errors.py@v1.2.0',
    },
    {
      match: { error: 'missing_authorization' },
      code: 'REQUEST_MALFORMED',
      means: 'The API call carried no Authorization header.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/errors.py@v1.2.0',
    },
    {
      match: { error: 'unsupported_token_type', endpoint: 'resource' },
      code: 'REQUEST_MALFORMED',
      means:
        'The Authorization header uses a scheme (token type) the API does not accept, usually not Bearer.',
      source: 'authlib/authlib authlib/oauth2/rfc6749/resource_protector.py@v1.2.0',
    },
    // --- registration (RFC 7591 / 7592) ---
    {
      match: {
        error: ['invalid_client_metadata', 'invalid_redirect_uri'],
        endpoint: 'registration',
      },
      code: 'CLIENT_METADATA_INVALID',
      means:
        'The registration request carries a client metadata value the server rejects (the description names the claim).',
      source: 'authlib/authlib authlib/oauth2/rfc7591/endpoint.py@v1.2.0',
    },
    {
      match: {
        error: ['invalid_software_statement', 'unapproved_software_statement'],
        endpoint: 'registration',
      },
      code: 'CLIENT_METADATA_INVALID',
      means: 'The software_statement could not be verified, or is not approved by this server.',
      source: 'authlib/authlib authlib/oauth2/rfc7591/endpoint.py@v1.2.0',
    },
    // --- device flow ---
    {
      match: { error: 'slow_down', endpoint: 'token' },
      code: 'RATE_LIMITED',
      means: 'The device is polling the token endpoint faster than the interval allows.',
      source: 'authlib/authlib authlib/oauth2/rfc8628/errors.py@v1.2.0',
    },
    {
      match: { error: 'expired_token', endpoint: 'token' },
      code: 'DEVICE_CODE_EXPIRED',
      means: 'The device_code expired before the user finished authorizing.',
      source: 'authlib/authlib authlib/oauth2/rfc8628/errors.py@v1.2.0',
    },
  ],
};
