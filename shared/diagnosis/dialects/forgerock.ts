import type { Dialect } from './types.js';

const CCR =
  'OpenIdentityPlatform/OpenAM openam-oauth2/src/main/java/org/forgerock/openam/oauth2/ClientCredentialsReader.java@49a83fa44dbe';
const ACG =
  'OpenIdentityPlatform/OpenAM openam-oauth2/src/main/java/org/forgerock/oauth2/core/AuthorizationCodeGrantTypeHandler.java@009bad438cb9';

/**
 * ForgeRock AM / PingAM / OpenAM: texts from the OAuth2Exception classes and validators of the
 * OpenAM code base (OpenIdentityPlatform/OpenAM), ForgeRock Knowledge Base articles and AM docs.
 * Bodies put error_description before error; invalid_client is 400, or 401 with a Basic challenge
 * when the request carried an Authorization header.
 */
export const forgerock: Dialect = {
  id: 'forgerock',
  name: 'ForgeRock AM / PingAM',
  hosts:
    /\.forgeblocks\.com|\.id\.forgerock\.io|\/oauth2\/realms\/|\/oauth2\/access_token|\/openam\/oauth2\//i,
  rows: [
    {
      match: { error: 'invalid_client', text: /^JWT has expired$/i, endpoint: 'token' },
      code: 'ASSERTION_EXPIRED',
      means: 'AM says the client assertion JWT is past its exp time.',
      source: CCR,
      versions: 'AM 13 and later (OpenAM 13+)',
    },
    {
      match: {
        error: 'invalid_client',
        text: /JWT (?:is )?has expired or is not valid/i,
        endpoint: 'token',
      },
      code: 'ASSERTION_EXPIRED',
      means:
        'Older AM wording: the client assertion JWT is expired or did not verify (the same words cover a bad signature).',
      fix: 'Put exp and iat in epoch seconds, keep exp in the future but within the server limit, and sign with the registered key or secret.',
      source:
        'https://help.one.aol.com/Analytics_Reports/7_Analytics_Reports_API/7.2_Authentication_Guidelines/3_API_OAuth_Troubleshooting',
      versions: 'OpenAM 12 era (seen on ForgeRock-based deployments)',
    },
    {
      match: { error: 'invalid_client', text: /^JWT is not valid$/i, endpoint: 'token' },
      code: 'ASSERTION_SIGNATURE_INVALID',
      means:
        "AM could not verify the client assertion with the key configured on the client's profile.",
      fix: 'Check the public key / JWKS URI and the key selector on the client profile (Signing and Encryption tab) against the key that signed the JWT.',
      source: CCR,
    },
    {
      match: { error: 'invalid_client', text: /Audience validation failed/i, endpoint: 'token' },
      code: 'ASSERTION_AUD_MISMATCH',
      means: "The client assertion's aud does not contain the AM endpoint it was sent to.",
      fix: 'Set aud to the exact access_token URL of the realm (e.g. https://host/am/oauth2/realms/root/access_token).',
      source: CCR,
    },
    {
      match: {
        error: 'invalid_client',
        text: /Invalid authentication method for accessing this endpoint/i,
        endpoint: 'token',
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        "The client authenticated with a method other than its profile's Token Endpoint Authentication Method.",
      source: CCR,
    },
    {
      match: {
        error: 'invalid_request',
        text: /^Client authentication failed$/i,
        endpoint: 'token',
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'AM saw two client authentication methods at once (a Basic header plus client_id or a client assertion in the body).',
      fix: 'Send the client credentials one way only: either the Authorization header or the form parameters.',
      source: CCR,
    },
    {
      match: {
        error: 'invalid_client',
        text: /^Client authentication failed$/i,
        authMethod: ['client_secret_basic', 'client_secret_post'],
      },
      code: 'CLIENT_SECRET_INVALID',
      generic: true,
      candidates: ['CLIENT_SECRET_INVALID', 'CLIENT_UNKNOWN', 'CLIENT_DISABLED'],
      means:
        'AM could not authenticate the client: usually a wrong secret, but the same words cover an unknown or inactive client id in this realm.',
      fix: 'Check the secret, the realm in the URL, and that the client profile is active; from AM 6.5 URL-encode id and secret before Base64 in a Basic header.',
      source: 'https://backstage.forgerock.com/knowledge/kb/article/a65338740',
    },
    {
      match: {
        error: 'invalid_request',
        text: /URLDecoder: Illegal hex characters/i,
        endpoint: 'token',
      },
      code: 'CLIENT_SECRET_INVALID',
      means:
        'AM could not URL-decode the client id or secret taken from the Basic authorization header.',
      fix: 'URL-encode the client id and secret before Base64-encoding them (AM 6.5 and later); do not encode them twice.',
      source: 'https://backstage.forgerock.com/knowledge/kb/article/a65338740',
      versions: 'AM 6.5 and later',
    },
    {
      match: {
        error: 'unauthorized_client',
        text: /not authorized to use this authorization grant type/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means: "The grant type is not in the client profile's Grant Types list.",
      fix: 'Add the grant type (and refresh_token if refresh tokens are wanted) under Advanced > Grant Types on the client profile.',
      source: 'https://backstage.forgerock.com/knowledge/kb/article/a24000568',
      versions: 'AM 6.5 and later',
    },
    {
      match: { error: 'redirect_uri_mismatch', text: /does not match a pre-registered value/i },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The redirect_uri is missing, contains a fragment, or is not one of the Redirection URIs on the client profile.',
      source: 'https://backstage.forgerock.com/knowledge/kb/article/a79748620',
    },
    {
      match: { error: 'redirect_uri_mismatch' },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'AM did not find the redirect_uri among the Redirection URIs registered for the client.',
      source: 'https://backstage.forgerock.com/knowledge/kb/article/a59431948',
    },
    {
      match: { error: 'invalid_scope', text: /Unknown\/invalid scope\(s\)/i },
      code: 'SCOPE_NOT_ALLOWED',
      means: "A requested scope is not in the client profile's Scope(s) list.",
      source: 'https://github.com/mintel/dex-k8s-authenticator/issues/145',
    },
    {
      match: { error: 'invalid_grant', text: /Authorization code expired/i, endpoint: 'token' },
      code: 'CODE_INVALID',
      means: 'The authorization code is past its lifetime.',
      source: ACG,
    },
    {
      match: {
        error: 'invalid_request',
        text: /Authorization code doesn.t exist/i,
        endpoint: 'token',
      },
      code: 'CODE_INVALID',
      means:
        'AM has no such authorization code (mistyped, from another realm or AM instance, or purged).',
      source: ACG,
    },
    {
      match: {
        error: 'invalid_grant',
        text: /The provided access grant is invalid, expired, or revoked/i,
        endpoint: 'token',
      },
      code: 'CODE_INVALID',
      means:
        'AM refused the grant: for a code exchange the code was already used, issued for another redirect_uri or client, or the PKCE verifier did not match (for a refresh the refresh token is no longer valid).',
      source:
        'OpenIdentityPlatform/OpenAM openam-oauth2/src/main/java/org/forgerock/oauth2/core/exceptions/InvalidGrantException.java@71b128a7314b',
    },
    {
      match: {
        error: 'invalid_request',
        text: /code_verifier parameter required/i,
        endpoint: 'token',
      },
      code: 'PKCE_MISMATCH',
      means: 'The provider requires PKCE and the code exchange carried no code_verifier.',
      source: ACG,
    },
    {
      match: { error: 'invalid_request', text: /Invalid code challenge method specified/i },
      code: 'PKCE_MISMATCH',
      means: 'The code was issued with a code_challenge_method other than plain or S256.',
      source: ACG,
    },
    {
      match: { error: 'invalid_request', text: /grant.?type is not set/i, endpoint: 'token' },
      code: 'GRANT_TYPE_INVALID',
      means:
        'AM found no grant_type in the token request (often a JSON body instead of a form body).',
      fix: 'POST grant_type and the other parameters as application/x-www-form-urlencoded.',
      source: 'https://github.com/OpenIdentityPlatform/OpenAM/issues/596',
    },
    {
      match: {
        error: 'invalid_request',
        text: /Scope parameter is not supported on an authorization code access_token exchange/i,
        endpoint: 'token',
      },
      code: 'REQUEST_MALFORMED',
      means:
        'AM does not accept scope on the authorization-code exchange; scope belongs on the authorize request.',
      fix: 'Drop the scope parameter from the token request.',
      source: 'https://github.com/oidc-wp/openid-connect-generic/issues/348',
    },
    {
      match: { text: /No enum constant org\.forgerock\.json\.jose\.jws\.JwsAlgorithm/i },
      code: 'ASSERTION_ALG_NOT_ACCEPTED',
      means: "AM could not map the JWT's alg header to a supported algorithm (e.g. alg none).",
      fix: 'Set the alg header explicitly to the algorithm the client is registered for (e.g. HS256 or RS256).',
      source:
        'https://help.one.aol.com/Analytics_Reports/7_Analytics_Reports_API/7.2_Authentication_Guidelines/4_Troubleshooting_OAuth2%2F%2FOpenID_Connect',
    },
    {
      match: { text: /JWT expiration time is unreasonable/i, endpoint: 'token' },
      code: 'ASSERTION_EXP_TOO_FAR',
      means: 'The JWT bearer assertion expires more than 30 minutes ahead.',
      source:
        'https://backstage.forgerock.com/docs/am/7.2/oauth2-guide/oauth2-jwt-bearer-grant.html',
    },
    {
      match: {
        error: 'invalid_token',
        text: /The access token provided is expired, revoked, malformed, or invalid for other reasons/i,
      },
      code: 'TOKEN_INVALID',
      means:
        'AM does not know the access token presented (expired, revoked, from another realm or instance, or malformed).',
      source:
        'OpenIdentityPlatform/OpenAM openam-oauth2/src/main/java/org/forgerock/oauth2/core/exceptions/InvalidTokenException.java@d11451dc1899',
    },
  ],
};
