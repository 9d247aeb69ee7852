import type { Dialect } from './types.js';

const V2_TOKEN = 'smart-on-fhir/smart-launcher-v2 backend/routes/auth/token.ts@26e7393';
const V2_AUTHZ = 'smart-on-fhir/smart-launcher-v2 backend/routes/auth/authorize.ts@02e824f';
const V2_LIB = 'smart-on-fhir/smart-launcher-v2 backend/lib.ts@134eacf';
const V2_INTRO = 'smart-on-fhir/smart-launcher-v2 backend/routes/auth/introspect.ts@64c1787';
const V1_ERRORS = 'smart-on-fhir/smart-launcher src/errors.js@4deb529';

/**
 * SMART Health IT launcher (launch.smarthealthit.org): error texts thrown by its TokenHandler,
 * AuthorizeHandler, FHIR proxy and introspection route (smart-launcher-v2, version 2.0.x), plus the
 * older wording of smart-on-fhir/smart-launcher (v1) where it differs, and its simulated errors.
 */
export const smartLauncher: Dialect = {
  id: 'smart-launcher',
  name: 'SMART Health IT launcher',
  hosts: /launch\.smarthealthit\.org|smart-launcher/i,
  rows: [
    {
      // The launcher answers the user's Deny on its consent screen with a 401 JSON, not a redirect.
      match: {
        status: 401,
        error: 'invalid_request',
        text: /^Unauthorized$/,
        endpoint: 'authorize',
      },
      code: 'AUTHORIZATION_DENIED',
      generic: true,
      candidates: ['AUTHORIZATION_DENIED', 'LOGIN_REQUIRED', 'CLIENT_UNKNOWN'],
      means:
        'The launcher answers a sign-in or consent the user did not complete (Deny, or the simulated auth_success=0) with this 401 instead of an error redirect.',
      source: V2_AUTHZ,
    },
    // ---- token endpoint: request shape ------------------------------------------------------
    {
      match: { error: 'unsupported_grant_type', text: /invalid or missing grant_type parameter/i },
      code: 'GRANT_TYPE_INVALID',
      means:
        'The launcher accepts only grant_type authorization_code, refresh_token or client_credentials.',
      source: V2_TOKEN,
      versions: 'v1 and v2',
    },
    {
      match: { text: /invalid request content-type header/i },
      code: 'REQUEST_MALFORMED',
      means: 'The launcher only accepts POST bodies sent as application/x-www-form-urlencoded.',
      fix: 'Send the token request form-encoded (Content-Type: application/x-www-form-urlencoded), not JSON.',
      source: V2_LIB,
      versions: 'v1 and v2',
    },
    {
      match: { text: /^missing 'scope' parameter/i, endpoint: 'token' },
      code: 'REQUEST_MALFORMED',
      means:
        'A backend-services token request must carry a scope parameter (the launcher reports it as invalid_client).',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /missing ['"]client_assertion['"] parameter/i },
      code: 'REQUEST_MALFORMED',
      means: 'The backend-services token request has no client_assertion.',
      source: V2_TOKEN,
      versions: 'v1 and v2',
    },
    {
      match: {
        text: /missing ['"]client_assertion_type['"] parameter|invalid '?client_assertion_type'? parameter/i,
      },
      code: 'ASSERTION_TYPE_INVALID',
      means:
        'client_assertion_type is missing or is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer.',
      source: V2_TOKEN,
      versions: "v1 (no quotes) and v2 ('client_assertion_type')",
    },
    {
      match: {
        text: /could not decode the "client_assertion" parameter|invalid "client_assertion" parameter\. must be a jwt/i,
      },
      code: 'REQUEST_MALFORMED',
      means: 'The client_assertion is not a decodable JWT.',
      source: V2_TOKEN,
      versions: 'v2 ("Could not decode"), v1 ("Must be a JWT")',
    },
    // ---- token endpoint: client assertion ---------------------------------------------------
    {
      match: { text: /^missing token '(iss|sub|aud|exp|jti)' claim/i },
      code: 'ASSERTION_MISSING_CLAIM',
      means:
        'The client assertion lacks one of the claims the launcher requires (iss, sub, aud, exp, jti).',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /invalid token 'typ' header|^missing token '(kid|alg)' header/i },
      code: 'ASSERTION_MISSING_CLAIM',
      means: 'The client assertion header must have typ "JWT", a kid and an alg.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: {
        text: /token sub does not match the token iss claim|given service url '.*' does not match the registered/i,
      },
      code: 'ASSERTION_ISS_SUB_MISMATCH',
      means: 'The assertion iss differs from its sub (v2) or from the registered issuer (v1).',
      source: V2_TOKEN,
      versions:
        'v2 ("token sub does not match"), v1 ("given service url … does not match the registered …")',
    },
    {
      match: { text: /invalid token 'aud' value/i },
      code: 'ASSERTION_AUD_MISMATCH',
      means:
        'The assertion aud is not the token URL it was posted to (the message shows the expected URL).',
      fix: 'Set aud to the exact token URL shown after "Must be", including the launcher\'s /sim/… segment.',
      source: V2_TOKEN,
      versions: 'v1 and v2',
    },
    {
      match: { text: /^invalid token\. jwt (expired|not active)/i, endpoint: 'token' },
      code: 'ASSERTION_EXPIRED',
      means:
        'The client assertion is expired or not yet valid (exp/nbf) when the launcher verified it.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /^invalid token\. invalid algorithm/i, endpoint: 'token' },
      code: 'ASSERTION_ALG_NOT_ACCEPTED',
      means: 'The assertion is signed with an algorithm the launcher does not accept.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: {
        text: /^invalid token\. (invalid signature|jwt signature is required)/i,
        endpoint: 'token',
      },
      code: 'ASSERTION_SIGNATURE_INVALID',
      means:
        'The assertion signature does not verify with the public key selected from the registered JWKS.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /failed to fetch jwks from/i },
      code: 'JWKS_UNREACHABLE',
      means: 'The launcher could not download the JWKS URL registered in the launch options.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: {
        text: /invalid jwks json|jwks is not an object|jwks does not have a "keys" property|jwks\.keys must be an array/i,
      },
      code: 'CLIENT_METADATA_INVALID',
      means: 'The JWKS registered in the launch options is not a valid JWK Set.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /none of the keys found in the jwks have kid equal to/i },
      code: 'ASSERTION_KID_NOT_FOUND',
      means: 'No key in the registered JWKS has the kid of the assertion header.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /none of the keys found in the jwks have alg equal to/i },
      code: 'ASSERTION_ALG_NOT_ACCEPTED',
      means: 'No key in the registered JWKS declares the alg used to sign the assertion.',
      fix: 'Sign with the alg of the registered key (usually RS384 or ES384) or add "alg" to the JWK.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: {
        text: /no usable (public )?keys? found in the jwks|multiple usable public keys found/i,
      },
      code: 'ASSERTION_KID_NOT_FOUND',
      means:
        'The registered JWKS has no single public key the launcher can use for this assertion.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /invalid jku header of the assertion token/i },
      code: 'ASSERTION_JKU_MISMATCH',
      means: 'The assertion jku header differs from the JWKS URL registered in the launch options.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /invalid 'client_id' \(as sub claim of the assertion jwt\)/i },
      code: 'ASSERTION_ISS_SUB_MISMATCH',
      means: 'The assertion sub is not the client_id registered in the launch options.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /invalid client details token/i },
      code: 'CLIENT_UNKNOWN',
      means:
        'The old launcher expects the client_id (assertion sub) to be a client token it generated at registration.',
      source: V1_ERRORS,
      versions: 'v1 and early v2 (2022)',
    },
    {
      match: { text: /only system scopes are allowed|^invalid scope: "/i },
      code: 'SCOPE_INVALID_FOR_GRANT',
      means: 'Backend services (client_credentials) accept only system/ scopes.',
      source: V2_TOKEN,
      versions: 'v2 ("Only system scopes are allowed"), v1 (\'Invalid scope: "…"\', 403)',
    },
    {
      match: { text: /no scope\(s\) could be granted/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'None of the requested scopes is allowed by the scopes registered in the launch options.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    // ---- token endpoint: authorization code, PKCE, refresh, client secret -------------------
    {
      match: { text: /supplied as code parameter in the post body/i },
      code: 'CODE_INVALID',
      means:
        'The authorization code (a 5-minute launcher JWT) is expired, altered or from another launcher.',
      source: V2_TOKEN,
      versions: 'v1 and v2',
    },
    {
      match: { text: /^missing 'code' parameter/i },
      code: 'REQUEST_MALFORMED',
      means: 'The authorization_code token request has no code.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: {
        text: /^invalid redirect_uri parameter|authorization token must include redirect_uri/i,
        endpoint: 'token',
      },
      code: 'REDIRECT_URI_MISMATCH',
      means: 'redirect_uri in the token request is not the one the code was issued for.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /missing code_verifier parameter|invalid pkce verifier/i },
      code: 'PKCE_MISMATCH',
      means:
        'The code was issued with a PKCE challenge and the code_verifier is missing or does not hash to it.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /unsupported code_challenge_method '.*'\. we support only 's256'/i },
      code: 'PKCE_MISMATCH',
      means: 'Only the S256 code_challenge_method is accepted.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    {
      match: { text: /^(invalid|expired) refresh token/i },
      code: 'REFRESH_INVALID',
      means:
        'The refresh token is invalid or expired (or the simulated expired-refresh-token error is on).',
      source: V2_TOKEN,
      versions: 'v1 and v2',
    },
    {
      match: {
        text: /basic authentication is required for confidential clients|authorization header '.*' cannot be empty/i,
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'A client secret is registered, so the launcher requires HTTP Basic client authentication.',
      source: V2_TOKEN,
      versions: 'v1 and v2',
    },
    {
      match: {
        text: /decoded header must contain '\{client_id\}:\{client_secret\}'|bad authorization header '/i,
      },
      code: 'CLIENT_SECRET_INVALID',
      means: 'The Basic Authorization header does not decode to client_id:client_secret.',
      source: V2_TOKEN,
      versions: 'v1 ("Bad authorization header") and v2',
    },
    {
      match: {
        text: /invalid client_secret in the basic auth header|simulated invalid client secret error/i,
      },
      code: 'CLIENT_SECRET_INVALID',
      means:
        'The client secret in the Basic header is not the registered one (or the simulated error is on).',
      source: V2_TOKEN,
      versions: 'v1 (simulated only) and v2',
    },
    {
      match: { text: /invalid client_id in the basic auth header/i },
      code: 'CLIENT_UNKNOWN',
      means: 'The client_id in the Basic header is not the registered one.',
      source: V2_TOKEN,
      versions: 'v2',
    },
    // ---- simulated errors (launch option "auth_error") ---------------------------------------
    {
      match: { text: /simulated expired token error|registration token expired/i },
      code: 'ASSERTION_EXPIRED',
      means:
        'The launcher simulates an expired client assertion (auth_error token_expired_registration_token).',
      source: V2_TOKEN,
      versions: 'v2 ("Simulated expired token error"), v1 ("Registration token expired")',
    },
    {
      match: { text: /simulated invalid 'jti' value|^invalid 'jti' value/i },
      code: 'ASSERTION_JTI_REUSED',
      means: 'The launcher simulates a rejected jti (auth_error token_invalid_jti).',
      source: V2_TOKEN,
      versions: 'v2 (simulated), v1 ("Invalid \'jti\' value")',
    },
    {
      match: { text: /simulated invalid scope error/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'The launcher simulates a scope refusal (auth_error auth_invalid_scope or token_invalid_scope).',
      source: V2_AUTHZ,
      versions: 'v1 and v2',
    },
    {
      match: {
        text: /simulated invalid client_id parameter error|simulated invalid client error/i,
      },
      code: 'CLIENT_UNKNOWN',
      means:
        'The launcher simulates an unknown client (auth_error auth_invalid_client_id or token_invalid_token).',
      source: V2_AUTHZ,
      versions: 'v1 and v2',
    },
    {
      match: { text: /simulated invalid redirect_uri parameter error/i },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The launcher simulates a refused redirect_uri (auth_error auth_invalid_redirect_uri).',
      source: V2_AUTHZ,
      versions: 'v1 and v2',
    },
    // ---- authorize endpoint ------------------------------------------------------------------
    {
      match: {
        error: 'invalid_client',
        text: /^invalid client_id ".*"\. expected ".*"\./i,
        endpoint: 'authorize',
      },
      code: 'CLIENT_UNKNOWN',
      means:
        'The authorize request uses another client_id than the one registered in the launch options.',
      source: V2_AUTHZ,
      versions: 'v2',
    },
    {
      match: { text: /^missing aud parameter|^bad audience value/i, endpoint: 'authorize' },
      code: 'LAUNCH_AUD_MISSING',
      means:
        'aud is missing or is not the FHIR base URL of this launch (the message shows the expected one).',
      source: V2_AUTHZ,
      versions: 'v2',
    },
    {
      match: {
        text: /^missing redirect_uri parameter|^bad redirect_uri:|^invalid redirect_uri$/i,
        endpoint: 'authorize',
      },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'redirect_uri is missing, not a valid URL, or not one of the redirect_uris registered in the launch options.',
      source: V2_AUTHZ,
      versions: 'v1 ("Bad redirect_uri") and v2',
    },
    {
      match: {
        text: /invalid code_challenge_method\. must be s256|^missing code_challenge parameter/i,
        endpoint: 'authorize',
      },
      code: 'PKCE_REQUIRED',
      means:
        'PKCE with S256 is required (launch option pkce, or a code_challenge_method was sent without a challenge).',
      source: V2_AUTHZ,
      versions: 'v2',
    },
    {
      match: {
        error: 'invalid_scope',
        text: /could not be granted\. your client is allowed to request/i,
      },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'A requested scope is not among the scopes registered in the launch options (the message lists them).',
      source: V2_AUTHZ,
      versions: 'v2',
    },
    {
      match: { error: 'invalid_request', text: /^unauthorized$/i, endpoint: 'authorize' },
      code: 'AUTHORIZATION_DENIED',
      means: 'The user clicked Deny on the launcher approval screen.',
      source: V2_AUTHZ,
      versions: 'v1 and v2',
    },
    {
      match: {
        text: /^missing response_type parameter|^invalid authorization grant "/i,
        endpoint: 'authorize',
      },
      code: 'REQUEST_MALFORMED',
      means: 'response_type must be "code".',
      source: V2_AUTHZ,
      versions: 'v2',
    },
    {
      match: { text: /^invalid launch options: /i },
      code: 'REQUEST_MALFORMED',
      means: 'The launch parameter or the /sim/… segment of the URL could not be decoded.',
      source: V2_AUTHZ,
      versions: 'v2',
    },
    // ---- FHIR proxy (resource) and introspection ---------------------------------------------
    {
      match: {
        status: 401,
        text: /^invalid token: jwt expired|^token expired( \(simulated error\))?$/i,
        endpoint: 'resource',
      },
      code: 'TOKEN_EXPIRED',
      means: 'The access token is expired (or the simulated expired-token error is on).',
      source: V2_LIB,
      versions: 'v1 and v2',
    },
    {
      match: {
        status: 401,
        text: /^invalid token: |^invalid token( \(simulated error\))?$/i,
        endpoint: 'resource',
      },
      code: 'TOKEN_INVALID',
      means:
        'The access token does not verify with this launcher (or the simulated invalid-token error is on).',
      source: V2_LIB,
      versions: 'v1 and v2',
    },
    {
      match: {
        status: 401,
        text: /no authorization header provided in request/i,
        endpoint: 'resource',
      },
      code: 'TOKEN_INVALID',
      means: 'The FHIR request carried no Authorization header.',
      source: V2_LIB,
      versions: 'v2',
    },
    {
      match: { status: 400, text: /^no token provided$/i, endpoint: 'introspection' },
      code: 'REQUEST_MALFORMED',
      means: 'The introspection request has no token parameter.',
      source: V2_INTRO,
      versions: 'v2',
    },
  ],
};
