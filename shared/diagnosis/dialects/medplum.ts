import type { Dialect } from './types.js';

/**
 * Medplum: token errors are sendTokenError(res, error, description) in
 * packages/server/src/oauth/token.ts (almost all invalid_request, status 400), authorize errors
 * are plain-text pages or redirects with error and state only, API errors are FHIR
 * OperationOutcomes from @medplum/core. Sources: medplum/medplum packages/server/src/oauth/*.ts
 * at commits 0489d58a81d2 (token) and 6f773521567c (authorize), @medplum/core 4.5.2 outcomes.
 */
export const medplum: Dialect = {
  id: 'medplum',
  name: 'Medplum',
  hosts: /\bmedplum\.com\b/i,
  rows: [
    // --- client authentication (token endpoint) ---
    {
      match: { error: 'invalid_request', text: /^invalid secret$/i, endpoint: 'token' },
      code: 'CLIENT_SECRET_INVALID',
      means: "The secret matches neither the ClientApplication's secret nor its retiring secret.",
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /^invalid client$/i, endpoint: 'token' },
      code: 'CLIENT_UNKNOWN',
      generic: true,
      candidates: ['CLIENT_UNKNOWN', 'CLIENT_DISABLED', 'CODE_INVALID'],
      means:
        'Medplum did not accept this client: no ClientApplication has this id, or it is not active, has no project membership, or the code was issued to another client.',
      fix: 'Check the client id against the ClientApplication in the right Medplum project and server, and that its status is active.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /^missing client_(id|secret)$/i, endpoint: 'token' },
      code: 'REQUEST_MALFORMED',
      means:
        'The client_credentials request has no client_id or no client_secret (body or Basic header).',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: {
        error: 'invalid_request',
        text: /^invalid authorization header$/i,
        endpoint: 'token',
      },
      code: 'REQUEST_MALFORMED',
      means: 'The Authorization header of the token request is not a Basic header.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_grant', text: /^incorrect client$/i, endpoint: 'token' },
      code: 'REFRESH_INVALID',
      means: 'The refresh token was issued to a different client than the one in the Basic header.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_grant', text: /^incorrect client secret$/i, endpoint: 'token' },
      code: 'CLIENT_SECRET_INVALID',
      means: 'The Basic header of the refresh request has a client id but no secret.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { text: /^ip address not allowed$/i },
      code: 'AUTHORIZATION_DENIED',
      means: "The project's access policy blocks logins from this IP address.",
      fix: "Call from an allowed address, or change the access policy's IP access rules.",
      source: 'medplum/medplum packages/server/src/oauth/utils.ts@0010f2a8afbb',
    },
    // --- client assertion (private_key_jwt) ---
    {
      match: { error: 'invalid_request', text: /unsupported client assertion type/i },
      code: 'ASSERTION_TYPE_INVALID',
      means: 'client_assertion_type is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /^invalid client assertion$/i },
      code: 'REQUEST_MALFORMED',
      means: 'client_assertion is missing or is not a JWT.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /invalid client assertion audience/i },
      code: 'ASSERTION_AUD_MISMATCH',
      means:
        "The assertion aud is not exactly the server's token URL (for example https://api.medplum.com/oauth2/token).",
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /invalid client assertion issuer/i },
      code: 'ASSERTION_ISS_SUB_MISMATCH',
      means: 'The assertion iss and sub differ; both must be the ClientApplication id.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /invalid client assertion signature/i },
      code: 'ASSERTION_SIGNATURE_INVALID',
      means:
        "The assertion does not verify with the ClientApplication's JWK Set URL (unknown kid, wrong key, expired, or an algorithm other than RS256/384/512 or ES256/384/512).",
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /^client not found$/i, endpoint: 'token' },
      code: 'CLIENT_UNKNOWN',
      means: 'No ClientApplication has the id given as the assertion iss.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /client must have a jwk set url/i },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The ClientApplication has no JWK Set URL, so it cannot authenticate with a client assertion.',
      fix: 'Set the JWKS URI on the ClientApplication, or authenticate with its client secret.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    // --- grant type, code, PKCE, refresh ---
    {
      match: {
        error: 'invalid_request',
        text: /^(missing|unsupported) grant_type$/i,
        endpoint: 'token',
      },
      code: 'GRANT_TYPE_INVALID',
      means:
        'grant_type is missing or not one Medplum supports (client_credentials, authorization_code, refresh_token, token-exchange).',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { status: 400, text: /^unsupported content type$/i, endpoint: 'token' },
      code: 'REQUEST_MALFORMED',
      means: 'The token request body is not application/x-www-form-urlencoded.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /^missing code$/i, endpoint: 'token' },
      code: 'REQUEST_MALFORMED',
      means: 'The authorization_code request has no code.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /^invalid code$/i, endpoint: 'token' },
      code: 'CODE_INVALID',
      means: 'No login carries this authorization code.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_grant', text: /^token already granted$/i, endpoint: 'token' },
      code: 'CODE_INVALID',
      means: 'The authorization code was already exchanged; Medplum also revokes that login.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /^invalid profile$/i, endpoint: 'token' },
      code: 'CODE_INVALID',
      means: 'The code belongs to a login that never selected a project profile.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /^(missing|invalid) code verifier$/i },
      code: 'PKCE_MISMATCH',
      means:
        'The code_verifier is missing or does not match the code_challenge of the authorization request.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /missing verification context/i },
      code: 'PKCE_REQUIRED',
      means:
        'The code was obtained without a code_challenge and the ClientApplication does not allow skipping PKCE.',
      fix: 'Send code_challenge and code_challenge_method=S256 on the authorization request (or set pkceOptional on the ClientApplication).',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: {
        error: 'invalid_request',
        text: /^invalid (code challenge|code challenge method)$/i,
      },
      code: 'PKCE_MISMATCH',
      means:
        'code_challenge and code_challenge_method must come together, and the method must be plain or S256.',
      source: 'medplum/medplum packages/server/src/oauth/utils.ts@0010f2a8afbb',
    },
    {
      match: { error: 'invalid_request', text: /^invalid refresh token$/i, endpoint: 'token' },
      code: 'REFRESH_INVALID',
      means: 'The refresh token is missing, does not verify, or its login has no refresh secret.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_request', text: /^invalid token$/i, endpoint: 'token' },
      code: 'REFRESH_INVALID',
      means:
        'The refresh token is an older one: Medplum rotates the refresh secret on every refresh, so only the newest refresh token works.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: { error: 'invalid_grant', text: /^token revoked$/i, endpoint: 'token' },
      code: 'REFRESH_INVALID',
      means:
        'The login behind this code or refresh token was revoked (sign-out, admin revocation or code reuse).',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    {
      match: {
        error: 'invalid_request',
        text: /^invalid subject_token(_type)?$/i,
        endpoint: 'token',
      },
      code: 'REQUEST_MALFORMED',
      means:
        'The token exchange request has no subject_token, or subject_token_type is not urn:ietf:params:oauth:token-type:access_token.',
      source: 'medplum/medplum packages/server/src/oauth/token.ts@0489d58a81d2',
    },
    // --- authorize endpoint ---
    {
      match: { status: 400, text: /^client not found$/i, endpoint: 'authorize' },
      code: 'CLIENT_UNKNOWN',
      means:
        'No ClientApplication has this client_id; Medplum shows a plain error page instead of redirecting.',
      source: 'medplum/medplum packages/server/src/oauth/authorize.ts@6f773521567c',
    },
    {
      match: { status: 400, text: /^incorrect redirect_uri$/i, endpoint: 'authorize' },
      code: 'REDIRECT_URI_MISMATCH',
      means: "The redirect_uri is not exactly the ClientApplication's redirect URI.",
      source: 'medplum/medplum packages/server/src/oauth/authorize.ts@6f773521567c',
    },
    {
      match: { error: 'login_required', endpoint: 'authorize' },
      code: 'LOGIN_REQUIRED',
      means: 'prompt=none was sent but there is no current Medplum login for this client.',
      source: 'medplum/medplum packages/server/src/oauth/authorize.ts@6f773521567c',
    },
    {
      match: { error: 'request_not_supported', endpoint: 'authorize' },
      code: 'REQUEST_MALFORMED',
      means: 'Medplum does not accept a request object (the request parameter).',
      source: 'medplum/medplum packages/server/src/oauth/authorize.ts@6f773521567c',
    },
    // --- sign-in (auth API behind the authorize page) ---
    {
      match: { text: /^email or password is invalid$/i },
      code: 'USER_CREDENTIALS_INVALID',
      means: 'The email and password do not match a Medplum user.',
      source: 'medplum/medplum packages/server/src/oauth/utils.ts@0010f2a8afbb',
    },
    {
      match: { text: /^user not found$/i },
      code: 'USER_CREDENTIALS_INVALID',
      means: 'No Medplum user has this email (or external id) in this project.',
      source: 'medplum/medplum packages/server/src/oauth/utils.ts@0010f2a8afbb',
    },
    {
      match: { text: /^invalid mfa token$/i },
      code: 'USER_CREDENTIALS_INVALID',
      means: 'The one-time MFA code is wrong or expired.',
      source: 'medplum/medplum packages/server/src/oauth/utils.ts@0010f2a8afbb',
    },
    {
      match: { text: /^invalid scope$/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The scope chosen at sign-in is not part of the scope the authorization request asked for.',
      source: 'medplum/medplum packages/server/src/oauth/utils.ts@0010f2a8afbb',
    },
    // --- FHIR API (OperationOutcome issue texts) ---
    {
      match: { status: 401, text: /^token expired$/i, endpoint: ['resource', 'userinfo'] },
      code: 'TOKEN_EXPIRED',
      means: 'The access token is past its expiry.',
      source: 'medplum/medplum packages/core/src/outcomes.ts@4.5.2',
    },
    {
      match: {
        status: 401,
        text: /token not issued for this audience/i,
        endpoint: ['resource', 'userinfo'],
      },
      code: 'TOKEN_AUDIENCE_MISMATCH',
      means: 'The access token was issued for another audience (client or server).',
      source: 'medplum/medplum packages/core/src/outcomes.ts@4.5.2',
    },
    {
      match: { status: 403, text: /^forbidden$/i, endpoint: 'resource' },
      code: 'RESOURCE_FORBIDDEN',
      means: "The token is valid but the project's access policy does not allow this request.",
      source: 'medplum/medplum packages/core/src/outcomes.ts@4.5.2',
    },
    {
      match: { status: 429, text: /^too many requests$/i },
      code: 'RATE_LIMITED',
      means: 'Medplum throttled the caller (rate limit exceeded).',
      source: 'medplum/medplum packages/core/src/outcomes.ts@4.5.2',
    },
  ],
};
