import type { Dialect } from './types.js';

/**
 * node oidc-provider (panva): error texts come from lib/helpers/errors.js and the checks in
 * lib/; since 7.x invalid_client ("client authentication failed"), invalid_grant ("grant request
 * is invalid") and invalid_token ("invalid token provided") have fixed descriptions and the real
 * reason is only in the server log, so no row claims a cause for those three texts. Sources:
 * panva/node-oidc-provider lib/** at v9.13.3, issue captures (panva/node-oidc-provider,
 * panva/openid-client).
 */
export const oidcProvider: Dialect = {
  id: 'oidc-provider',
  name: 'node oidc-provider',
  rows: [
    // --- client authentication (token, introspection, revocation, PAR, device, CIBA) ---
    {
      match: {
        error: 'invalid_request',
        text: /client authentication must only be provided using one mechanism/i,
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The request authenticated the client two ways at once (for example a Basic header and client_secret in the body, or a secret and a client_assertion).',
      fix: "Send credentials only the way the client's token_endpoint_auth_method says.",
      source: 'panva/node-oidc-provider lib/shared/client_auth.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /client_secret must be provided in the Authorization header/i,
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'In 9.x: a Basic header carried a client_id with an empty secret. In old releases (2017): the client is registered for client_secret_basic but sent its secret in the body.',
      fix: 'Send client_id:client_secret in the Basic header, or register the client with the method it uses (none for a public client, client_secret_post for secrets in the body).',
      source: 'panva/node-oidc-provider lib/shared/client_auth.js@v9.13.3',
      versions: 'all (meaning shifted; see https://github.com/panva/node-oidc-provider/issues/108)',
    },
    {
      match: { error: 'invalid_request', text: /no client authentication mechanism provided/i },
      code: 'REQUEST_MALFORMED',
      means:
        'The provider found no client_id at all: no Basic header, no client_id or client_assertion in the form body. Usually the parameters were sent in the URL query or not as a form body.',
      fix: 'POST the parameters as application/x-www-form-urlencoded in the body, with client_id or a Basic header.',
      source: 'panva/node-oidc-provider lib/shared/client_auth.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /invalid authorization header value format/i },
      code: 'REQUEST_MALFORMED',
      means: 'The Authorization header is not "Basic base64(client_id:client_secret)".',
      source: 'panva/node-oidc-provider lib/shared/client_auth.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /client_id and client_secret in the authorization header are not properly encoded/i,
      },
      code: 'CLIENT_SECRET_INVALID',
      means:
        'The Basic header credentials are not form-urlencoded before base64 (RFC 6749 2.3.1), so a secret with special characters cannot be decoded.',
      fix: 'URL-encode client_id and client_secret before joining them with ":" and base64-encoding.',
      source: 'panva/node-oidc-provider lib/shared/client_auth.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /client_id mismatch/i },
      code: 'REQUEST_MALFORMED',
      means:
        'The client_id in the body differs from the one in the Basic header or the client_assertion sub.',
      source: 'panva/node-oidc-provider lib/shared/client_auth.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /invalid client_assertion format/i },
      code: 'REQUEST_MALFORMED',
      means: 'The client_assertion is not a decodable JWT.',
      source: 'panva/node-oidc-provider lib/shared/client_auth.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /client_assertion_type must (be provided|have value)/i,
      },
      code: 'ASSERTION_TYPE_INVALID',
      means:
        'client_assertion_type is missing or is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer.',
      source: 'panva/node-oidc-provider lib/shared/client_auth.js@v9.13.3',
    },
    {
      match: { error: 'invalid_client', text: /client secret is expired/i },
      code: 'CLIENT_SECRET_INVALID',
      means: "The client's secret passed its client_secret_expires_at.",
      fix: 'Rotate the client secret (or update the registration) and use the new one.',
      source: 'panva/node-oidc-provider lib/shared/client_auth.js@v9.13.3',
    },
    // --- grant and scope (token endpoint) ---
    {
      match: { error: 'unsupported_grant_type', text: /unsupported grant_type requested/i },
      code: 'GRANT_TYPE_INVALID',
      generic: true,
      candidates: ['GRANT_NOT_ALLOWED', 'GRANT_TYPE_INVALID'],
      means:
        'The provider has no grant handler for this grant_type (misspelled, or that grant is not enabled).',
      source: 'panva/node-oidc-provider lib/helpers/errors.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /requested grant type is not allowed for this client/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means: "The grant_type is not in the client's grant_types.",
      source: 'panva/node-oidc-provider lib/actions/token.js@v9.13.3',
    },
    {
      match: {
        error: 'unauthorized_client',
        text: /requested grant type is restricted to this client/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means: "The grant_type is not in the client's grant_types.",
      source: 'https://github.com/panva/openid-client/issues/106',
      versions: 'old releases (2018)',
    },
    {
      match: { error: 'invalid_request', text: /urn:\S+ is not allowed for this client/i },
      code: 'GRANT_NOT_ALLOWED',
      means: "The device or CIBA grant is not in the client's grant_types.",
      source: 'panva/node-oidc-provider lib/actions/authorization/client.js@v9.13.3',
    },
    {
      match: { error: 'invalid_scope', text: /requested scope is not allowed/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        "A requested scope is not in the client's registered scope (or not supported by the provider).",
      source: 'panva/node-oidc-provider lib/actions/authorization/scopes.js@v9.13.3',
    },
    {
      match: { error: 'invalid_scope', text: /refresh token missing requested scopes?/i },
      code: 'SCOPE_NOT_ALLOWED',
      means: 'The refresh request asked for a scope the refresh token was not granted.',
      source: 'panva/node-oidc-provider lib/actions/grants/refresh_token.js@v9.13.3',
    },
    {
      match: { text: /scope contains invalid characters/i },
      code: 'SCOPE_SYNTAX',
      means: 'The scope parameter contains characters outside the RFC 6749 scope-token syntax.',
      source: 'panva/node-oidc-provider lib/actions/authorization/scopes.js@v9.13.3',
    },
    {
      match: { error: 'invalid_target' },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The resource indicator is missing, unknown, or more than one was sent where only one is allowed.',
      fix: 'Send one resource value that the provider recognises (getResourceServerInfo) for this client.',
      source: 'panva/node-oidc-provider lib/helpers/resolve_resource.js@v9.13.3',
    },
    // --- malformed requests (any endpoint) ---
    {
      match: { error: 'invalid_request', text: /missing required parameters?/i },
      code: 'REQUEST_MALFORMED',
      means:
        'A required parameter is absent (token parameters are read only from the form body, never the URL query).',
      source: 'panva/node-oidc-provider lib/helpers/validate_presence.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /must not be provided twice/i },
      code: 'REQUEST_MALFORMED',
      means: 'A parameter was sent more than once.',
      source: 'panva/node-oidc-provider lib/shared/reject_dupes.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /content-type bodies are supported on/i },
      code: 'REQUEST_MALFORMED',
      means:
        'The body has the wrong Content-Type (for example JSON where application/x-www-form-urlencoded is required).',
      source: 'panva/node-oidc-provider lib/shared/selective_body.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /failed to parse the request body/i },
      code: 'REQUEST_MALFORMED',
      means: 'The request body could not be parsed as its Content-Type says.',
      source: 'panva/node-oidc-provider lib/shared/selective_body.js@v9.13.3',
    },
    // --- PKCE (authorization endpoint) ---
    {
      match: { error: 'invalid_request', text: /authorization server policy requires pkce/i },
      code: 'PKCE_REQUIRED',
      means:
        'The provider requires PKCE for this client and the authorization request has no code_challenge.',
      source: 'panva/node-oidc-provider lib/actions/authorization/sender_constraints.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /code_challenge must be provided with code_challenge_method/i,
      },
      code: 'PKCE_REQUIRED',
      means: 'code_challenge_method was sent without a code_challenge.',
      source: 'panva/node-oidc-provider lib/actions/authorization/sender_constraints.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /code_challenge_method must be provided/i },
      code: 'PKCE_REQUIRED',
      means:
        'A code_challenge was sent without code_challenge_method (oidc-provider does not default to plain).',
      fix: 'Send code_challenge_method=S256 with the code_challenge.',
      source: 'panva/node-oidc-provider lib/actions/authorization/sender_constraints.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /not supported value of code_challenge_method/i },
      code: 'PKCE_MISMATCH',
      means: 'The code_challenge_method is not supported; only S256 is accepted.',
      fix: 'Use code_challenge_method=S256.',
      source: 'panva/node-oidc-provider lib/actions/authorization/sender_constraints.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /(code_verifier|code_challenge) (must be a string with a (minimum|maximum) length|contains invalid characters)/i,
      },
      code: 'PKCE_MISMATCH',
      means:
        'The code_verifier or code_challenge is not 43-128 characters of the RFC 7636 alphabet.',
      source: 'panva/node-oidc-provider lib/helpers/pkce_format.js@v9.13.3',
    },
    // --- authorization endpoint: client, redirect_uri, response type, prompts ---
    {
      match: {
        error: 'invalid_client',
        text: /client is invalid/i,
        endpoint: ['authorize', 'end_session'],
      },
      code: 'CLIENT_UNKNOWN',
      means: 'No client is registered with this client_id.',
      source: 'panva/node-oidc-provider lib/actions/authorization/client.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_redirect_uri',
        text: /redirect_uri did not match any of the client/i,
      },
      code: 'REDIRECT_URI_MISMATCH',
      means: "The redirect_uri is not exactly one of the client's registered redirect_uris.",
      source: 'panva/node-oidc-provider lib/helpers/errors.js@v9.13.3',
    },
    {
      match: {
        error: ['invalid_redirect_uri', 'invalid_client_metadata'],
        text: /\bredirect_uris (must|for|can) /i,
      },
      code: 'CLIENT_METADATA_INVALID',
      means:
        "The client's registered redirect_uris are invalid (for a static client this shows up at the authorization endpoint).",
      source: 'panva/node-oidc-provider lib/helpers/client_schema.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /post_logout_redirect_uri not registered/i },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        "The post_logout_redirect_uri is not one of the client's registered post_logout_redirect_uris.",
      source: 'panva/node-oidc-provider lib/actions/end_session.js@v9.13.3',
    },
    {
      match: { error: 'unsupported_response_type', text: /unsupported response_type requested/i },
      code: 'GRANT_NOT_ALLOWED',
      means: 'The provider does not offer this response_type (implicit "token" is off by default).',
      source: 'panva/node-oidc-provider lib/helpers/errors.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /requested response_type is not allowed for this client/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means: "The response_type is not in the client's response_types.",
      source: 'panva/node-oidc-provider lib/actions/authorization/response_parameters.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /openid scope must be requested/i },
      code: 'REQUEST_MALFORMED',
      means:
        'This request (response_type with id_token, nonce, claims or prompt) requires the openid scope.',
      fix: 'Add openid to scope.',
      source: 'panva/node-oidc-provider lib/actions/authorization/scopes.js@v9.13.3',
    },
    {
      match: { error: 'login_required' },
      code: 'LOGIN_REQUIRED',
      means:
        'prompt=none was sent but the user has no session at the provider (or max_age/acr needs a new login).',
      source: 'panva/node-oidc-provider lib/helpers/interaction_policy/prompts/login.js@v9.13.3',
    },
    {
      match: { error: 'consent_required' },
      code: 'CONSENT_REQUIRED',
      means: 'prompt=none was sent but the user has not granted the requested scopes or claims.',
      source: 'panva/node-oidc-provider lib/helpers/interaction_policy/prompts/consent.js@v9.13.3',
    },
    {
      match: { error: 'interaction_required' },
      code: 'LOGIN_REQUIRED',
      means: 'prompt=none was sent but the provider needs the user to interact.',
      source: 'panva/node-oidc-provider lib/actions/authorization/interactions.js@v9.13.3',
    },
    {
      match: { error: 'access_denied', text: /end-user aborted interaction/i },
      code: 'AUTHORIZATION_DENIED',
      means: 'The user cancelled the login or consent.',
      source: 'panva/node-oidc-provider lib/actions/interaction.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /(pushed authorization request|request object) must be used/i,
      },
      code: 'REQUEST_MALFORMED',
      means:
        'This client must send its authorization request through PAR or as a signed Request Object.',
      source:
        'panva/node-oidc-provider lib/actions/authorization/process_request_object.js@v9.13.3',
    },
    // --- userinfo, resources, introspection ---
    {
      match: { error: 'invalid_token', text: /invalid token provided/i },
      code: 'TOKEN_INVALID',
      means:
        'The provider refused the access token; it uses this one text for unknown, expired, revoked and wrong-audience tokens.',
      source: 'panva/node-oidc-provider lib/helpers/errors.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /access tokens must not be provided via query parameter/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'The access token was sent as ?access_token= instead of in the Authorization header.',
      source: 'panva/node-oidc-provider lib/helpers/oidc_context.js@v9.13.3',
    },
    {
      match: {
        error: 'invalid_request',
        text: /access token must only be provided using one mechanism/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'The access token was sent both in the header and in the body.',
      source: 'panva/node-oidc-provider lib/helpers/oidc_context.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /authorization header scheme must be/i },
      code: 'REQUEST_MALFORMED',
      means:
        'The Authorization header uses the wrong scheme (Bearer, or DPoP for a DPoP-bound token).',
      source: 'panva/node-oidc-provider lib/helpers/oidc_context.js@v9.13.3',
    },
    {
      match: {
        error: 'insufficient_scope',
        text: /access token missing (openid|requested) scope/i,
      },
      code: 'RESOURCE_FORBIDDEN',
      means:
        'The access token is valid but lacks the openid scope (or a scope the userinfo request asked for).',
      source: 'panva/node-oidc-provider lib/actions/userinfo.js@v9.13.3',
    },
    {
      match: { error: 'unsupported_token_type', text: /structured jwt tokens cannot be/i },
      code: 'REQUEST_MALFORMED',
      means: 'JWT access tokens are self-contained; the provider cannot introspect or revoke them.',
      source: 'panva/node-oidc-provider lib/shared/reject_structured_tokens.js@v9.13.3',
    },
    // --- registration and end_session ---
    {
      match: { error: 'invalid_client_metadata', endpoint: 'registration' },
      code: 'CLIENT_METADATA_INVALID',
      means: 'A client metadata value is rejected; the description names the property.',
      source: 'panva/node-oidc-provider lib/helpers/client_schema.js@v9.13.3',
    },
    {
      match: { error: 'invalid_redirect_uri', endpoint: 'registration' },
      code: 'CLIENT_METADATA_INVALID',
      means:
        'The redirect_uris in the registration request are rejected; the description says why.',
      source: 'panva/node-oidc-provider lib/helpers/errors.js@v9.13.3',
    },
    {
      match: { error: 'invalid_request', text: /could not (validate|decode) id_token_hint/i },
      code: 'ID_TOKEN_INVALID',
      means:
        'The id_token_hint could not be decoded or verified (wrong issuer keys, or not an ID token from this provider).',
      source: 'panva/node-oidc-provider lib/actions/end_session.js@v9.13.3',
    },
    {
      match: { error: 'invalid_client', text: /unrecognized id_token_hint audience/i },
      code: 'CLIENT_UNKNOWN',
      means: 'The id_token_hint was issued to a client the provider no longer knows.',
      source: 'panva/node-oidc-provider lib/actions/end_session.js@v9.13.3',
    },
    // --- device flow, server errors ---
    {
      match: { error: 'slow_down' },
      code: 'RATE_LIMITED',
      means: 'The device is polling faster than the interval allows.',
      source: 'panva/node-oidc-provider lib/helpers/errors.js@v9.13.3',
    },
    {
      match: { error: 'expired_token', endpoint: 'token' },
      code: 'AUTHORIZATION_TIMEOUT',
      means: 'The device_code (or CIBA auth_req_id) expired before the user approved.',
      source: 'panva/node-oidc-provider lib/helpers/errors.js@v9.13.3',
    },
    {
      match: { error: 'server_error', text: /oops! something went wrong/i },
      code: 'SERVER_ERROR',
      means:
        'oidc-provider hid an internal error (adapter, findAccount or configuration code threw).',
      fix: 'Look at the provider log (DEBUG=oidc-provider:*) for the thrown error.',
      source: 'panva/node-oidc-provider lib/helpers/err_out.js@v9.13.3',
    },
  ],
};
