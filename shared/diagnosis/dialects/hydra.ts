import type { Dialect } from './types.js';

/**
 * Ory Hydra (fosite): error texts are fosite's RFC 6749 descriptions followed by a hint; since
 * fosite 0.36 / Hydra 1.9 the hint is appended to error_description (double quotes turned into
 * single quotes), before that it came as a separate error_hint. Sources: ory/hydra fosite/*.go
 * (fosite merged into Hydra), ory/fosite, Hydra issue captures.
 */
export const hydra: Dialect = {
  id: 'hydra',
  name: 'Ory Hydra',
  hosts: /\.oryapis\.com|\/oauth2\/auth(?:$|[?#])|\/oauth2\/fallbacks\/error/i,
  rows: [
    // --- client authentication (token, introspection, revocation) ---
    {
      match: { error: 'invalid_client', text: /requested OAuth 2\.0 Client does not exist/i },
      code: 'CLIENT_UNKNOWN',
      means: 'Hydra has no OAuth 2.0 client with this client_id.',
      source: 'ory/hydra fosite/authorize_request_handler.go@2c3ba13',
    },
    {
      match: {
        status: 401,
        text: /requested OAuth 2\.0 client does not exist or you did not provide the necessary credentials/i,
        endpoint: 'registration',
      },
      code: 'CLIENT_UNKNOWN',
      means: 'The Hydra admin API has no client with this id (it answers 401, not 404).',
      source: 'https://github.com/ory/hydra/issues/1744',
      versions: '1.3',
    },
    {
      match: {
        error: 'invalid_client',
        text: /supports client authentication method .{1,40}, but method .{1,40} was requested/i,
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The client sent its secret with a method other than its registered token_endpoint_auth_method.',
      fix: "Send the secret the way the client's token_endpoint_auth_method says (client_secret_basic = Authorization header, client_secret_post = form body), or change that field on the client.",
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
      versions: '≥ 1.0 (quotes are single quotes since 1.9)',
    },
    {
      match: {
        error: 'invalid_client',
        text: /only supports client authentication method .{1,40}, however .client_assertion. was provided/i,
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'A client_assertion was sent, but the client is registered for a client-secret method.',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_client',
        text: /does not support client authentication, however .client_assertion. was provided/i,
      },
      code: 'AUTH_METHOD_MISMATCH',
      means: 'A client_assertion was sent for a public client (token_endpoint_auth_method none).',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_client',
        text: /does not support client authentication method .client_secret_jwt.|only supports client authentication method .{1,40}, however that method is not supported by this server/i,
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'Hydra does not support client_secret_jwt; only private_key_jwt assertions are accepted.',
      fix: 'Use private_key_jwt (asymmetric keys) or a client-secret method.',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_client',
        text: /Unable to verify the integrity of the .client_assertion. value/i,
      },
      code: 'ASSERTION_SIGNATURE_INVALID',
      means: "The client_assertion's signature does not verify with the client's registered keys.",
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_client',
        text: /claims could not be validated, check if the expiry time is set correctly/i,
      },
      code: 'ASSERTION_EXPIRED',
      means: "The client_assertion's exp, iat or nbf is outside its validity window.",
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_client',
        text: /Claim .(?:iss|sub). from .client_assertion. must match/i,
      },
      code: 'ASSERTION_ISS_SUB_MISMATCH',
      means: "The client_assertion's iss or sub is not the client_id.",
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_client',
        text: /Claim .jti. from .client_assertion. must be set|claim .sub. from the client_assertion JSON Web Token is undefined/i,
      },
      code: 'ASSERTION_MISSING_CLAIM',
      means: 'The client_assertion lacks a required claim (jti, or sub when no client_id is sent).',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: { error: 'jti_known' },
      code: 'ASSERTION_JTI_REUSED',
      means: "The client_assertion's jti was already used; Hydra accepts each jti once.",
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: { text: /Claim .jti. from .client_assertion. MUST only be used once/i },
      code: 'ASSERTION_JTI_REUSED',
      means: "The client_assertion's jti was already used; Hydra accepts each jti once.",
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_client',
        text: /Claim .audience. from .client_assertion. must match the authorization server.s token endpoint/i,
      },
      code: 'ASSERTION_AUD_MISMATCH',
      means: "The client_assertion's aud is not Hydra's token endpoint URL.",
      fix: 'Set aud to the exact token endpoint URL Hydra names in the message (its public URL + /oauth2/token).',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_client',
        text: /but the requested OAuth 2\.0 Client enforces signing algorithm|client_assertion.{1,20}uses unsupported signing algorithm/i,
      },
      code: 'ASSERTION_ALG_NOT_ACCEPTED',
      means:
        "The client_assertion's alg is not the client's token_endpoint_auth_signing_alg (or not supported).",
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        text: /uses signing key with kid .{0,80}, which could not be found|Unable to find (?:RSA|ECDSA) public key with use=.sig.|retrieved JSON Web Key Set does not contain any key/i,
      },
      code: 'ASSERTION_KID_NOT_FOUND',
      means: "No key in the client's JWKS matches the assertion's kid (or the JWKS is empty).",
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: { error: 'invalid_client', text: /has no JSON Web Keys set registered/i },
      code: 'ASSERTION_KID_NOT_FOUND',
      means:
        'The client has neither jwks nor jwks_uri registered, so an assertion cannot be checked.',
      fix: 'Register jwks or jwks_uri on the client.',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: { error: 'invalid_request', text: /Unknown client_assertion_type/i },
      code: 'ASSERTION_TYPE_INVALID',
      means: 'client_assertion_type is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer.',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: { error: 'invalid_request', text: /client_assertion request parameter must be set/i },
      code: 'REQUEST_MALFORMED',
      means: 'client_assertion_type was sent without a client_assertion.',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_request',
        text: /Client credentials missing or malformed in both HTTP Authorization header and HTTP POST body/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'No client credentials were found in the Authorization header or the form body.',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_request',
        text: /client secret in the HTTP authorization header could not be decoded/i,
      },
      code: 'CLIENT_SECRET_INVALID',
      means: 'The secret in the Basic header is not valid form-urlencoding (a stray % or similar).',
      fix: 'URL-encode client_id and client_secret before Base64 (RFC 6749 §2.3.1).',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_request',
        text: /client id in the HTTP authorization header could not be decoded/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'The client_id in the Basic header is not valid form-urlencoding.',
      source: 'ory/hydra fosite/client_authentication.go@2c3ba13',
    },
    // --- grants, scopes, response types ---
    {
      match: { error: 'unauthorized_client', text: /is not allowed to use authorization grant/i },
      code: 'GRANT_NOT_ALLOWED',
      means: "The grant is not in the client's grant_types.",
      source: 'ory/hydra fosite/handler/oauth2/flow_refresh.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_grant',
        text: /is marked as public and is thus not allowed to use authorization grant/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'A public client (no secret) cannot use this grant (client_credentials, token exchange).',
      fix: 'Use a confidential client (token_endpoint_auth_method other than none).',
      source: 'ory/hydra fosite/handler/oauth2/flow_client_credentials.go@4f36712',
    },
    {
      match: {
        error: 'unsupported_response_type',
        text: /client is not allowed to request response_type/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means: "The response_type is not in the client's response_types.",
      source: 'ory/hydra fosite/authorize_request_handler.go@2c3ba13',
    },
    {
      match: {
        error: 'unsupported_response_type',
        text: /request is missing the .response_type. parameter/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'The authorize request has no response_type.',
      source: 'ory/hydra fosite/authorize_request_handler.go@2c3ba13',
    },
    {
      match: { error: 'invalid_scope', text: /is not allowed to request scope/i },
      code: 'SCOPE_NOT_ALLOWED',
      means: "A requested scope is not in the client's registered scope list.",
      fix: "Add the scope to the client's scope field (space-separated) or stop requesting it.",
      source: 'ory/hydra fosite/authorize_request_handler.go@2c3ba13',
      versions: '≥ 0.10 ("The client is not allowed…" before 1.0)',
    },
    {
      match: { error: 'invalid_request', text: /Request parameter .grant_type. is missing/i },
      code: 'GRANT_TYPE_INVALID',
      means: 'The token request has no grant_type.',
      source: 'ory/hydra fosite/access_request_handler.go@2c3ba13',
    },
    {
      match: { error: 'unsupported_grant_type' },
      code: 'GRANT_TYPE_INVALID',
      means: 'Hydra has no handler for this grant_type.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: {
        error: 'invalid_request',
        text: /HTTP method is .{1,12}, expected .POST.|POST body can not be empty|Unable to parse HTTP body/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'The token request was not a POST with a form-encoded body.',
      source: 'ory/hydra fosite/access_request_handler.go@2c3ba13',
    },
    // --- redirect URI ---
    {
      match: {
        error: 'invalid_request',
        text: /does not match any of the OAuth 2\.0 Client.s pre-registered redirect/i,
      },
      code: 'REDIRECT_URI_MISMATCH',
      means: "The redirect_uri is not one of the client's registered redirect_uris (exact match).",
      source: 'ory/fosite authorize_helper.go@v0.42.1',
    },
    {
      match: {
        error: 'invalid_request',
        text: /redirect_uri. parameter is required when using OpenID Connect/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'An OpenID Connect authorize request must carry redirect_uri.',
      source: 'ory/hydra fosite/authorize_request_handler.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_grant',
        text: /redirect_uri. from this request does not match the one from the authorize request/i,
      },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The token request redirect_uri differs from the one sent to /oauth2/auth.',
      source: 'ory/hydra fosite/handler/oauth2/flow_authorize_code_token.go@2c3ba13',
    },
    // --- authorization code, PKCE ---
    {
      match: { error: 'invalid_grant', text: /authorization code has already been used/i },
      code: 'CODE_INVALID',
      means: 'The code was already exchanged; Hydra also revoked the tokens issued from it.',
      source: 'ory/hydra fosite/handler/oauth2/flow_authorize_code_token.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_grant',
        text: /Client ID from this request does not match the one from the authorize request/i,
      },
      code: 'CODE_INVALID',
      means: 'The code was issued to another client.',
      source: 'ory/hydra fosite/handler/oauth2/flow_authorize_code_token.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_request',
        text: /must include a code_challenge when performing the authorize code flow/i,
      },
      code: 'PKCE_REQUIRED',
      means:
        'Hydra enforces PKCE (for all clients or for public ones) and no code_challenge was sent.',
      source: 'ory/hydra fosite/handler/pkce/handler.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_request',
        text: /must use code_challenge_method=S256, plain is not allowed|code_challenge_method is not supported, use S256/i,
      },
      code: 'PKCE_MISMATCH',
      means: 'Hydra only accepts code_challenge_method=S256.',
      source: 'ory/hydra fosite/handler/pkce/handler.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_grant',
        text: /PKCE code challenge did not match the code verifier/i,
      },
      code: 'PKCE_MISMATCH',
      means: 'BASE64URL(SHA256(code_verifier)) is not the code_challenge sent at /oauth2/auth.',
      source: 'ory/hydra fosite/handler/pkce/handler.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_grant',
        text: /PKCE code verifier (?:must be at least 43|can not be longer than 128|must only contain)|code verifier was provided but the code challenge was absent|Unable to find initial PKCE data tied to this request/i,
      },
      code: 'PKCE_MISMATCH',
      means:
        'The code_verifier is malformed, or was sent for a code requested without a code_challenge.',
      source: 'ory/hydra fosite/handler/pkce/handler.go@2c3ba13',
    },
    // --- refresh tokens ---
    {
      match: { error: 'invalid_grant', text: /refresh token was already used/i },
      code: 'REFRESH_INVALID',
      means: 'A rotated-away refresh token was reused; Hydra revoked the whole token chain.',
      fix: 'Store the new refresh token from every refresh response; sign the user in again now.',
      source: 'ory/hydra fosite/handler/oauth2/flow_refresh.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_grant',
        text: /refresh token is malformed or not valid|refresh token has not been found|refresh token expired/i,
      },
      code: 'REFRESH_INVALID',
      means: 'The refresh token is unknown, revoked or expired.',
      source: 'ory/hydra fosite/handler/oauth2/flow_refresh.go@2c3ba13',
    },
    {
      match: {
        error: 'invalid_grant',
        text: /Client ID from this request does not match the ID during the initial token issuance/i,
      },
      code: 'REFRESH_INVALID',
      means: 'The refresh token belongs to another client.',
      source: 'ory/hydra fosite/handler/oauth2/flow_refresh.go@2c3ba13',
    },
    {
      match: {
        error: 'scope_not_granted',
        text: /may thus not perform the .refresh_token. authorization grant/i,
      },
      code: 'REFRESH_INVALID',
      means: 'The grant behind this refresh token lacks the offline / offline_access scope.',
      fix: 'Request and grant offline_access (or offline) in the authorize step.',
      source: 'ory/hydra fosite/handler/oauth2/flow_refresh.go@2c3ba13',
    },
    // --- front channel: user, login, consent ---
    {
      match: {
        error: 'access_denied',
        text: /resource owner or authorization server denied the request/i,
      },
      code: 'AUTHORIZATION_DENIED',
      means: 'The login or consent app rejected the request (user denied, or the app refused).',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: { error: ['login_required', 'interaction_required'] },
      code: 'LOGIN_REQUIRED',
      means: 'prompt=none was used but the user must log in or interact first.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: { error: 'consent_required' },
      code: 'CONSENT_REQUIRED',
      means: 'prompt=none was used but the user has not consented to this client and scope.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: {
        error: 'invalid_state',
        text: /state is missing or does not have enough characters/i,
      },
      code: 'STATE_MISMATCH',
      means: 'Hydra requires a state of at least 8 characters.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: { error: 'insufficient_entropy' },
      code: 'STATE_MISMATCH',
      means: 'state or nonce is too short (Hydra wants at least 8 characters).',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: { error: 'expired_token', text: /device_code has expired/i },
      code: 'DEVICE_CODE_EXPIRED',
      means: 'The device code expired before the user finished.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: { error: 'slow_down' },
      code: 'RATE_LIMITED',
      means: 'The device-flow token endpoint was polled faster than the interval.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    // --- tokens at userinfo / introspection / resources ---
    {
      match: { error: 'request_unauthorized', text: /request could not be authorized/i },
      code: 'TOKEN_INVALID',
      means: 'Hydra did not accept the presented token or credentials.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: { error: 'invalid_token', text: /Token expired/i },
      code: 'TOKEN_EXPIRED',
      means: 'The token is past its expiry.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: {
        error: ['invalid_token', 'token_signature_mismatch', 'token_inactive'],
        text: /Invalid token format|Token signature mismatch|Token is inactive because it is malformed, expired or otherwise invalid/i,
      },
      code: 'TOKEN_INVALID',
      means: 'The token is malformed, has a bad signature part, or is not active.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    {
      match: { error: 'scope_not_granted', text: /token was not granted the requested scope/i },
      code: 'RESOURCE_FORBIDDEN',
      means: 'The token lacks a scope the caller required.',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
    // --- registration / admin ---
    {
      match: {
        text: /no longer possible to set an OAuth2 Client ID as a user/i,
        endpoint: 'registration',
      },
      code: 'CLIENT_METADATA_INVALID',
      means: 'Hydra 2 generates client ids itself; a client_id in the create request is refused.',
      fix: 'Drop client_id from the request and use the id Hydra returns.',
      source: 'https://github.com/ory/hydra-maester/issues/117',
      versions: '≥ 2.0',
    },
    // --- server ---
    {
      match: { error: 'misconfiguration' },
      code: 'SERVER_ERROR',
      means: 'Hydra is misconfigured (for example its token endpoint URL is not set).',
      source: 'ory/hydra fosite/errors.go@4f36712',
    },
  ],
};
