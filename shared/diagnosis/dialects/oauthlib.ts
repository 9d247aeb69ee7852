import type { Dialect } from './types.js';

const ERRORS = 'oauthlib/oauthlib oauthlib/oauth2/rfc6749/errors.py@v3.2.2';
const AUTHCODE =
  'oauthlib/oauthlib oauthlib/oauth2/rfc6749/grant_types/authorization_code.py@v3.2.2';
const OIDC_BASE = 'oauthlib/oauthlib oauthlib/openid/connect/core/grant_types/base.py@v3.2.2';
const DOT_VALIDATORS =
  'django-oauth/django-oauth-toolkit oauth2_provider/oauth2_validators.py@1.7.0';

/**
 * Python oauthlib (and django-oauth-toolkit on top of it): texts from oauthlib's error classes and
 * grant types, and DOT's validators / DRF authentication. Bodies are json.dumps ({"error": "…"});
 * most failures carry no error_description; fatal authorize errors render DOT's
 * "Error: <code>" page instead of redirecting.
 */
export const oauthlib: Dialect = {
  id: 'oauthlib',
  name: 'oauthlib / django-oauth-toolkit',
  hosts: /\/o\/(?:token|authorize|introspect|revoke_token|userinfo)\/?(?:$|[?#])/i,
  rows: [
    {
      match: { error: 'invalid_request', text: /Mismatching redirect URI/i },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        "The redirect_uri is not one of the application's registered Redirect URIs (at the token endpoint: not the one used on the authorize request).",
      source: ERRORS,
    },
    {
      match: { error: 'mismatching_redirect_uri' },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'Old oauthlib code for a redirect_uri that is not registered for the client.',
      source: 'https://github.com/authlib/example-oauth2-server/issues/1',
      versions: 'oauthlib before 1.0',
    },
    {
      match: { error: 'invalid_request', text: /Invalid redirect URI\./i },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The redirect_uri is not an absolute URI, or the default registered one is not valid.',
      source: ERRORS,
    },
    {
      match: { error: 'invalid_request', text: /Missing redirect URI\./i },
      code: 'REQUEST_MALFORMED',
      means: 'No redirect_uri was sent and the client has no single default to fall back on.',
      source: ERRORS,
    },
    {
      match: { error: 'invalid_request', text: /Invalid client_id parameter value/i },
      code: 'CLIENT_UNKNOWN',
      means: 'The server does not know this client_id.',
      source: ERRORS,
    },
    {
      match: { error: 'invalid_request', text: /Missing client_id parameter/i },
      code: 'REQUEST_MALFORMED',
      means: 'The authorize request has no client_id.',
      source: ERRORS,
    },
    {
      match: { error: 'invalid_request', text: /Missing response_type parameter/i },
      code: 'REQUEST_MALFORMED',
      means: 'The authorize request has no response_type.',
      source: ERRORS,
    },
    {
      match: { error: 'invalid_request', text: /Code challenge required/i },
      code: 'PKCE_REQUIRED',
      means: 'The server requires PKCE and the authorize request had no code_challenge.',
      fix: 'Send code_challenge and code_challenge_method=S256 (django-oauth-toolkit 2.0+ sets PKCE_REQUIRED by default).',
      source: ERRORS,
    },
    {
      match: { error: 'invalid_request', text: /Code verifier required/i, endpoint: 'token' },
      code: 'PKCE_MISMATCH',
      means:
        'The code was issued with a code_challenge but the token request has no code_verifier.',
      source: ERRORS,
    },
    {
      match: { error: 'invalid_request', text: /Transform algorithm not supported/i },
      code: 'PKCE_MISMATCH',
      means: 'code_challenge_method is not one the server supports (plain or S256).',
      source: ERRORS,
    },
    {
      match: {
        error: 'invalid_grant',
        text: /^Challenge (?:method )?not found$/i,
        endpoint: 'token',
      },
      code: 'PKCE_MISMATCH',
      means: 'A code_verifier was sent but no code_challenge (or method) was stored with the code.',
      source: AUTHCODE,
    },
    {
      match: { error: 'invalid_grant', text: /Invalid credentials given/i, endpoint: 'token' },
      code: 'USER_CREDENTIALS_INVALID',
      means:
        'The password grant failed: the username or password is wrong (or the user is inactive).',
      source:
        'oauthlib/oauthlib oauthlib/oauth2/rfc6749/grant_types/resource_owner_password_credentials.py@v3.2.2',
    },
    {
      match: {
        error: 'invalid_request',
        text: /Request is missing grant type/i,
        endpoint: 'token',
      },
      code: 'GRANT_TYPE_INVALID',
      means: 'The token request has no grant_type.',
      source: 'oauthlib/oauthlib oauthlib/oauth2/rfc6749/grant_types/client_credentials.py@v3.2.2',
    },
    {
      match: { error: 'unsupported_grant_type', endpoint: 'token' },
      code: 'GRANT_TYPE_INVALID',
      means:
        'The grant_type is unknown to the server (missing or misspelled ones fall to the default handler and fail here).',
      source: 'oauthlib/oauthlib oauthlib/oauth2/rfc6749/endpoints/token.py@v3.2.2',
    },
    {
      match: { error: 'unauthorized_client' },
      code: 'GRANT_NOT_ALLOWED',
      means:
        "The application is not registered for this grant type / response type (DOT's Authorization grant type).",
      source: DOT_VALIDATORS,
    },
    {
      match: {
        error: 'invalid_client',
        endpoint: 'token',
        authMethod: ['client_secret_basic', 'client_secret_post'],
      },
      code: 'CLIENT_SECRET_INVALID',
      generic: true,
      candidates: ['CLIENT_SECRET_INVALID', 'CLIENT_UNKNOWN', 'AUTH_METHOD_MISMATCH'],
      means:
        'oauthlib gives no reason; the usual cause is a wrong secret (with django-oauth-toolkit 2.x, the hashed value copied from the admin instead of the plaintext), else an unknown client_id or credentials that never reached Django.',
      fix: 'Use the plaintext secret shown once when the application was created; behind Apache mod_wsgi set WSGIPassAuthorization On.',
      source: 'https://github.com/django-oauth/django-oauth-toolkit/issues/1193',
      versions: 'django-oauth-toolkit 2.0 and later hash client secrets',
    },
    {
      match: { error: 'invalid_scope' },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'A requested scope is not among the scopes the server (SCOPES setting or scopes backend) allows for this application.',
      source: ERRORS,
    },
    {
      match: { error: 'invalid_request', text: /Duplicate \w+ parameter/i },
      code: 'REQUEST_MALFORMED',
      means: 'A parameter was sent more than once.',
      source: AUTHCODE,
    },
    {
      match: { error: 'invalid_request', text: /Unable to parse query string/i },
      code: 'REQUEST_MALFORMED',
      means: 'The query string could not be parsed (malformed parameters or characters).',
      source: AUTHCODE,
    },
    {
      match: { error: 'invalid_request', text: /Missing (?:code|refresh token|token) parameter/i },
      code: 'REQUEST_MALFORMED',
      means: 'A required parameter (code, refresh_token or token) is missing.',
      source: AUTHCODE,
    },
    {
      match: {
        error: 'invalid_request',
        text: /URL query parameters are not allowed|Unsupported request method/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'The introspection/revocation request must be a POST with its parameters in the body.',
      source: 'oauthlib/oauthlib oauthlib/oauth2/rfc6749/endpoints/base.py@v3.2.2',
    },
    {
      match: {
        error: 'invalid_request',
        text: /missing mandatory nonce parameter/i,
        endpoint: 'authorize',
      },
      code: 'REQUEST_MALFORMED',
      means: 'Implicit and hybrid OpenID Connect requests need a nonce.',
      source: 'oauthlib/oauthlib oauthlib/openid/connect/core/grant_types/implicit.py@v3.2.2',
    },
    {
      match: {
        error: 'invalid_request',
        text: /Prompt none is mutually exclusive|Malformed claims parameter/i,
      },
      code: 'REQUEST_MALFORMED',
      means:
        'prompt=none was combined with other prompt values, or the claims parameter is not valid JSON.',
      source: OIDC_BASE,
    },
    {
      match: { error: 'login_required' },
      code: 'LOGIN_REQUIRED',
      means:
        'prompt=none but the user is not signed in (or is not the user named in id_token_hint).',
      source: OIDC_BASE,
    },
    {
      match: { error: 'consent_required' },
      code: 'CONSENT_REQUIRED',
      means: 'prompt=none but the user has not already authorized this client.',
      source: OIDC_BASE,
    },
    {
      match: {
        error: 'invalid_token',
        text: /The access token provided is expired, revoked, malformed, or invalid for other reasons/i,
      },
      code: 'TOKEN_INVALID',
      means: 'The access token was not accepted (expired, revoked or unknown).',
      source: ERRORS,
    },
    {
      match: {
        error: 'insufficient_scope',
        text: /requires higher privileges than provided by the access token/i,
      },
      code: 'RESOURCE_FORBIDDEN',
      means: 'The access token lacks a scope this resource needs.',
      source: ERRORS,
    },
    {
      match: { error: 'invalid_token', text: /The access token has expired/i },
      code: 'TOKEN_EXPIRED',
      means: 'django-oauth-toolkit says the access token is past its expiry.',
      source: DOT_VALIDATORS,
      versions: 'django-oauth-toolkit 1.1 and later (WWW-Authenticate)',
    },
    {
      match: { error: 'invalid_token', text: /The access token is invalid/i },
      code: 'TOKEN_INVALID',
      means: 'django-oauth-toolkit does not know this access token.',
      source: DOT_VALIDATORS,
      versions: 'django-oauth-toolkit 1.1 and later (WWW-Authenticate)',
    },
    {
      match: { error: 'insufficient_scope', text: /valid but does not have enough scope/i },
      code: 'RESOURCE_FORBIDDEN',
      means: 'The access token is valid but lacks the scopes the view requires.',
      source: DOT_VALIDATORS,
      versions: 'django-oauth-toolkit 1.1 and later (WWW-Authenticate)',
    },
  ],
};
