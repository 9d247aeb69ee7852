import type { Dialect } from './types.js';

const AUTHZ =
  'DuendeSoftware/IdentityServer src/IdentityServer/Validation/Default/AuthorizeRequestValidator.cs@029be607';
const TOKEN =
  'DuendeSoftware/IdentityServer src/IdentityServer/Validation/Default/TokenRequestValidator.cs@029be607';

/**
 * Duende IdentityServer / IdentityServer4: authorize-request errors carry a short description
 * (shown on the host's error page "Sorry, there was an error : <error>" or sent on the redirect);
 * token-endpoint errors are mostly bare codes whose reason is only in the server log.
 */
export const duende: Dialect = {
  id: 'duende',
  name: 'Duende IdentityServer',
  hosts: /\bdemo\.(?:duendesoftware\.com|identityserver\.io)\b/i,
  rows: [
    // ----- authorize: client and redirect_uri (never redirected back) -----
    {
      match: { text: /Unknown client or client not enabled/i },
      code: 'CLIENT_UNKNOWN',
      means:
        "IdentityServer has no enabled client with this client_id (also when the client's configuration is invalid, which its log names).",
      fix: 'Check the client_id; check the client is enabled and its stored configuration is valid (see the server log).',
      source: AUTHZ,
    },
    {
      match: { error: 'invalid_request', text: /^Invalid client_id$/i },
      code: 'REQUEST_MALFORMED',
      means: 'The authorization request has no client_id, or one longer than allowed.',
      source: AUTHZ,
    },
    {
      match: { text: /\bInvalid redirect_uri\b/i, endpoint: 'authorize' },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        "The redirect_uri is missing, malformed or not one of the client's RedirectUris (compared as exact strings, trailing slash included).",
      fix: 'Register the exact redirect_uri on the client.',
      source: AUTHZ,
      versions:
        'error invalid_request in IdentityServer4 ≥ 4.0 and Duende IdentityServer; unauthorized_client in IdentityServer4 ≤ 3.x (github.com/DuendeArchive/IdentityServer4/issues/4145)',
    },
    {
      match: { error: 'unauthorized_client', text: /^Invalid protocol$/i },
      code: 'CLIENT_UNKNOWN',
      means: 'The client is not an OpenID Connect client (its ProtocolType is another protocol).',
      source: AUTHZ,
    },
    {
      match: { text: /Invalid grant type for client/i },
      code: 'GRANT_NOT_ALLOWED',
      means: "The response_type asks for a flow the client's AllowedGrantTypes do not include.",
      fix: "Add the grant (e.g. authorization_code) to the client's AllowedGrantTypes, or use a client registered for it.",
      source: AUTHZ,
    },
    {
      match: { text: /Client not configured to receive access tokens via browser/i },
      code: 'GRANT_NOT_ALLOWED',
      means: 'response_type includes token but the client has AllowAccessTokensViaBrowser off.',
      source: AUTHZ,
    },
    {
      match: { text: /Client must use request object/i },
      code: 'REQUEST_MALFORMED',
      means:
        'The client requires a signed request object (request or request_uri) and none was sent.',
      source: AUTHZ,
    },
    {
      match: { error: 'invalid_request_object', text: /^Invalid JWT request$/i },
      code: 'REQUEST_MALFORMED',
      means: 'The request object JWT failed validation or its client_id is missing or differs.',
      source: AUTHZ,
    },
    {
      match: {
        error: ['unsupported_response_type', 'invalid_request'],
        text: /^(?:Missing response_type|Response type not supported|Invalid response_type|Invalid response_mode(?: for response_type)?)$/i,
      },
      code: 'REQUEST_MALFORMED',
      means:
        'The response_type or response_mode is missing, unsupported, or does not fit the flow.',
      source: AUTHZ,
    },
    // ----- authorize: PKCE -----
    {
      match: { text: /code challenge required/i },
      code: 'PKCE_REQUIRED',
      means: 'The client has RequirePkce on and the authorization request had no code_challenge.',
      fix: 'Send code_challenge and code_challenge_method=S256.',
      source: AUTHZ,
    },
    {
      match: { text: /Transform algorithm not supported/i },
      code: 'PKCE_MISMATCH',
      means:
        'The code_challenge_method is unknown, or plain while the client does not allow plain-text PKCE.',
      fix: 'Use code_challenge_method=S256.',
      source: AUTHZ,
    },
    {
      match: { error: 'invalid_request', text: /^Invalid code_challenge$/i },
      code: 'PKCE_MISMATCH',
      means: 'The code_challenge is shorter or longer than allowed (43 to 128 characters).',
      source: AUTHZ,
    },
    // ----- authorize: scope and resource -----
    {
      match: { error: 'invalid_scope', text: /^Invalid scope\.?$/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        "A requested scope is not defined (identity resource or API scope) or not in the client's AllowedScopes.",
      fix: "Define the scope (ApiScope / IdentityResource) and add it to the client's AllowedScopes.",
      source: AUTHZ,
    },
    {
      match: { error: 'invalid_request', text: /^Invalid scope$/i },
      code: 'REQUEST_MALFORMED',
      means: 'The authorization request has no scope parameter, or one longer than allowed.',
      source: AUTHZ,
    },
    {
      match: {
        error: ['invalid_scope', 'invalid_request'],
        text: /Identity scopes requested, but openid scope is missing|^Missing openid scope$/i,
      },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'Identity scopes (profile, email…) or an id_token were requested without the openid scope.',
      fix: 'Add openid to the scope.',
      source: AUTHZ,
    },
    {
      match: { error: 'invalid_scope', text: /Invalid scope for response type/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The scopes do not fit the response_type (e.g. API scopes with response_type=id_token).',
      source: AUTHZ,
    },
    {
      match: { error: 'invalid_target', text: /^Invalid resource indicator\.?$/i },
      code: 'SCOPE_NOT_ALLOWED',
      means: 'The resource parameter names an API resource the client may not request.',
      source: AUTHZ,
    },
    {
      match: {
        error: 'invalid_target',
        text: /Multiple resource indicators not supported|Resource indicator does not match|Invalid resource indicator format|Resource indicator maximum length exceeded/i,
      },
      code: 'REQUEST_MALFORMED',
      means:
        'The resource parameter is malformed, repeated at the token endpoint, or differs from the authorize request.',
      source: TOKEN,
    },
    {
      match: { error: 'invalid_request', text: /^Invalid nonce$/i },
      code: 'REQUEST_MALFORMED',
      means:
        'The nonce is missing (required when an id_token is returned from the authorize endpoint) or too long.',
      source: AUTHZ,
    },
    {
      match: { error: 'invalid_request', text: /^Invalid prompt$/i },
      code: 'REQUEST_MALFORMED',
      means: 'The prompt value is unsupported, or none is combined with other values.',
      source: AUTHZ,
    },
    // ----- token endpoint -----
    {
      match: { error: 'invalid_dpop_proof', text: /Client requires DPoP/i, endpoint: 'token' },
      code: 'REQUEST_MALFORMED',
      means: 'The client has RequireDPoP on and the token request carried no DPoP proof header.',
      fix: 'Send a DPoP proof in the DPoP header.',
      source: TOKEN,
    },
    {
      match: { error: 'invalid_dpop_proof', endpoint: 'token' },
      code: 'REQUEST_MALFORMED',
      means:
        'The DPoP proof was refused (several DPoP headers, another confirmation method, or a key that differs from the one used at the authorize endpoint).',
      source: TOKEN,
    },
  ],
};
