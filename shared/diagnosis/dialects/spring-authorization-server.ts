import type { Dialect } from './types.js';

const SAS =
  'spring-projects/spring-authorization-server oauth2-authorization-server/src/main/java/org/springframework/security/oauth2/server/authorization';
const SEC = 'spring-projects/spring-security oauth2';

/**
 * Spring Authorization Server: OAuth2Error answers built as "OAuth 2.0 Parameter: <name>" with an
 * error_uri to the RFC section (authorization/token endpoints, source at commit 041b94d6), bare
 * error codes for client authentication (the filter strips the description), and Spring
 * Security's resource-server texts on the userinfo endpoint.
 */
export const springAuthorizationServer: Dialect = {
  id: 'spring-authorization-server',
  name: 'Spring Authorization Server',
  rows: [
    // ----- token endpoint -----
    {
      match: {
        error: 'unsupported_grant_type',
        text: /OAuth 2\.0 Parameter: grant_type/i,
        endpoint: 'token',
      },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'No grant handler takes this grant_type: Spring Authorization Server has no password or implicit grant, and a misspelled value lands here too.',
      fix: 'Use authorization_code, client_credentials, refresh_token, device_code or token-exchange, spelled exactly; the password grant needs a custom extension.',
      source: 'https://github.com/spring-attic/spring-authorization-server/issues/419',
    },
    {
      match: {
        error: 'invalid_request',
        text: /OAuth 2\.0 Parameter: grant_type/i,
        endpoint: 'token',
      },
      code: 'GRANT_TYPE_INVALID',
      means: 'The token request has no grant_type, or sends it more than once.',
      source: `${SAS}/web/OAuth2TokenEndpointFilter.java@041b94d6`,
    },
    {
      match: {
        error: 'invalid_request',
        text: /OAuth 2\.0 Parameter: refresh_token/i,
        endpoint: 'token',
      },
      code: 'REQUEST_MALFORMED',
      means: 'A refresh_token request without a (single) refresh_token parameter.',
      fix: 'Send the refresh token in a form parameter named refresh_token.',
      source:
        'https://github.com/Basit-Mahmood/spring-authorization-server-password-grant-type-support/issues/12',
    },
    {
      match: {
        error: 'invalid_request',
        text: /OAuth 2\.0 Parameter: (?:code|redirect_uri|scope|client_assertion_type|client_assertion|client_id)$/i,
        endpoint: 'token',
      },
      code: 'REQUEST_MALFORMED',
      means:
        'A token request parameter is missing or repeated (the name follows "OAuth 2.0 Parameter:").',
      source: `${SAS}/web/authentication/OAuth2AuthorizationCodeAuthenticationConverter.java@041b94d6`,
    },
    // ----- authorization endpoint (error page or redirect) -----
    {
      match: {
        text: /\[invalid_request\] OAuth 2\.0 Parameter: client_id/i,
        endpoint: 'authorize',
      },
      code: 'CLIENT_UNKNOWN',
      means: 'The 400 page of the authorization endpoint: no registered client has this client_id.',
      source: 'https://github.com/spring-attic/spring-authorization-server/issues/1546',
    },
    {
      match: {
        text: /\[invalid_request\] OAuth 2\.0 Parameter: redirect_uri/i,
        endpoint: 'authorize',
      },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The 400 page of the authorization endpoint: the redirect_uri is not registered for the client (exact match), has a fragment, or is missing.',
      source: `${SAS}/authentication/OAuth2AuthorizationCodeRequestAuthenticationValidator.java@041b94d6`,
    },
    {
      match: {
        error: 'invalid_request',
        text: /OAuth 2\.0 Parameter: client_id/i,
        endpoint: 'authorize',
      },
      code: 'CLIENT_UNKNOWN',
      means:
        'No registered client has this client_id; the server shows a 400 page ("[invalid_request] OAuth 2.0 Parameter: client_id") instead of redirecting.',
      source: `${SAS}/authentication/OAuth2AuthorizationCodeRequestAuthenticationProvider.java@041b94d6`,
    },
    {
      match: {
        error: 'invalid_request',
        text: /OAuth 2\.0 Parameter: redirect_uri/i,
        endpoint: 'authorize',
      },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        "The redirect_uri is not one of the client's registered redirect URIs (exact string match; any port only for loopback IPs), contains a fragment, or is missing although openid is requested or several URIs are registered.",
      fix: 'Register the exact redirect_uri; use 127.0.0.1 rather than localhost for a loopback callback.',
      source: `${SAS}/authentication/OAuth2AuthorizationCodeRequestAuthenticationValidator.java@041b94d6`,
    },
    {
      match: {
        error: 'unauthorized_client',
        text: /OAuth 2\.0 Parameter: client_id/i,
        endpoint: 'authorize',
      },
      code: 'GRANT_NOT_ALLOWED',
      means: 'The client is not registered for the authorization_code grant.',
      source: `${SAS}/authentication/OAuth2AuthorizationCodeRequestAuthenticationProvider.java@041b94d6`,
    },
    {
      match: {
        error: 'access_denied',
        text: /OAuth 2\.0 Parameter: client_id/i,
        endpoint: 'authorize',
      },
      code: 'AUTHORIZATION_DENIED',
      means:
        'The user denied the consent (Spring Authorization Server names client_id in the description of a denial).',
      source: 'https://github.com/spring-attic/spring-authorization-server/issues/611',
      versions: 'seen 0.2.2',
    },
    {
      match: { error: 'invalid_scope', text: /OAuth 2\.0 Parameter: scope/i },
      code: 'SCOPE_NOT_ALLOWED',
      means: "A requested scope is not among the registered client's scopes.",
      fix: 'Add the scope to the RegisteredClient, or stop requesting it.',
      source: `${SAS}/authentication/OAuth2AuthorizationCodeRequestAuthenticationValidator.java@041b94d6`,
    },
    {
      match: { error: 'invalid_request', text: /OAuth 2\.0 Parameter: code_challenge(?!_)/i },
      code: 'PKCE_REQUIRED',
      means:
        'The client requires a proof key (requireProofKey, always for public clients) and the authorization request had no code_challenge.',
      fix: 'Send code_challenge with code_challenge_method=S256.',
      source: `${SAS}/authentication/OAuth2AuthorizationCodeRequestAuthenticationProvider.java@041b94d6`,
    },
    {
      match: { error: 'invalid_request', text: /OAuth 2\.0 Parameter: code_challenge_method/i },
      code: 'PKCE_MISMATCH',
      means: 'The code_challenge_method is missing or not S256 (plain is not supported).',
      fix: 'Send code_challenge_method=S256 with an S256 challenge.',
      source: `${SAS}/authentication/OAuth2AuthorizationCodeRequestAuthenticationProvider.java@041b94d6`,
      versions: '≥ 0.3 (plain removed)',
    },
    {
      match: {
        error: ['invalid_request', 'unsupported_response_type'],
        text: /OAuth 2\.0 Parameter: (?:response_type|state)/i,
        endpoint: 'authorize',
      },
      code: 'REQUEST_MALFORMED',
      means: 'response_type is missing, repeated or not "code", or state is repeated.',
      source: `${SAS}/web/authentication/OAuth2AuthorizationCodeRequestAuthenticationConverter.java@041b94d6`,
    },
    // ----- client registration (OpenID Connect DCR) -----
    {
      match: { text: /^Invalid Client Registration: /i, endpoint: 'registration' },
      code: 'CLIENT_METADATA_INVALID',
      means:
        'The registration request has an invalid metadata field (named after the colon, e.g. redirect_uris).',
      source: `${SAS}/oidc/authentication/OidcClientRegistrationAuthenticationProvider.java@041b94d6`,
    },
    // ----- userinfo and other bearer-protected endpoints (Spring Security resource server) -----
    {
      match: {
        error: 'invalid_token',
        text: /Jwt expired at/i,
        endpoint: ['userinfo', 'resource'],
      },
      code: 'TOKEN_EXPIRED',
      means: 'The access token is past its exp ("Jwt expired at <time>").',
      source: `${SEC}/oauth2-jose/src/main/java/org/springframework/security/oauth2/jwt/JwtTimestampValidator.java@6.x`,
    },
    {
      match: {
        error: 'invalid_token',
        text: /Jwt used before/i,
        endpoint: ['userinfo', 'resource'],
      },
      code: 'CLOCK_SKEW',
      means:
        'The access token\'s nbf is in the future by this server\'s clock ("Jwt used before <time>").',
      source: `${SEC}/oauth2-jose/src/main/java/org/springframework/security/oauth2/jwt/JwtTimestampValidator.java@6.x`,
    },
    {
      match: {
        error: 'invalid_token',
        text: /The iss claim is not valid/i,
        endpoint: ['userinfo', 'resource'],
      },
      code: 'TOKEN_INVALID',
      means: 'The access token was issued by another issuer URL than the one this server expects.',
      fix: 'Use the same issuer URL (scheme, host, port, path) for the clients and the resource server.',
      source: `${SEC}/oauth2-jose/src/main/java/org/springframework/security/oauth2/jwt/JwtIssuerValidator.java@6.x`,
    },
    {
      match: {
        error: 'invalid_token',
        text: /The aud claim is not valid/i,
        endpoint: ['userinfo', 'resource'],
      },
      code: 'TOKEN_AUDIENCE_MISMATCH',
      means: "The access token's aud does not name this resource server.",
      source: `${SEC}/oauth2-jose/src/main/java/org/springframework/security/oauth2/jwt/JwtClaimValidator.java@6.x`,
    },
    {
      match: {
        error: 'invalid_token',
        text: /Signed JWT rejected|Invalid signature|no matching key/i,
        endpoint: ['userinfo', 'resource'],
      },
      code: 'TOKEN_INVALID',
      means:
        "The access token's signature does not verify with the server's keys (other issuer, rotated key, or a wrong alg).",
      source: `${SEC}/oauth2-jose/src/main/java/org/springframework/security/oauth2/jwt/NimbusJwtDecoder.java@6.x`,
    },
    {
      match: {
        error: 'insufficient_scope',
        text: /requires higher privileges than provided by the access token/i,
        endpoint: ['userinfo', 'resource'],
      },
      code: 'RESOURCE_FORBIDDEN',
      means: 'The token is valid but lacks a scope the endpoint needs (userinfo needs openid).',
      source: `${SEC}/oauth2-resource-server/src/main/java/org/springframework/security/oauth2/server/resource/web/access/BearerTokenAccessDeniedHandler.java@6.x`,
    },
  ],
};
