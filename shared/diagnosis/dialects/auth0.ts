import type { Dialect } from './types.js';

const AUTH_API = 'https://auth0.com/docs/api/authentication';
const MGMT_API = 'https://auth0.com/docs/api/management/v2';

/**
 * Auth0: short error_description sentences from /oauth/token and /authorize ("Unauthorized",
 * "Service not enabled within domain", "Grant type '…' not allowed for the client."), a "Callback
 * URL mismatch." page, and {"statusCode","error","message","errorCode"} from the Management API.
 * Sources: Auth0's Authentication and Management API docs, and captures in issue trackers.
 */
export const auth0: Dialect = {
  id: 'auth0',
  name: 'Auth0',
  hosts: /\.auth0\.com\b/i,
  rows: [
    // --- client authentication ---
    {
      match: {
        error: 'access_denied',
        text: /^Unauthorized$/i,
        endpoint: 'token',
        authMethod: ['none'],
      },
      code: 'AUTH_METHOD_MISMATCH',
      generic: true,
      means:
        'Auth0 refused the client: no secret was sent but the application expects one (its Token Endpoint Authentication Method is not None).',
      fix: 'For a browser or native app, set the application type to Single Page / Native and Token Endpoint Authentication Method to None; otherwise send the client secret.',
      source: 'https://github.com/auth0-samples/auth0-angular-samples/issues/201',
    },
    {
      match: {
        error: 'access_denied',
        text: /^Unauthorized$/i,
        endpoint: 'token',
        authMethod: ['client_secret_basic', 'client_secret_post'],
      },
      code: 'CLIENT_SECRET_INVALID',
      generic: true,
      means: 'Auth0 refused the client credentials: the client_id or client_secret is wrong.',
      source: 'https://github.com/auth0/laravel-auth0/issues/42',
    },
    // --- audience / API ---
    {
      match: { text: /Service not enabled within domain/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The audience is not the identifier of any API in this tenant (with a custom domain, the Management API audience stays https://{tenant}.auth0.com/api/v2/).',
      fix: 'Use the exact Identifier of an API defined under Applications > APIs as audience.',
      source: 'https://github.com/auth0/node-auth0/issues/292',
    },
    {
      match: { text: /Service not found/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The audience of the authorize request is not the identifier of any API in this tenant.',
      fix: 'Create the API in Auth0 with that identifier, or send the identifier of an existing API.',
      source: 'https://auth0.com/docs/customize/custom-domains',
    },
    {
      match: { text: /Client is not authorized to access/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The application has no client grant for this API: it is not authorized to ask tokens for that audience.',
      fix: 'Authorize the application for the API (APIs > the API > Machine to Machine Applications) and tick the scopes it needs.',
      source: 'https://github.com/auth0/ruby-auth0/issues/610',
      versions:
        '"You need to create a client-grant" now; "You might probably want to create a client-grant" ≤ 2018',
    },
    {
      match: { text: /Client has not been granted scopes/i },
      code: 'SCOPE_NOT_ALLOWED',
      means: 'The application’s client grant for this API does not include the requested scopes.',
      source: AUTH_API,
    },
    // --- grants ---
    {
      match: {
        error: 'unauthorized_client',
        text: /Grant type '[^']*' not allowed for the client/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means: 'The grant type is not enabled on this application.',
      fix: 'Enable it under the application’s Advanced Settings > Grant Types.',
      source: 'https://auth0.com/docs/get-started/applications/application-grant-types',
    },
    {
      match: { error: 'unsupported_grant_type' },
      code: 'GRANT_TYPE_INVALID',
      means: 'Auth0 does not know the grant_type sent.',
      source: AUTH_API,
    },
    {
      match: { text: /Authorization server not configured with default connection/i },
      code: 'GRANT_NOT_ALLOWED',
      means: 'The password grant needs a default directory (connection) in the tenant settings.',
      fix: 'Set the tenant’s Default Directory, or use the password-realm grant with a realm.',
      source: AUTH_API,
    },
    {
      match: { error: 'invalid_grant', text: /Invalid authorization code/i },
      code: 'CODE_INVALID',
      means: 'The authorization code is unknown, already used, or expired.',
      source: AUTH_API,
    },
    {
      match: { error: 'invalid_grant', text: /Unknown or invalid refresh token/i },
      code: 'REFRESH_INVALID',
      means: 'The refresh token is unknown, revoked, expired, or was rotated away.',
      source: AUTH_API,
    },
    {
      match: { error: 'invalid_grant', text: /Failed to verify code verifier/i },
      code: 'PKCE_MISMATCH',
      means: 'The code_verifier does not match the code_challenge of the authorization request.',
      source: AUTH_API,
    },
    {
      match: { text: /Wrong (email|phone number|username) or (password|verification code)/i },
      code: 'USER_CREDENTIALS_INVALID',
      means: 'The user’s credentials are wrong.',
      source: AUTH_API,
    },
    {
      match: {
        error: ['too_many_attempts', 'invalid_grant'],
        text: /(account has been blocked|user is blocked)/i,
      },
      code: 'USER_CREDENTIALS_INVALID',
      means: 'The user is blocked (too many failed attempts, or blocked by an administrator).',
      source: AUTH_API,
    },
    {
      match: { error: 'mfa_required' },
      code: 'LOGIN_REQUIRED',
      means:
        'Multi-factor authentication is required; the answer carries an mfa_token to continue with.',
      fix: 'Challenge the user through the MFA API with the mfa_token, or use the interactive login.',
      source: AUTH_API,
    },
    {
      match: { error: ['login_required', 'interaction_required'] },
      code: 'LOGIN_REQUIRED',
      means: 'A silent (prompt=none) request needs the user to log in or interact.',
      source: AUTH_API,
    },
    {
      match: { error: 'consent_required' },
      code: 'CONSENT_REQUIRED',
      means:
        'The user has not consented to the requested scopes (silent request, or a third-party app).',
      source: AUTH_API,
    },
    // --- redirect / callback ---
    {
      match: { text: /Callback URL mismatch/i },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The redirect_uri is not in the application’s Allowed Callback URLs (exact, case-sensitive).',
      fix: 'Add the exact redirect_uri to Allowed Callback URLs in the application settings.',
      source: 'https://github.com/auth0-samples/auth0-nodejs-webapp-sample/issues/80',
      versions:
        'now "The provided redirect_uri is not in the list of allowed callback URLs."; earlier "The url "…" is not in the list of allowed callback URLs: …"',
    },
    // --- Management API and other resources ---
    {
      match: { vendorCode: /^insufficient_scope$/ },
      code: 'RESOURCE_FORBIDDEN',
      means:
        'The Management API token lacks a scope the call needs (the message names the expected scopes).',
      fix: 'Grant the scope to the application under APIs > Auth0 Management API > Machine to Machine Applications, then get a new token.',
      source: MGMT_API,
    },
    {
      match: { text: /Expired token received for JSON Web Token validation/i },
      code: 'TOKEN_EXPIRED',
      means: 'The Management API token has expired.',
      source: MGMT_API,
    },
    {
      match: { text: /^Bad audience/i, endpoint: 'resource' },
      code: 'TOKEN_AUDIENCE_MISMATCH',
      means: 'The token was issued for another audience than the Management API of this tenant.',
      source: MGMT_API,
    },
    {
      match: { status: 401, text: /^Invalid token$/i, endpoint: 'resource' },
      code: 'TOKEN_INVALID',
      means:
        'The Management API did not accept the token (malformed, badly signed, or not an Auth0 token).',
      source: MGMT_API,
    },
    {
      match: { text: /Bad HTTP authentication header format/i },
      code: 'REQUEST_MALFORMED',
      means: 'The Authorization header is not "Bearer <token>".',
      source: MGMT_API,
    },
    {
      match: { vendorCode: /^too_many_requests$/ },
      code: 'RATE_LIMITED',
      means: 'Auth0’s rate limit was reached.',
      fix: 'Wait until the x-ratelimit-reset time and retry with back-off.',
      source:
        'https://auth0.com/docs/troubleshoot/customer-support/operational-policies/rate-limit-policy',
    },
  ],
};
