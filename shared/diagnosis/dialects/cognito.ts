import type { Dialect } from './types.js';

/**
 * Amazon Cognito user pool OAuth endpoints: bare RFC 6749 codes (rarely an error_description),
 * the hosted-UI /error page (error=redirect_mismatch), WWW-Authenticate at userInfo. Sources: the
 * Amazon Cognito Developer Guide (token, authorize, userInfo, revoke endpoint pages) and captures.
 */
export const cognito: Dialect = {
  id: 'cognito',
  name: 'Amazon Cognito',
  hosts: /\.amazoncognito\.com|cognito-idp\.[a-z0-9-]+\.amazonaws\.com/i,
  rows: [
    // --- authorize / hosted UI ---
    {
      match: { error: 'redirect_mismatch' },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The hosted UI sent the browser to its /error page: redirect_uri is not one of the app client callback URLs.',
      fix: 'Add the exact redirect_uri (scheme, host, path, trailing slash) to the app client callback URLs, or send one that is listed.',
      source: 'https://github.com/aws/aws-aspnet-cognito-identity-provider/issues/167',
    },
    {
      match: { error: 'unauthorized_client', endpoint: 'authorize' },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'The app client is not allowed this response_type (code or implicit grant not enabled).',
      fix: 'Enable the matching OAuth grant type on the app client.',
      source:
        'https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html',
    },
    {
      match: { error: 'invalid_scope', endpoint: 'authorize' },
      code: 'SCOPE_NOT_ALLOWED',
      means: 'A requested scope is unknown or not enabled on the app client.',
      fix: 'Enable the scope on the app client (custom scopes come from a resource server); phone, email and profile also need openid.',
      source:
        'https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html',
    },
    {
      match: {
        error: 'invalid_request',
        text: /Timeout occurred in calling IdP token endpoint|Timeout in calling jwks uri|error getting token|Google Error - \d{3}|Connection reset|Read timed out/i,
        endpoint: 'authorize',
      },
      code: 'SERVER_ERROR',
      means:
        'Cognito failed while talking to the federated identity provider (timeout or IdP error).',
      fix: "Check the identity provider's availability and the client id/secret configured for it in the user pool.",
      source:
        'https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html',
    },
    {
      match: { error: 'server_error', endpoint: 'authorize' },
      code: 'SERVER_ERROR',
      means: 'Cognito hit an unexpected error during sign-in.',
      source:
        'https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html',
    },
    // --- token endpoint (bare codes) ---
    {
      match: { error: 'unauthorized_client', endpoint: 'token' },
      code: 'GRANT_NOT_ALLOWED',
      generic: true,
      candidates: ['GRANT_NOT_ALLOWED', 'REDIRECT_URI_MISMATCH'],
      means:
        'Cognito says the app client may not use this grant; it gives the same bare code when redirect_uri differs from the authorize request.',
      fix: 'Enable the grant on the app client, and send exactly the redirect_uri used at /oauth2/authorize (a missing trailing slash is enough).',
      source: 'https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html',
    },
    {
      match: { error: 'unsupported_grant_type', endpoint: 'token' },
      code: 'GRANT_TYPE_INVALID',
      means: 'grant_type is not authorization_code, refresh_token or client_credentials.',
      source: 'https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html',
    },
    {
      match: { error: 'invalid_scope', endpoint: 'token' },
      code: 'SCOPE_NOT_ALLOWED',
      means: 'The requested (custom) scope is not enabled on the app client.',
      fix: 'client_credentials needs an app client with a secret and custom scopes from a resource server enabled on it.',
      source:
        'https://repost.aws/questions/QUnhrxb08MRJaH7hIRtUnCKA/oauth-password-grant-type-with-cognito',
    },
    {
      match: { error: 'invalid_request', endpoint: 'token' },
      code: 'REQUEST_MALFORMED',
      means:
        'A required parameter is missing or the body is not application/x-www-form-urlencoded.',
      source: 'https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html',
    },
    // --- userInfo ---
    {
      match: {
        error: 'invalid_token',
        text: /Access token is expired, disabled, or deleted, or the user has globally signed out/i,
      },
      code: 'TOKEN_INVALID',
      means:
        'Cognito refused the access token: expired, revoked, or the user signed out everywhere.',
      source: 'https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html',
    },
    {
      match: { error: 'invalid_request', text: /Bad OAuth2 request at UserInfo Endpoint/i },
      code: 'REQUEST_MALFORMED',
      means: 'The userInfo request is malformed (for example no Bearer token).',
      source: 'https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html',
    },
    {
      match: { text: /Access token does not contain openid scope/i },
      code: 'RESOURCE_FORBIDDEN',
      means: 'userInfo needs an access token with the openid scope.',
      fix: 'Request openid at /oauth2/authorize and use the token endpoint token (InitiateAuth tokens carry no openid scope).',
      source: 'https://github.com/simov/grant/issues/189',
    },
    // --- revocation ---
    {
      match: { error: 'unsupported_token_type', endpoint: 'revocation' },
      code: 'REQUEST_MALFORMED',
      means: 'Cognito revokes only refresh tokens.',
      fix: 'Send the refresh token to /oauth2/revoke.',
      source: 'https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html',
    },
    {
      match: { error: 'invalid_request', endpoint: 'revocation' },
      code: 'REQUEST_MALFORMED',
      means: 'No token was sent, or token revocation is turned off for the app client.',
      source: 'https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html',
    },
  ],
};
