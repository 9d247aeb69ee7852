import type { Dialect } from './types.js';

/**
 * Google OAuth 2.0 / Google Identity: short error_description strings at oauth2.googleapis.com,
 * "Error 4xx: code" pages at accounts.google.com, and google.rpc error objects at the APIs.
 * Sources: developers.google.com/identity/protocols/oauth2 and issue captures.
 */
export const google: Dialect = {
  id: 'google',
  name: 'Google',
  hosts: /accounts\.google\.com|oauth2\.googleapis\.com|www\.googleapis\.com\/oauth2/i,
  rows: [
    // --- client ---
    {
      match: { error: 'invalid_client', text: /The OAuth client was not found/i },
      code: 'CLIENT_UNKNOWN',
      means:
        'Google has no OAuth client with this client_id (typo, placeholder, deleted, or another project).',
      fix: 'Copy the client ID of an existing OAuth client from the Google Cloud console Credentials page.',
      source:
        'https://developers.google.com/identity/protocols/oauth2/web-server#authorization-errors-invalid-client',
    },
    {
      match: { error: 'invalid_client', text: /The OAuth client was invalid/i },
      code: 'CLIENT_UNKNOWN',
      means: 'Google does not accept this client_id as an OAuth client.',
      source: 'https://github.com/spatie/laravel-analytics/issues/130',
      versions: 'older wording (2016)',
    },
    {
      match: { error: 'invalid_client', text: /^Unauthorized$/i, endpoint: 'token' },
      code: 'CLIENT_SECRET_INVALID',
      means: 'Google found the client but the client_secret does not match it.',
      fix: "Use the client secret of the same OAuth client (Credentials page), not an API key or another client's secret.",
      source: 'https://github.com/hybridauth/hybridauth/issues/973',
    },
    // --- redirect URI ---
    {
      match: { error: 'redirect_uri_mismatch' },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        "The redirect_uri is not one of the OAuth client's authorized redirect URIs (or differs from the authorize request).",
      fix: 'Add the exact URI to Authorized redirect URIs of this OAuth client, or send the one that is listed.',
      source:
        'https://developers.google.com/identity/protocols/oauth2/web-server#authorization-errors-redirect-uri-mismatch',
    },
    {
      match: { text: /does not match the ones authorized for the OAuth client/i },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        "Google's error page: the redirect URI in the request is not authorized for this client.",
      source:
        'https://developers.google.com/identity/protocols/oauth2/web-server#authorization-errors-redirect-uri-mismatch',
    },
    {
      match: { text: /did not match a registered redirect URI/i },
      code: 'REDIRECT_URI_MISMATCH',
      means: "Google's error page (older wording): the redirect URI is not registered.",
      source: 'https://github.com/bluevisiontec/GoogleShoppingApi/issues/73',
      versions: 'older wording (2015)',
    },
    // --- authorization code, PKCE, refresh ---
    {
      match: { error: 'invalid_grant', text: /Code was already redeemed/i },
      code: 'CODE_INVALID',
      means: 'The authorization code was already exchanged once.',
      source: 'https://github.com/googleapis/google-api-nodejs-client/issues/392',
      versions: 'older wording (2015–2017)',
    },
    {
      match: { error: 'invalid_grant', text: /Missing code verifier/i },
      code: 'PKCE_MISMATCH',
      means: 'The code was requested with a code_challenge but no code_verifier was sent.',
      fix: 'Keep the code_verifier from the authorize step and send it with the code.',
      source: 'https://github.com/googleapis/google-api-php-client/issues/2669',
    },
    {
      match: { error: 'invalid_grant', text: /Invalid code verifier/i },
      code: 'PKCE_MISMATCH',
      means: 'The code_verifier does not match the code_challenge of the authorize request.',
      source: 'https://github.com/googleapis/google-api-java-client/issues/1479',
    },
    {
      match: { error: 'invalid_grant', text: /code_verifier or verifier is not needed/i },
      code: 'PKCE_MISMATCH',
      means: 'A code_verifier was sent for a code requested without a code_challenge.',
      fix: 'Send code_verifier only when the authorize request carried code_challenge (use the same flow object for both steps).',
      source: 'https://github.com/googleapis/google-auth-library-nodejs/issues/2028',
    },
    {
      match: { error: 'invalid_grant', text: /Token has been expired or revoked/i },
      code: 'REFRESH_INVALID',
      means:
        'The refresh token is expired or revoked (user revoked access, password change, 6 months unused, or 7-day expiry while the consent screen is in Testing).',
      fix: 'Sign the user in again; set the OAuth consent screen to In production so refresh tokens stop expiring after 7 days.',
      source: 'https://developers.google.com/identity/protocols/oauth2#expiration',
    },
    // --- service accounts (JWT bearer grant) ---
    {
      match: { error: 'invalid_grant', text: /Invalid JWT Signature/i },
      code: 'ASSERTION_SIGNATURE_INVALID',
      means:
        "The service-account JWT's signature does not verify with that account's key (wrong key, deleted key, or key of another account).",
      fix: 'Use a current key file of the same service account whose email is the JWT iss.',
      source: 'https://github.com/spring-attic/spring-cloud-gcp/issues/2634',
    },
    {
      match: { error: 'invalid_grant', text: /Token must be a short-lived token/i },
      code: 'ASSERTION_EXPIRED',
      means: "The JWT's iat/exp are not a window of at most 60 minutes around Google's clock.",
      fix: 'Build a fresh JWT for each token request (exp = iat + at most 3600) and sync the local clock (NTP).',
      source: 'https://github.com/googleapis/google-cloud-cpp/issues/2689',
    },
    {
      match: {
        error: 'unauthorized_client',
        text: /Client is unauthorized to retrieve access tokens using this method/i,
      },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        "Domain-wide delegation: the service account's client ID is not authorized for these scopes (or for impersonation) in the Workspace Admin console.",
      fix: 'In the Admin console (Security > API controls > Domain-wide delegation) add the client ID with exactly the scopes requested.',
      source: 'https://github.com/googleapis/google-auth-library-ruby/issues/210',
      versions: '", or client not authorized for any of the scopes requested" added about 2019',
    },
    {
      match: { error: 'unauthorized_client', text: /Unauthorized client or scope in request/i },
      code: 'SCOPE_NOT_ALLOWED',
      means: 'Domain-wide delegation is not granted for this client and scope (older wording).',
      source: 'https://github.com/googleapis/google-api-php-client/issues/950',
      versions: 'older wording (2016)',
    },
    // --- consent screen / policies (authorize error pages) ---
    {
      match: {
        error: 'access_denied',
        text: /developer hasn.t given you access to this app|has not completed the Google verification process/i,
      },
      code: 'AUTHORIZATION_DENIED',
      means: 'The app is in Testing and this Google account is not one of its test users.',
      fix: 'Add the account under Test users of the OAuth consent screen (Audience), or publish the app.',
      source: 'https://github.com/insanum/gcalcli/issues/830',
      versions: '"has not completed the Google verification process" since about 2023',
    },
    {
      match: { error: 'admin_policy_enforced' },
      code: 'CONSENT_REQUIRED',
      means:
        'A Google Workspace administrator policy blocks this app or these scopes for the account.',
      fix: 'A Workspace admin must trust the app (API controls) or allow the scopes.',
      source:
        'https://developers.google.com/identity/protocols/oauth2/web-server#authorization-errors-admin-policy-enforced',
    },
    {
      match: { error: 'org_internal' },
      code: 'AUTHORIZATION_DENIED',
      means:
        'The OAuth client is Internal to a Workspace organization and the account is outside it.',
      source:
        'https://developers.google.com/identity/protocols/oauth2/web-server#authorization-errors-org-internal',
    },
    {
      match: { error: 'disallowed_useragent' },
      code: 'AUTHORIZATION_DENIED',
      means: 'Google refuses sign-in inside an embedded web view.',
      fix: 'Open the authorize URL in the system browser (or a custom tab / ASWebAuthenticationSession).',
      source:
        'https://developers.google.com/identity/protocols/oauth2/web-server#authorization-errors-disallowed-useragent',
    },
    // --- userinfo / APIs ---
    {
      match: {
        error: 'invalid_request',
        text: /^Invalid Credentials$/i,
        endpoint: ['userinfo', 'resource'],
      },
      code: 'TOKEN_INVALID',
      means:
        'Google did not accept the Bearer token (expired, revoked, not an access token, or another project).',
      source: 'https://github.com/pimplesushant/laravelsocialiteapi/issues/1',
    },
    {
      match: { status: 401, text: /Request had invalid authentication credentials/i },
      code: 'TOKEN_INVALID',
      means: 'The Google API refused the access token (expired or invalid).',
      fix: 'Refresh the access token and retry; check it was issued for this project.',
      source: 'https://github.com/dacastro4/laravel-gmail/issues/273',
    },
    {
      match: { status: 401, text: /Request is missing required authentication credential/i },
      code: 'REQUEST_MALFORMED',
      means: 'No access token reached the Google API.',
      fix: 'Send Authorization: Bearer <access token>.',
      source: 'https://github.com/reactmore/morelab/issues/17',
    },
    {
      match: { status: 403, text: /insufficient authentication scopes/i },
      code: 'RESOURCE_FORBIDDEN',
      means: 'The access token lacks a scope this API method needs.',
      fix: 'Request the scope named in WWW-Authenticate and get a new token (consent again).',
      source: 'https://github.com/kwent/react-google-contacts/issues/6',
    },
  ],
};
