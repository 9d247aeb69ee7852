import type { Dialect } from './types.js';

const DOCS = 'https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes';
const GRAPH_ERRORS = 'https://learn.microsoft.com/en-us/graph/errors';

/**
 * Microsoft Entra ID (Azure AD): its security token service puts an AADSTS number and sentence in
 * error_description (and the numbers in error_codes); Microsoft Graph answers resource calls with
 * {"error":{"code","message"}}. Sources: the AADSTS reference (learn.microsoft.com), the Graph
 * error page, and captures quoted in issue trackers.
 */
export const entra: Dialect = {
  id: 'entra',
  name: 'Microsoft Entra ID',
  hosts:
    /\b(login\.microsoftonline\.(com|us|de)|login\.windows\.net|login\.partner\.microsoftonline\.cn|login\.chinacloudapi\.cn|sts\.windows\.net|[\w-]+\.ciamlogin\.com|graph\.microsoft\.com)\b/i,
  rows: [
    // --- client identity and tenant ---
    {
      match: { vendorCode: /^AADSTS7000215$/ },
      code: 'CLIENT_SECRET_INVALID',
      means:
        'Entra says the client secret is wrong: often the secret ID was sent instead of the secret value, or the secret was copied with extra characters.',
      fix: 'In the app registration (Certificates & secrets), copy the Value of a current secret, not its Secret ID; create a new secret if the value is lost.',
      source: DOCS,
      versions:
        '"Invalid client secret is provided." (seen 2019–2021); "Invalid client secret provided. Ensure the secret being sent … is the client secret value, not the client secret ID …" (seen from 2023)',
    },
    {
      match: { vendorCode: /^AADSTS7000222$/ },
      code: 'CLIENT_SECRET_INVALID',
      means: 'Entra says every client secret of this app registration has expired.',
      fix: 'Create a new client secret in the app registration and use its value.',
      source: DOCS,
    },
    {
      match: { text: /AADSTS50012: Invalid client secret is provided/i },
      code: 'CLIENT_SECRET_INVALID',
      means: 'Entra (older v1 wording) says the client secret is wrong.',
      source: 'https://github.com/sjkp/letsencrypt-siteextension/issues/144',
      versions: 'v1 endpoint, ≤ 2018',
    },
    {
      match: { vendorCode: /^AADSTS700016$/ },
      code: 'CLIENT_UNKNOWN',
      means:
        'Entra did not find an application with this client_id in the tenant the request went to: wrong client_id, or the wrong tenant in the URL.',
      fix: 'Check the Application (client) ID and the tenant in the authority URL; a single-tenant app only exists in its own tenant.',
      source: DOCS,
    },
    {
      match: { text: /AADSTS70001: Application with identifier .{0,200} was not found/i },
      code: 'CLIENT_UNKNOWN',
      means: 'Entra (older wording) did not find the application in this directory.',
      source:
        'https://github.com/Azure-Samples/active-directory-dotnet-daemon-certificate-credential/issues/16',
      versions: '≤ 2017',
    },
    {
      match: { vendorCode: /^AADSTS90002$/ },
      code: 'CLIENT_UNKNOWN',
      means:
        'Entra did not find the tenant named in the URL: the tenant ID or domain is wrong, or it belongs to another cloud.',
      fix: 'Put the Directory (tenant) ID or a verified domain of the tenant in the authority URL, and use that cloud’s login host.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS(900023|50059)$/ },
      code: 'CLIENT_UNKNOWN',
      means:
        'Entra could not tell which tenant is meant: the tenant segment of the URL is not a tenant ID or domain (or is missing).',
      fix: 'Use https://login.microsoftonline.com/{tenant-id}/oauth2/v2.0/… with the tenant ID in the first path segment.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS50194$/ },
      code: 'CLIENT_UNKNOWN',
      means:
        'The app is single-tenant, so the /common (or /organizations) endpoint cannot be used with it.',
      fix: 'Use the tenant-specific endpoint, or make the app registration multi-tenant.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS7000112$/ },
      code: 'CLIENT_DISABLED',
      means: 'Entra says the application is disabled.',
      source: DOCS,
    },
    // --- client authentication method ---
    {
      match: { vendorCode: /^AADSTS7000218$/ },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The app is registered as a confidential client, so Entra wants a client_secret or client_assertion, and none was sent.',
      fix: 'Send the client secret or a certificate assertion, or (for a desktop/mobile/device flow) turn on "Allow public client flows" in the app registration; a browser app belongs under the Single-page application platform.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS7000216$/ },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The client_credentials grant needs a client_secret or client_assertion, and none was sent.',
      source: 'https://github.com/MicrosoftDocs/azure-docs/issues/30777',
    },
    {
      match: { vendorCode: /^AADSTS700025$/ },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The app is registered as a public client, so Entra refuses a client_secret or client_assertion.',
      fix: 'Drop the secret for a public client, or register the redirect URI under the Web platform to make the app confidential.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS9002326$/ },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The token request came from a browser (cross-origin), which Entra only allows for redirect URIs registered as Single-page application.',
      fix: 'Register the redirect URI under the Single-page application platform, or redeem the code from the server.',
      source: DOCS,
    },
    // --- redirect URI ---
    {
      match: { text: /The redirect URI '[^']*' specified in the request does not match/i },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The redirect_uri sent is not one of the redirect URIs registered for the app.',
      fix: 'Add the exact redirect_uri (scheme, host, port, path, trailing slash) under Authentication in the app registration.',
      source: DOCS,
      versions: 'since ~2021',
    },
    {
      match: {
        text: /The reply URL specified in the request does not match the reply URLs configured/i,
      },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The redirect_uri sent is not one of the reply URLs registered for the app.',
      source: 'https://github.com/microsoftgraph/msgraph-sample-pythondjangoapp/issues/21',
      versions: '≤ 2021',
    },
    {
      match: { text: /The reply address '[^']*' does not match the reply addresses configured/i },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The redirect_uri sent is not one of the reply addresses registered for the app.',
      source: 'https://github.com/jasonjoh/dotnet-tutorial/issues/4',
      versions: 'v1 endpoint, ≤ 2017',
    },
    {
      match: { vendorCode: /^AADSTS50011$/ },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'The redirect_uri sent is not registered for the app.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS500112$/ },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The redirect_uri of the token request differs from the one used when the authorization code was requested.',
      source: DOCS,
    },
    // --- grant and response type ---
    {
      match: { vendorCode: /^AADSTS(700054|70005)$/ },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'The requested response_type (id_token or token from the authorize endpoint) is not enabled for the app.',
      fix: 'Enable ID tokens / access tokens under Implicit grant in the app registration, or use the authorization code flow.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS70003$/ },
      code: 'GRANT_TYPE_INVALID',
      means: 'Entra does not support the grant_type sent.',
      source: DOCS,
    },
    // --- missing or malformed parameters ---
    {
      match: { vendorCode: /^AADSTS(900144|90014|90013)$/ },
      code: 'REQUEST_MALFORMED',
      means:
        'A required parameter is missing from the request body. When it is grant_type or client_id although you sent it, the body was not form-encoded (JSON, or parameters in the query string).',
      fix: 'POST the parameters form-encoded (application/x-www-form-urlencoded) in the body, not as JSON and not in the URL.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS9002313$/ },
      code: 'REQUEST_MALFORMED',
      means: 'Entra says the request is malformed or invalid.',
      source: DOCS,
    },
    // --- scopes and resources ---
    {
      match: { vendorCode: /^AADSTS1002012$/ },
      code: 'SCOPE_INVALID_FOR_GRANT',
      means:
        'Client credential requests must ask for {resource}/.default, not for individual delegated scopes.',
      fix: 'Use scope={application ID URI}/.default (for Graph: https://graph.microsoft.com/.default).',
      source: DOCS,
    },
    {
      match: { text: /The scope format is invalid/i },
      code: 'SCOPE_SYNTAX',
      means:
        'A scope is not in a form Entra accepts: scopes of another resource must be full URIs (https://host/scope) or {app-id-guid}/scope.',
      source: 'https://github.com/microsoftgraph/msgraph-sample-android/issues/11',
    },
    {
      match: { text: /\.default scope can't be combined with resource-specific scopes/i },
      code: 'SCOPE_SYNTAX',
      means: 'The .default scope was sent together with individual scopes, which Entra refuses.',
      source: 'https://github.com/oauth2-proxy/oauth2-proxy/issues/2158',
    },
    {
      match: { vendorCode: /^AADSTS70011$/ },
      code: 'SCOPE_NOT_ALLOWED',
      means: 'Entra says the scope parameter is not valid for this app or resource.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS650053$/ },
      code: 'SCOPE_NOT_ALLOWED',
      means: 'The app asked for a scope that does not exist on the resource.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS500011$/ },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The resource (API) named in scope or resource is not known in this tenant: a wrong application ID URI, or the API is not provisioned there.',
      fix: 'Check the application ID URI of the API (scope = {that URI}/…) and that its service principal exists in the tenant.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS65005$/ },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The app asked for a resource or permission that is not listed in its configured API permissions.',
      source: DOCS,
    },
    // --- consent and users ---
    {
      match: { vendorCode: /^AADSTS65001$/ },
      code: 'CONSENT_REQUIRED',
      means: 'The user or an administrator has not consented to the app for these permissions.',
      fix: 'Grant admin consent in API permissions, or send the user through an interactive authorize request.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS90094$/ },
      code: 'CONSENT_REQUIRED',
      means: 'The requested permissions need an administrator’s consent.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS65004$/ },
      code: 'AUTHORIZATION_DENIED',
      means: 'The user (or administrator) declined to consent to the app.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS50105$/ },
      code: 'AUTHORIZATION_DENIED',
      means:
        'The signed-in user is not assigned to the application, and the enterprise app requires assignment.',
      fix: 'Assign the user (or a group) to the enterprise application, or turn off "Assignment required".',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS50020$/ },
      code: 'AUTHORIZATION_DENIED',
      means:
        'The user’s account is from another identity provider or tenant and is not a member or guest of this tenant.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS53003$/ },
      code: 'AUTHORIZATION_DENIED',
      means: 'A Conditional Access policy blocked the sign-in.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS(50126|50034|50053|50057|50055)$/ },
      code: 'USER_CREDENTIALS_INVALID',
      means:
        'The user’s sign-in failed: wrong user name or password, unknown user, locked or disabled account, or expired password.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS(50076|50079)$/ },
      code: 'LOGIN_REQUIRED',
      means: 'Multi-factor authentication is required, which needs an interactive sign-in.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS50058$/ },
      code: 'LOGIN_REQUIRED',
      means:
        'A silent (prompt=none) request was sent but no user is signed in, or the session cookies were not sent.',
      fix: 'Fall back to an interactive sign-in.',
      source: DOCS,
    },
    // --- authorization code and PKCE ---
    {
      match: { vendorCode: /^AADSTS54005$/ },
      code: 'CODE_INVALID',
      means: 'The authorization code was already redeemed; a code can be used once.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS70008$/ },
      code: 'CODE_INVALID',
      means: 'The authorization code (or refresh token) has expired; codes live for minutes only.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS70000$/ },
      code: 'CODE_INVALID',
      means: 'Entra says the grant (authorization code or other) is invalid or malformed.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS(50148|501481)$/ },
      code: 'PKCE_MISMATCH',
      means:
        'The code_verifier does not match the code_challenge of the authorization request (or was not sent).',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS(50149|501491)$/ },
      code: 'PKCE_MISMATCH',
      means: 'The code_challenge_method or the size of the code_challenge is not valid.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS9002325$/ },
      code: 'PKCE_REQUIRED',
      means:
        'A code redeemed from a browser (cross-origin) needs PKCE; the authorization request carried no code_challenge.',
      fix: 'Send code_challenge/code_verifier; if the app is a server app, register the redirect URI under the Web platform rather than Single-page application.',
      source: DOCS,
    },
    // --- refresh tokens ---
    {
      match: { vendorCode: /^AADSTS700082$/ },
      code: 'REFRESH_INVALID',
      means: 'The refresh token expired because it was not used for too long (90 days by default).',
      fix: 'Sign the user in again to get a new refresh token.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS(50173|70043|700084)$/ },
      code: 'REFRESH_INVALID',
      means:
        'The refresh token was revoked or expired (password change, sign-in frequency policy, or the 24-hour limit for single-page apps).',
      source: DOCS,
    },
    // --- client assertions ---
    {
      match: {
        text: /client assertion contains an invalid signature\. \[Reason - The key was not found/i,
      },
      code: 'ASSERTION_KID_NOT_FOUND',
      means:
        'No certificate or key registered on the app matches the thumbprint (x5t/kid) of the assertion.',
      fix: 'Upload the certificate (public part) to the app registration, and put its thumbprint in the x5t (or kid) header.',
      source: 'https://github.com/pnp/cli-microsoft365/issues/1621',
    },
    {
      match: { vendorCode: /^AADSTS700027$/ },
      code: 'ASSERTION_SIGNATURE_INVALID',
      means:
        'The client assertion’s signature does not verify with the keys registered on the app.',
      source: DOCS,
    },
    {
      match: { text: /Client assertion is not within its valid time range/i },
      code: 'ASSERTION_EXPIRED',
      means:
        'The assertion’s exp is already past (or nbf still ahead) at Entra’s clock: a stale assertion, a time zone error, or a wrong local clock.',
      fix: 'Build iat/nbf/exp from UTC seconds at send time and keep the assertion short-lived; check the machine’s clock.',
      source: DOCS,
      versions: 'AADSTS700024 now; AADSTS50012 (with AADSTS70002) in v1/ADAL days',
    },
    {
      match: { vendorCode: /^AADSTS700021$/ },
      code: 'ASSERTION_ISS_SUB_MISMATCH',
      means:
        'The assertion’s application identifier (iss/sub) does not match the client_id parameter.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS700023$/ },
      code: 'ASSERTION_AUD_MISMATCH',
      means:
        'The assertion’s aud does not match what Entra expects (its token endpoint for this tenant).',
      source: DOCS,
    },
    // --- server ---
    {
      match: { vendorCode: /^AADSTS(90033|90100)$/ },
      code: 'SERVER_ERROR',
      means: 'Entra reports a transient error on its side.',
      source: DOCS,
    },
    {
      match: { vendorCode: /^AADSTS50196$/ },
      code: 'RATE_LIMITED',
      means: 'Entra stopped a loop of repeated identical requests from the client.',
      source: DOCS,
    },
    // --- Microsoft Graph (resource) ---
    {
      match: {
        error: 'InvalidAuthenticationToken',
        text: /Access token has expired or is not yet valid/i,
        endpoint: 'resource',
      },
      code: 'TOKEN_EXPIRED',
      means: 'Microsoft Graph says the access token has expired (or is not valid yet).',
      source: 'https://github.com/microsofthackathons/tdi/issues/24',
    },
    {
      match: { text: /Access token validation failure\. Invalid audience/i, endpoint: 'resource' },
      code: 'TOKEN_AUDIENCE_MISMATCH',
      means: 'Microsoft Graph says the access token was issued for another resource (aud).',
      fix: 'Ask for Graph scopes (https://graph.microsoft.com/…); a token for your own API or for graph.windows.net will not do.',
      source: GRAPH_ERRORS,
    },
    {
      match: { text: /CompactToken (parsing|validation) failed/i, endpoint: 'resource' },
      code: 'TOKEN_INVALID',
      means:
        'Microsoft Graph could not parse or validate the bearer token: it is not an Entra access token for Graph (an ID token, a truncated or doubly encoded token, or a personal-account token sent where it is not accepted).',
      source:
        'https://github.com/microsoftgraph/android-java-meetingfeedback-rest-sample/issues/11',
    },
    {
      match: { error: 'Authorization_RequestDenied', endpoint: 'resource' },
      code: 'RESOURCE_FORBIDDEN',
      means:
        'Microsoft Graph says the token lacks the privileges for this operation (missing permission or admin consent).',
      source: GRAPH_ERRORS,
    },
    {
      match: {
        text: /Either scp or roles claim need to be present in the token/i,
        endpoint: 'resource',
      },
      code: 'RESOURCE_FORBIDDEN',
      means:
        'The token carries no delegated scopes (scp) nor application roles (roles) for Graph: no permission was granted.',
      source: GRAPH_ERRORS,
    },
  ],
};
