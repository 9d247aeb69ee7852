import type { Dialect } from './types.js';

const KC = 'keycloak/keycloak services/src/main/java/org/keycloak';
const GRANTS = `${KC}/protocol/oidc/grants`;
const CLIENT_AUTH = `${KC}/authentication/authenticators/client`;

/**
 * Keycloak: error_description strings thrown by its grant types, client authenticators and token
 * manager (keycloak/keycloak services/…), the login theme's error pages, and captures in issues.
 * Keycloak rewords its messages across releases; each wording has its own row.
 */
export const keycloak: Dialect = {
  id: 'keycloak',
  name: 'Keycloak',
  hosts: /\/realms\/[^/?#]+\/(?:protocol\/openid-connect|\.well-known)\//i,
  rows: [
    // ----- client authentication: client id and secret -----
    {
      match: {
        error: 'unauthorized_client',
        text: /^Invalid client or Invalid client credentials$/i,
        endpoint: ['token', 'introspection', 'revocation'],
      },
      code: 'CLIENT_SECRET_INVALID',
      means:
        'Keycloak found the client but the client secret is missing, wrong or expired (it uses unauthorized_client for a failed secret check).',
      fix: 'Copy the current secret from the client\'s Credentials tab (regenerate it if it expired), or turn "Client authentication" off if this is a public client.',
      source: `${CLIENT_AUTH}/ClientIdAndSecretAuthenticator.java@03f1a163`,
      versions: 'newer releases (seen 20.0.3 to 26.x)',
    },
    {
      match: {
        error: 'invalid_client',
        text: /^Invalid client or Invalid client credentials$/i,
        endpoint: ['token', 'introspection', 'revocation'],
      },
      code: 'CLIENT_UNKNOWN',
      means:
        'Keycloak does not know this client_id in this realm, or the client is disabled (it uses invalid_client when the client lookup fails).',
      fix: 'Check the realm name in the URL and the client_id (case-sensitive); check that the client is enabled.',
      source: `${KC}/authentication/AuthenticationProcessor.java@main (handleClientAuthException)`,
      versions: 'newer releases (seen 20.0.3 to 26.x)',
    },
    {
      match: { error: 'unauthorized_client', text: /^Invalid client secret$/i },
      code: 'CLIENT_SECRET_INVALID',
      means: "Older Keycloak wording: the client secret sent is not the client's secret.",
      source: 'https://github.com/Procempa/meteor-keycloak-auth/issues/3',
      versions: 'older releases (seen 2016 to 2022)',
    },
    {
      match: { error: 'unauthorized_client', text: /Client secret not provided in request/i },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The client is confidential (client-secret authenticator) but the request carried no secret.',
      fix: 'Send the client secret (Basic header or client_secret), or make the client public.',
      source: 'https://github.com/dasniko/keycloak-springboot-demo/issues/2',
      versions: 'old releases (seen 3.x)',
    },
    {
      match: { text: /Client was not identified by any client authenticator/i },
      code: 'CLIENT_SECRET_INVALID',
      generic: true,
      candidates: ['CLIENT_SECRET_INVALID', 'CLIENT_UNKNOWN', 'AUTH_METHOD_MISMATCH'],
      means:
        'Old Keycloak wording (UNKNOWN_CLIENT): no client authenticator accepted the credentials sent; usually a wrong secret or a client_id the realm does not have.',
      fix: "Check the client_id and copy the secret again from the client's Credentials tab.",
      source: 'https://github.com/Waziup/WaziCloud/issues/173',
      versions: 'old releases (seen 3.x)',
    },
    {
      match: { error: 'invalid_client', text: /^Missing client_id parameter$/i },
      code: 'REQUEST_MALFORMED',
      means: 'The request identified no client at all: no client_id and no Basic header.',
      fix: 'Send client_id (form body) or an Authorization: Basic header.',
      source: `${CLIENT_AUTH}/ClientIdAndSecretAuthenticator.java@03f1a163`,
    },
    {
      match: { text: /Realm does not exist/i, status: 404 },
      code: 'CLIENT_UNKNOWN',
      means: 'The realm named in the URL does not exist on this Keycloak.',
      fix: 'Correct the realm name in the issuer/endpoint URL (it is case-sensitive).',
      source: `${KC}/services/resources/RealmsResource.java@main`,
    },
    // ----- client authentication: signed JWT (private_key_jwt / client_secret_jwt) -----
    {
      match: {
        error: 'invalid_client',
        text: /client_assertion_type is missing/i,
        authMethod: ['client_secret_basic', 'client_secret_post', 'none'],
      },
      code: 'AUTH_METHOD_MISMATCH',
      means:
        'The client is configured with the "Signed JWT" authenticator, but the request used a secret (or nothing) instead of a client assertion.',
      fix: 'Either send a client assertion, or set the client\'s Client Authenticator to "Client Id and Secret".',
      source: 'https://github.com/thomasdarimont/spring-boot-keycloak-jwe-example/issues/1',
    },
    {
      match: { error: 'invalid_client', text: /client_assertion_type is missing/i },
      code: 'ASSERTION_TYPE_INVALID',
      means:
        'Keycloak expected a signed-JWT client assertion but found no client_assertion_type parameter (also when the body is not form-encoded).',
      fix: 'Send client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer in a form-encoded body.',
      source: `${CLIENT_AUTH}/AbstractJWTClientValidator.java@110a6242`,
    },
    {
      match: {
        error: 'invalid_client',
        text: /Invalid token audience|Token audience doesn't match domain/i,
      },
      code: 'ASSERTION_AUD_MISMATCH',
      means:
        "The assertion's aud is none of this realm's issuer, token, introspection, PAR or CIBA URLs.",
      fix: 'Set aud to the realm issuer or the exact token endpoint URL from discovery (watch the /auth prefix).',
      source: `${CLIENT_AUTH}/AbstractBaseJWTValidator.java@1353f6b6`,
      versions:
        '"Invalid token audience" in newer releases; "Token audience doesn\'t match domain" in older ones (seen 25.0.0)',
    },
    {
      match: { error: 'invalid_client', text: /Multiple audiences not allowed/i },
      code: 'ASSERTION_AUD_MISMATCH',
      means: 'The assertion carries several audiences and this client does not allow that.',
      fix: 'Send a single aud value.',
      source: `${CLIENT_AUTH}/AbstractBaseJWTValidator.java@1353f6b6`,
    },
    {
      match: { error: 'invalid_client', text: /Token reuse detected/i },
      code: 'ASSERTION_JTI_REUSED',
      means: "This assertion's jti was already used; Keycloak accepts each assertion once.",
      source: `${CLIENT_AUTH}/AbstractBaseJWTValidator.java@1353f6b6`,
    },
    {
      match: { error: 'invalid_client', text: /Token (?:jti|exp) claim is required/i },
      code: 'ASSERTION_MISSING_CLAIM',
      means: 'The assertion lacks a claim Keycloak requires (jti or exp).',
      source: `${CLIENT_AUTH}/AbstractBaseJWTValidator.java@1353f6b6`,
    },
    {
      match: {
        error: 'invalid_client',
        text: /expiration is too far in the future and iat claim not present/i,
      },
      code: 'ASSERTION_EXP_TOO_FAR',
      means:
        "The assertion's exp is beyond the client's maximum assertion lifetime and it has no iat.",
      fix: 'Use a short exp (a few minutes) or add iat.',
      source: `${CLIENT_AUTH}/AbstractBaseJWTValidator.java@1353f6b6`,
    },
    {
      match: { error: 'invalid_client', text: /Token was issued in the future/i },
      code: 'CLOCK_SKEW',
      means: "The assertion's iat is later than Keycloak's clock allows (15 s skew).",
      fix: "Synchronise the client machine's clock (NTP).",
      source: `${CLIENT_AUTH}/AbstractBaseJWTValidator.java@1353f6b6`,
    },
    {
      match: { error: 'invalid_client', text: /issued too far in the past/i },
      code: 'ASSERTION_EXPIRED',
      means: "The assertion was issued longer ago than the client's maximum assertion lifetime.",
      source: `${CLIENT_AUTH}/AbstractBaseJWTValidator.java@1353f6b6`,
    },
    {
      match: {
        error: 'invalid_client',
        text: /^(?:Client authentication with signed JWT failed: )?Token is not active$/i,
      },
      code: 'ASSERTION_EXPIRED',
      means: "The client assertion is expired (or not yet valid) by Keycloak's clock.",
      source: `${CLIENT_AUTH}/AbstractBaseJWTValidator.java@1353f6b6`,
    },
    {
      match: { error: 'invalid_client', text: /Invalid signature algorithm/i },
      code: 'ASSERTION_ALG_NOT_ACCEPTED',
      means:
        "The assertion's alg is none, symmetric where an asymmetric one is needed, or not the client's configured signing algorithm.",
      source: `${CLIENT_AUTH}/AbstractBaseJWTValidator.java@1353f6b6`,
    },
    {
      match: { error: 'invalid_client', text: /Signature on JWT token failed validation/i },
      code: 'ASSERTION_SIGNATURE_INVALID',
      means: "The assertion's signature does not verify with the key Keycloak has for this client.",
      source: `${CLIENT_AUTH}/JWTClientAuthenticator.java@09994c36`,
    },
    {
      match: { error: 'invalid_client', text: /Unable to load public key/i },
      code: 'ASSERTION_KID_NOT_FOUND',
      means:
        "Keycloak found no public key for this client matching the assertion: the kid is not in the client's JWKS, the JWKS URL could not be fetched, or no certificate is imported.",
      fix: 'Check "Use JWKS URL" and that the URL is reachable from Keycloak, and that the assertion\'s kid is in it.',
      source: `${CLIENT_AUTH}/JWTClientAuthenticator.java@09994c36`,
    },
    // ----- grants -----
    {
      match: {
        error: 'invalid_request',
        text: /^Missing form parameter: grant_type$/i,
        endpoint: 'token',
      },
      code: 'GRANT_TYPE_INVALID',
      means: 'The token request has no grant_type (or the body was not form-encoded).',
      source: `${KC}/protocol/oidc/endpoints/TokenEndpoint.java@main`,
    },
    {
      match: {
        error: 'unsupported_grant_type',
        text: /^Unsupported grant_type$/i,
        endpoint: 'token',
      },
      code: 'GRANT_TYPE_INVALID',
      means: 'Keycloak has no grant with this grant_type value (misspelled or an unsupported URN).',
      source: `${KC}/protocol/oidc/endpoints/TokenEndpoint.java@main`,
    },
    {
      match: {
        error: 'unauthorized_client',
        text: /Client not enabled to retrieve service account/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'client_credentials is refused because "Service accounts roles" is off for this client.',
      fix: 'Turn on "Service accounts roles" in the client\'s capability config.',
      source: `${GRANTS}/ClientCredentialsGrantType.java@0312c39b`,
    },
    {
      match: {
        error: 'unauthorized_client',
        text: /Public client not allowed to retrieve service account/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'client_credentials is refused because the client is public (Client authentication is off).',
      fix: 'Turn on "Client authentication" and then "Service accounts roles".',
      source: `${GRANTS}/ClientCredentialsGrantType.java@0312c39b`,
    },
    {
      match: {
        error: 'unauthorized_client',
        text: /Bearer-only client not allowed to retrieve service account/i,
      },
      code: 'GRANT_NOT_ALLOWED',
      means: 'client_credentials is refused because the client is bearer-only.',
      source: `${GRANTS}/ClientCredentialsGrantType.java@0312c39b`,
    },
    {
      match: {
        error: 'invalid_request',
        text: /associated service account for the client does not exist/i,
      },
      code: 'CLIENT_DISABLED',
      means: "The client's service-account user is missing, so it cannot get tokens.",
      source: `${GRANTS}/ClientCredentialsGrantType.java@0312c39b`,
    },
    {
      match: { error: 'unauthorized_client', text: /Client not allowed for direct access grants/i },
      code: 'GRANT_NOT_ALLOWED',
      means: 'The password grant is refused because "Direct access grants" is off for this client.',
      fix: 'Turn on "Direct access grants" for the client (or use the authorization code flow).',
      source: `${GRANTS}/ResourceOwnerPasswordCredentialsGrantType.java@091ec956`,
    },
    {
      match: { error: 'invalid_client', text: /Client requires user consent/i },
      code: 'CONSENT_REQUIRED',
      means: 'The password grant is refused because the client has "Consent required" on.',
      source: `${GRANTS}/ResourceOwnerPasswordCredentialsGrantType.java@091ec956`,
    },
    {
      match: { error: 'invalid_grant', text: /Client not allowed to exchange code/i },
      code: 'GRANT_NOT_ALLOWED',
      means: 'The code exchange is refused because "Standard flow" is off for this client.',
      source: `${GRANTS}/AuthorizationCodeGrantType.java@01e267d7`,
    },
    // ----- password grant: the user -----
    {
      match: { error: 'invalid_grant', text: /^Invalid user credentials$/i },
      code: 'USER_CREDENTIALS_INVALID',
      means:
        'Wrong username or password (Keycloak also says this for an unknown user, a service-account user, or a user locked by brute-force detection).',
      source: `${KC}/authentication/authenticators/directgrant/ValidateUsername.java@0312c39b`,
    },
    {
      match: { error: 'invalid_grant', text: /^Account disabled$/i },
      code: 'USER_CREDENTIALS_INVALID',
      means: 'The user account is disabled.',
      fix: "Enable the user in the realm's Users page.",
      source: `${KC}/authentication/authenticators/directgrant/ValidateUsername.java@0312c39b`,
    },
    {
      match: { error: 'invalid_request', text: /^Missing parameter: username$/i },
      code: 'REQUEST_MALFORMED',
      means: 'The password grant request has no username parameter.',
      source: `${KC}/authentication/authenticators/directgrant/ValidateUsername.java@0312c39b`,
    },
    {
      match: { error: 'invalid_grant', text: /Account is not fully set up/i },
      code: 'LOGIN_REQUIRED',
      means:
        'The user has pending required actions (update password, verify email, configure OTP…) that need an interactive login.',
      fix: 'Have the user sign in once in the browser to finish the required actions, or remove them.',
      source: `${GRANTS}/ResourceOwnerPasswordCredentialsGrantType.java@091ec956`,
    },
    // ----- authorization code and PKCE -----
    {
      match: { error: 'invalid_grant', text: /^Code not valid$/i },
      code: 'CODE_INVALID',
      means: 'The authorization code is unknown, already used, or not from this realm.',
      fix: 'Exchange each code once, promptly, at the realm that issued it.',
      source: `${GRANTS}/AuthorizationCodeGrantType.java@01e267d7`,
    },
    {
      match: { error: 'invalid_grant', text: /^Code is expired$/i },
      code: 'CODE_INVALID',
      means: 'The authorization code expired before it was exchanged.',
      source: `${GRANTS}/AuthorizationCodeGrantType.java@01e267d7`,
    },
    {
      match: { error: 'invalid_grant', text: /Found different client_id in clientSession/i },
      code: 'CODE_INVALID',
      means: 'The code was issued to another client than the one exchanging it.',
      source: `${GRANTS}/AuthorizationCodeGrantType.java@01e267d7`,
    },
    {
      match: { error: 'invalid_grant', text: /^Incorrect redirect_uri$/i, endpoint: 'token' },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'The redirect_uri in the token request differs from the one used in the authorization request.',
      source: `${GRANTS}/AuthorizationCodeGrantType.java@01e267d7`,
    },
    {
      match: { error: 'invalid_grant', text: /^PKCE code verifier not specified$/i },
      code: 'PKCE_MISMATCH',
      means:
        'The authorization request had a code_challenge but the token request has no code_verifier.',
      source: `${KC}/protocol/oidc/utils/PkceUtils.java@0042442a`,
    },
    {
      match: { error: 'invalid_grant', text: /code verifier specified but challenge not present/i },
      code: 'PKCE_MISMATCH',
      means: 'A code_verifier was sent but the authorization request had no code_challenge.',
      fix: 'Send the code_challenge in the authorization request, or drop the code_verifier.',
      source: `${KC}/protocol/oidc/utils/PkceUtils.java@0042442a`,
    },
    {
      match: { error: 'invalid_grant', text: /^PKCE verification failed/i },
      code: 'PKCE_MISMATCH',
      means:
        'The code_verifier does not match the code_challenge (": Code mismatch"), or is malformed (": Invalid code verifier").',
      source: `${KC}/protocol/oidc/utils/PkceUtils.java@0042442a`,
      versions:
        'bare "PKCE verification failed" in older releases; with ": Code mismatch" / ": Invalid code verifier" in newer ones',
    },
    {
      match: { text: /Missing parameter: code_challenge/i, endpoint: 'authorize' },
      code: 'PKCE_REQUIRED',
      means:
        'The client requires PKCE (a code challenge method is set) but the authorization request had no code_challenge / code_challenge_method.',
      fix: 'Send code_challenge and code_challenge_method=S256 (e.g. keycloak-js pkceMethod: "S256").',
      source: 'https://github.com/react-keycloak/react-keycloak-examples/issues/13',
    },
    {
      match: { text: /Invalid parameter: code_challenge/i, endpoint: 'authorize' },
      code: 'PKCE_MISMATCH',
      means:
        'The code_challenge_method is unknown or not the one the client requires (e.g. plain where S256 is required), or the code_challenge is malformed ("Invalid parameter: code_challenge").',
      source: `${KC}/protocol/oidc/endpoints/AuthorizationEndpointChecker.java@main`,
    },
    // ----- authorize endpoint error pages (login theme) -----
    {
      match: { text: /Invalid parameter: redirect_uri/i, endpoint: 'authorize' },
      code: 'REDIRECT_URI_MISMATCH',
      means:
        'Keycloak\'s error page: the redirect_uri is not in the client\'s "Valid redirect URIs".',
      fix: "Add the exact redirect_uri (scheme, host, port, path) to the client's Valid redirect URIs.",
      source: 'https://github.com/keycloak/keycloak/issues/10528',
    },
    {
      match: { text: /\bClient not found\b/i, endpoint: 'authorize' },
      code: 'CLIENT_UNKNOWN',
      means: "Keycloak's error page: no client with this client_id exists in the realm.",
      source:
        'keycloak/keycloak themes/src/main/resources/theme/base/login/messages/messages_en.properties@main (clientNotFoundMessage)',
    },
    {
      match: { text: /Standard flow is disabled for the client/i, endpoint: 'authorize' },
      code: 'GRANT_NOT_ALLOWED',
      means:
        'Keycloak\'s error page: the client has "Standard flow" off, so it cannot use response_type=code.',
      source:
        'keycloak/keycloak themes/src/main/resources/theme/base/login/messages/messages_en.properties@main (standardFlowDisabledMessage)',
    },
    {
      match: { text: /Implicit flow is disabled for the client/i, endpoint: 'authorize' },
      code: 'GRANT_NOT_ALLOWED',
      means: 'Keycloak\'s error page: the client has "Implicit flow" off.',
      source:
        'keycloak/keycloak themes/src/main/resources/theme/base/login/messages/messages_en.properties@main (implicitFlowDisabledMessage)',
    },
    {
      match: { error: 'invalid_scope', text: /^Invalid scopes:/i },
      code: 'SCOPE_NOT_ALLOWED',
      means:
        'A requested scope is not a client scope assigned to this client (Keycloak validates requested scopes since release 10).',
      fix: 'Create the client scope and add it to the client as a default or optional scope; separate scopes with spaces.',
      source: 'https://github.com/keycloak/keycloak/issues/8751',
      versions: '≥ 10',
    },
    {
      match: { error: 'invalid_scope', text: /Client no longer has requested consent from user/i },
      code: 'CONSENT_REQUIRED',
      means:
        "The user's consent for the requested scopes was withdrawn before the code was exchanged.",
      source: `${GRANTS}/AuthorizationCodeGrantType.java@01e267d7`,
    },
    // ----- refresh tokens and sessions -----
    {
      match: { error: 'invalid_grant', text: /^Token is not active$/i, endpoint: 'token' },
      code: 'REFRESH_INVALID',
      means:
        "The refresh token is expired (its lifetime follows the SSO session idle/max settings) or not yet valid by Keycloak's clock.",
      fix: 'Sign in again; raise the SSO session idle/max timeouts if refresh tokens die too soon.',
      source: `${KC}/protocol/oidc/TokenManager.java@main (verifyRefreshToken)`,
    },
    {
      match: { error: 'invalid_grant', text: /^Session not active$/i },
      code: 'REFRESH_INVALID',
      means:
        "The user's Keycloak session behind this token has ended (expired, logged out or removed).",
      fix: 'Sign in again.',
      source: `${GRANTS}/AuthorizationCodeGrantType.java@01e267d7`,
    },
    {
      match: { error: 'invalid_grant', text: /^Stale token$/i },
      code: 'REFRESH_INVALID',
      means:
        'With "Revoke refresh token" on, an older refresh token was used after a newer one was issued.',
      fix: 'Always store and use the refresh_token from the latest response.',
      source: `${KC}/protocol/oidc/TokenManager.java@main (validateTokenReuse)`,
    },
    {
      match: { error: 'invalid_grant', text: /Maximum allowed refresh token reuse exceeded/i },
      code: 'REFRESH_INVALID',
      means:
        'The refresh token was used more often than the realm\'s "Refresh token max reuse" allows; the session is now detached.',
      fix: 'Use each refresh token once and keep the rotated one (serialise refreshes across tabs/threads).',
      source: `${KC}/protocol/oidc/TokenManager.java@main (validateTokenReuse)`,
    },
    {
      match: { error: 'invalid_grant', text: /^Invalid refresh token/i },
      code: 'REFRESH_INVALID',
      means:
        'The refresh token is not one Keycloak issued to this client (malformed, wrong type, or issued to another client).',
      source: `${KC}/protocol/oidc/TokenManager.java@main (verifyRefreshToken)`,
    },
    // ----- userinfo -----
    {
      match: { error: 'invalid_token', text: /^Token verification failed$/i, endpoint: 'userinfo' },
      code: 'TOKEN_INVALID',
      means:
        "Keycloak's userinfo endpoint refused the access token: expired, from another realm or issuer URL, badly signed, or its session is gone.",
      fix: 'Call userinfo of the realm (and host name) that issued the token, with a fresh token.',
      source: 'https://github.com/keycloak/keycloak/pull/6618',
      versions: "≥ 8 (before, the verifier's own message was sent)",
    },
  ],
};
