import type { Dialect } from './types.js';

const OIDC = 'https://developer.okta.com/docs/reference/api/oidc/';
const ERRORS = 'https://developer.okta.com/docs/reference/error-codes/';

/**
 * Okta: OAuth errors in error/error_description from /oauth2/…/v1/*, an HTML "400 Bad Request"
 * page at /authorize, and {"errorCode":"E0000…","errorSummary"} from its management/authn APIs.
 * Sources: Okta's OIDC API reference and error-code reference, and captures in issue trackers.
 */
export const okta: Dialect = {
  id: 'okta',
  name: 'Okta',
  hosts: /\.(okta|oktapreview|okta-emea|okta-gov|okta-mil)\.com\b/i,
  rows: [
    // --- client authentication ---
    {
      match: {
        error: 'invalid_client',
        text: /Either the client or the client credentials are invalid/i,
        authMethod: ['none'],
      },
      code: 'AUTH_METHOD_MISMATCH',
      generic: true,
      means:
        'Okta wants client authentication from this app but none was sent: the client_id is probably a Web (confidential) app used from a browser or device.',
      fix: 'Use the client_id of a Single-Page or Native app (authentication method None, with PKCE), or authenticate with the Web app’s secret from a server.',
      source: 'https://github.com/okta/okta-auth-js/issues/401',
    },
    {
      match: {
        error: 'invalid_client',
        text: /Either the client or the client credentials are invalid/i,
        authMethod: ['client_secret_basic', 'client_secret_post'],
      },
      code: 'CLIENT_SECRET_INVALID',
      generic: true,
      means:
        'Okta could not authenticate the client: the client_id or its secret is wrong for this authorization server.',
      source: OIDC,
    },
    {
      match: { text: /The client secret supplied for a confidential client is invalid/i },
      code: 'CLIENT_SECRET_INVALID',
      means: 'Okta says the client secret is wrong.',
      source: OIDC,
    },
    {
      match: { text: /Cannot supply multiple client credentials/i },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The request carried client credentials twice (Authorization header and body, or a secret and an assertion).',
      fix: 'Send the credentials one way only: Basic header, form body, or client_assertion.',
      source: 'https://github.com/boylesoftware/tomcat-oidcauth/issues/6',
    },
    {
      match: { text: /Invalid value for 'client_id' parameter/i },
      code: 'CLIENT_UNKNOWN',
      means: 'Okta does not know this client_id (for this org or authorization server).',
      fix: 'Copy the Client ID of the app integration, and use the issuer of the authorization server the app is assigned to.',
      source: OIDC,
    },
    // --- client assertions (private_key_jwt / client_secret_jwt) ---
    {
      match: { text: /client_assertion JWT kid is invalid/i },
      code: 'ASSERTION_KID_NOT_FOUND',
      means:
        'The kid of the client assertion does not name one of the app’s keys (Okta needs a kid when the app has several keys).',
      fix: 'Put the kid of a key registered on the app in the JWT header.',
      source: 'https://github.com/okta/okta-sdk-python/issues/289',
    },
    {
      match: { text: /The client_assertion_type is invalid/i },
      code: 'ASSERTION_TYPE_INVALID',
      means:
        'client_assertion_type is missing or not urn:ietf:params:oauth:client-assertion-type:jwt-bearer.',
      source: 'https://github.com/zitadel/oidc/issues/635',
    },
    {
      match: { text: /audience claim for client_assertion must be the endpoint invoked/i },
      code: 'ASSERTION_AUD_MISMATCH',
      means:
        'Okta wants the assertion’s aud to be the exact endpoint URL called (e.g. …/v1/token).',
      fix: 'Set aud to the full token endpoint URL of the authorization server, not the issuer or the org URL.',
      source: 'https://github.com/facile-it/php-openid-client/pull/25',
    },
    {
      match: { text: /client_assertion token has an expiration too far into the future/i },
      code: 'ASSERTION_EXP_TOO_FAR',
      means: 'The assertion’s exp is further ahead than Okta accepts (one hour).',
      source: OIDC,
    },
    {
      match: { text: /client_assertion token is expired/i },
      code: 'ASSERTION_EXPIRED',
      means: 'The client assertion’s exp is already past.',
      source: OIDC,
    },
    {
      match: { text: /client_assertion signature is invalid/i },
      code: 'ASSERTION_SIGNATURE_INVALID',
      means: 'The client assertion’s signature does not verify with the app’s registered keys.',
      source: OIDC,
    },
    // --- grants ---
    {
      match: { text: /The client is not authorized to use the provided grant type/i },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'The grant type is not enabled on this app integration (Okta lists the configured grant types).',
      fix: 'Enable the grant type in the app’s General settings (and allow it in the authorization server’s access policy).',
      source: 'https://github.com/okta/okta-mobile-kotlin/issues/224',
    },
    {
      match: { text: /Policy evaluation failed for this request/i },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'No access policy rule of the authorization server allows this client, grant type and scopes.',
      fix: 'Add or fix an access policy rule on the authorization server for this app, grant type and scopes.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_grant', text: /The authorization code is invalid or has expired/i },
      code: 'CODE_INVALID',
      means: 'The authorization code is unknown, already used, or expired.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_grant', text: /The interaction code is invalid or has expired/i },
      code: 'CODE_INVALID',
      means: 'The Identity Engine interaction code is unknown, already used, or expired.',
      source: 'https://github.com/okta/okta-idx-swift/issues/109',
    },
    {
      match: { error: 'invalid_grant', text: /The refresh token is invalid or expired/i },
      code: 'REFRESH_INVALID',
      means: 'The refresh token is unknown, revoked, rotated away, or expired.',
      source: OIDC,
    },
    {
      match: { error: 'invalid_grant', text: /The credentials provided were invalid/i },
      code: 'USER_CREDENTIALS_INVALID',
      means: 'The user name or password of the password grant is wrong.',
      source: OIDC,
    },
    {
      match: { text: /does not match the redirection URI used in the authorization request/i },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The redirect_uri of the token request differs from the one of the authorization request.',
      source: OIDC,
    },
    // --- PKCE ---
    {
      match: { text: /PKCE verification failed/i },
      code: 'PKCE_MISMATCH',
      means:
        'The code_verifier does not hash to the code_challenge of the authorization request (often a verifier left over from an earlier attempt).',
      source: OIDC,
    },
    {
      match: { text: /code challenge is required/i },
      code: 'PKCE_REQUIRED',
      means: 'Okta requires PKCE for this client (public clients must send a code_challenge).',
      source: OIDC,
    },
    // --- authorize endpoint ---
    {
      match: {
        text: /The 'redirect_uri' parameter must be a Login redirect URI in the client app settings/i,
      },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The redirect_uri sent is not one of the app’s Sign-in (Login) redirect URIs.',
      fix: 'Add the exact redirect_uri to the app integration’s Sign-in redirect URIs.',
      source: 'https://github.com/okta/okta-signin-widget/issues/947',
      versions: 'current wording',
    },
    {
      match: { text: /The 'redirect_uri' parameter must be an absolute URI that is whitelisted/i },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The redirect_uri sent is not one of the app’s Login redirect URIs.',
      source: 'https://github.com/oktadev/okta-spring-boot-react-crud-example/issues/7',
      versions: '≤ 2020 wording',
    },
    {
      match: { text: /User is not assigned to the client application/i },
      code: 'AUTHORIZATION_DENIED',
      means: 'The user signed in but is not assigned to this app integration.',
      fix: 'Assign the user (or a group the user is in) to the application in Okta.',
      source: OIDC,
    },
    {
      match: { text: /The client specified not to prompt, but the user is not logged in/i },
      code: 'LOGIN_REQUIRED',
      means: 'prompt=none was sent but the user has no Okta session.',
      source: OIDC,
    },
    // --- scopes ---
    {
      match: {
        text: /One or more scopes are not configured for the authorization server resource/i,
      },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'A requested scope is not defined on this authorization server (for example groups, which a custom server does not have by default).',
      fix: 'Define the scope on the authorization server, or stop requesting it (use a groups claim instead of a groups scope).',
      source: OIDC,
    },
    {
      match: { text: /Custom scopes are not allowed for this request/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'Custom scopes can only be issued by a custom authorization server; the request went to the org authorization server.',
      fix: 'Use the custom authorization server’s issuer (https://{domain}/oauth2/default or /oauth2/{id}).',
      source: 'https://github.com/okta/okta-react-native/issues/315',
    },
    {
      match: { text: /does not have any configured default scopes, 'scope' must be provided/i },
      code: 'REQUEST_MALFORMED',
      means: 'No scope was sent and the authorization server has no default scope.',
      fix: 'Send a scope parameter, or mark a scope as default on the authorization server.',
      source: 'https://github.com/oktadev/okta-blog-hugo/issues/47',
    },
    {
      match: { text: /OpenID scopes require the 'openid' scope/i },
      code: 'REQUEST_MALFORMED',
      means: 'OpenID scopes (profile, email…) were requested without the openid scope.',
      source: 'https://github.com/okta/okta-idx-java/issues/500',
    },
    // --- tokens at userinfo and resources ---
    {
      match: { error: 'invalid_token', text: /The access token is invalid/i },
      code: 'TOKEN_INVALID',
      means:
        'Okta did not accept the access token (unknown, malformed, expired or from another server).',
      source: OIDC,
    },
    {
      match: {
        error: 'insufficient_scope',
        text: /must provide access to at least one of these scopes/i,
      },
      code: 'RESOURCE_FORBIDDEN',
      means:
        'The access token has none of the scopes userinfo needs (profile, email, address or phone).',
      source: OIDC,
    },
    {
      match: { text: /The access token cannot be presented in a query string/i },
      code: 'REQUEST_MALFORMED',
      means:
        'The access token was sent in the URL; Okta only accepts it in the Authorization header.',
      source: 'https://github.com/goauthentik/authentik/issues/1910',
    },
    // --- management / authn API error codes ---
    {
      match: { vendorCode: /^E0000011$/ },
      code: 'TOKEN_INVALID',
      means:
        'Okta’s API rejected the token (an invalid, revoked or expired API token or access token).',
      source: ERRORS,
    },
    {
      match: { vendorCode: /^E0000047$/ },
      code: 'RATE_LIMITED',
      means: 'Okta’s rate limit for this endpoint was exceeded.',
      fix: 'Wait until the X-Rate-Limit-Reset time, and spread the calls.',
      source: ERRORS,
    },
    {
      match: { vendorCode: /^E00000(06|15)$/ },
      code: 'RESOURCE_FORBIDDEN',
      means: 'The caller has no permission for this operation or feature.',
      source: ERRORS,
    },
    {
      match: { vendorCode: /^E0000004$/ },
      code: 'USER_CREDENTIALS_INVALID',
      means: 'Okta’s authentication failed (wrong user name or password).',
      source: ERRORS,
    },
    {
      match: { vendorCode: /^E00000(07|22)$/ },
      code: 'ENDPOINT_NOT_FOUND',
      means: 'The API path or resource does not exist, or the HTTP method is not supported there.',
      source: ERRORS,
    },
    {
      match: { vendorCode: /^E0000001$/, endpoint: 'registration' },
      code: 'CLIENT_METADATA_INVALID',
      means: 'Okta’s API validation failed for the submitted client metadata.',
      source: ERRORS,
    },
    {
      match: { vendorCode: /^E0000009$/ },
      code: 'SERVER_ERROR',
      means: 'Okta reports an internal server error.',
      source: ERRORS,
    },
  ],
};
