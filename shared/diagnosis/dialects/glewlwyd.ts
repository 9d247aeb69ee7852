import type { Dialect } from './types.js';

const OIDC = 'babelouest/glewlwyd src/plugin/protocol_oidc.c@002c3d806fd9';
const OIDC_275 = 'babelouest/glewlwyd src/plugin/protocol_oidc.c@v2.7.5';
const RESOURCE = 'babelouest/glewlwyd docs/resources/ulfius/glewlwyd_resource.c@v2.7.5';

/**
 * Glewlwyd (babelouest/glewlwyd): error texts from its OpenID Connect plugin's source. The token
 * endpoint answers 403 with {"error":"unauthorized_client"} or {"error":"invalid_code"}, often no
 * body at all (400/403); authorize errors go to the redirect_uri, mostly without error_description.
 */
export const glewlwyd: Dialect = {
  id: 'glewlwyd',
  name: 'Glewlwyd',
  hosts:
    /\/api\/oidc\/(?:token|auth|userinfo|introspect|revoke|register|jwks|device_authorization|par)\b/i,
  rows: [
    {
      // protocol_oidc.c answers G_ERROR_UNAUTHORIZED at the token endpoint with an empty 403.
      match: { status: 403, endpoint: 'token' },
      code: 'CLIENT_SECRET_INVALID',
      generic: true,
      candidates: [
        'CLIENT_SECRET_INVALID',
        'GRANT_NOT_ALLOWED',
        'AUTH_METHOD_MISMATCH',
        'CLIENT_UNKNOWN',
      ],
      means:
        'Glewlwyd answers an empty 403 whenever it refuses the client at the token endpoint: a wrong secret, a grant type not enabled for the client, an authentication method the client may not use, or an unknown client.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_code', endpoint: 'token' },
      code: 'CODE_INVALID',
      generic: true,
      candidates: ['CODE_INVALID', 'REDIRECT_URI_MISMATCH', 'PKCE_MISMATCH'],
      means:
        'Glewlwyd rejected the authorization code: unknown, expired, already used, issued to another client or redirect_uri, or the code_verifier did not match.',
      source: OIDC,
    },
    {
      match: {
        error: 'unauthorized_client',
        endpoint: 'token',
        authMethod: ['client_secret_basic', 'client_secret_post'],
      },
      code: 'CLIENT_SECRET_INVALID',
      generic: true,
      candidates: [
        'CLIENT_SECRET_INVALID',
        'CLIENT_UNKNOWN',
        'REDIRECT_URI_MISMATCH',
        'GRANT_NOT_ALLOWED',
      ],
      means:
        'Glewlwyd did not accept the client: usually a wrong secret, but the same answer covers an unknown client, an unregistered redirect_uri, a grant not enabled for the client, or an authentication method it does not allow.',
      source: OIDC,
    },
    {
      match: { error: 'unauthorized_client', endpoint: 'token', authMethod: ['none'] },
      code: 'CLIENT_UNKNOWN',
      generic: true,
      candidates: ['CLIENT_UNKNOWN', 'REDIRECT_URI_MISMATCH', 'GRANT_NOT_ALLOWED'],
      means:
        'Glewlwyd did not accept the public client: unknown or disabled client_id, or a redirect_uri / grant not registered for it.',
      source: OIDC,
    },
    {
      match: { error: 'unauthorized_client', text: /redirect_uri invalid/i, endpoint: 'authorize' },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The redirect_uri is not one registered for the client.',
      source: OIDC_275,
    },
    {
      match: {
        error: 'unauthorized_client',
        text: /authorization type invalid/i,
        endpoint: 'authorize',
      },
      code: 'GRANT_NOT_ALLOWED',
      means: "The response type / flow requested is not in the client's authorization types.",
      source: OIDC_275,
    },
    {
      match: { error: 'unsupported_response_type', endpoint: 'authorize' },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'Glewlwyd does not allow this response_type (e.g. token alone when non-OIDC flows are off).',
      source: OIDC,
    },
    {
      match: { error: 'invalid_request', text: /nonce required/i, endpoint: 'authorize' },
      code: 'REQUEST_MALFORMED',
      means: 'Glewlwyd requires a nonce whenever the openid scope is requested.',
      fix: 'Send a nonce parameter on every authorize request that includes openid.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_request', text: /response_type missing/i, endpoint: 'authorize' },
      code: 'REQUEST_MALFORMED',
      means: 'The authorize request has no response_type.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_request', text: /request_uri forbidden/i, endpoint: 'authorize' },
      code: 'REQUEST_MALFORMED',
      means: 'Both request and request_uri were sent; only one is allowed.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_request', text: /request_uri invalid/i, endpoint: 'authorize' },
      code: 'REQUEST_MALFORMED',
      means: 'Glewlwyd could not fetch or read the request object at request_uri.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_request', text: /id_token mandatory/i, endpoint: 'authorize' },
      code: 'REQUEST_MALFORMED',
      means: 'prompt=none needs an id_token_hint carrying the last ID token issued to this client.',
      source: OIDC,
    },
    {
      match: {
        error: 'invalid_request',
        text: /claims parameter (?:not in JSON format|invalid format)/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'The claims parameter is not valid JSON or not a valid claims request.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_request', text: /Invalid authorization_details/i },
      code: 'REQUEST_MALFORMED',
      means:
        'The authorization_details parameter is not valid JSON or does not fit the configured RAR types.',
      source: OIDC,
    },
    {
      match: { error: 'interaction_required', endpoint: 'authorize' },
      code: 'LOGIN_REQUIRED',
      means:
        'prompt=none, but the user has no valid session (or needs another authentication step) for these scopes.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_scope', endpoint: 'authorize' },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'No scope was sent, openid is missing, the client may not request these scopes, or the user has not granted them to the client.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_target', text: /Invalid Resource/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The resource indicator is not allowed for this client and scope, or differs from the one the code was issued for.',
      source: OIDC,
    },
    {
      match: { error: 'access_denied', text: /Invalid DPoP/i },
      code: 'REQUEST_MALFORMED',
      means:
        'The DPoP proof is missing, invalid, replayed, or not bound to the key the token was issued for.',
      source: OIDC,
    },
    {
      match: {
        error: ['invalid_client_metadata', 'invalid_redirect_uri'],
        endpoint: 'registration',
      },
      code: 'CLIENT_METADATA_INVALID',
      means:
        'Glewlwyd rejected the registration metadata (redirect_uris, jwks/jwks_uri, sector_identifier_uri, algorithms…).',
      source: OIDC_275,
    },
    {
      match: { error: 'invalid_token', text: /The access token is missing/i },
      code: 'REQUEST_MALFORMED',
      means: 'The request reached the protected resource without an access token.',
      source: RESOURCE,
    },
    {
      match: { error: 'invalid_request', text: /The access token is invalid/i },
      code: 'TOKEN_INVALID',
      means:
        'The resource rejected the access token (bad signature, expired or not issued by this Glewlwyd).',
      source: RESOURCE,
    },
    {
      match: { error: 'insufficient_scope', text: /The scope is invalid/i },
      code: 'RESOURCE_FORBIDDEN',
      means: 'The access token is valid but lacks a scope the resource requires.',
      source: RESOURCE,
    },
  ],
};
