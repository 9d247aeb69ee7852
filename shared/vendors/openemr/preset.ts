// The OpenEMR preset: endpoints, defaults, lifetimes, setup, known bugs and errors, with sources.
import type { VendorPreset } from '../preset-types.js';
import { PKCE_SMART, smartDiscovery } from '../smart-common.js';
import { src } from '../sources.js';

const OE_OAUTH = '{siteAddress}/oauth2/{site}';

export const openemr: VendorPreset = {
  id: 'openemr',
  server: 'openemr',
  smart: true,
  title: 'OpenEMR',
  description:
    'OpenEMR 6/7: OAuth under {site address}/oauth2/{site}, FHIR under /apis/{site}/fhir. Backend services accept RS384 only, with aud built from the configured Site Address.',
  source: src('OE-AUTHN', 'OE-CCG'),
  params: [
    {
      name: 'siteAddress',
      kind: 'url',
      pathAllowed: true,
      label: 'Site Address',
      example: 'https://emr.example.org/openemr',
      hint: 'The “Site Address (required for OAuth2 and FHIR)” setting, including the webroot (e.g. /openemr), without /oauth2 or /apis.',
      mistakes: [
        {
          pattern: '/(oauth2|apis)(/|$)',
          message:
            'Site Address is the base of the install, without /oauth2/… or /apis/…, e.g. https://emr.example.org/openemr.',
        },
        {
          pattern: '/interface(/|$)',
          message:
            'Site Address is the base of the install (its webroot), not a page under /interface.',
        },
      ],
      source: src('OE-AUTHN', 'OE-AC'),
    },
    {
      name: 'site',
      kind: 'text',
      label: 'Site',
      example: 'default',
      default: 'default',
      pattern: '^[A-Za-z0-9_.-]+$',
      patternMessage: 'Site is the multisite id: letters, digits, dot, dash or underscore.',
      hint: 'The multisite id, usually “default”.',
      source: src('OE-AUTHN'),
    },
  ],
  endpoints: {
    fhirBaseUrl: {
      value: '{siteAddress}/apis/{site}/fhir',
      why: 'OpenEMR serves FHIR under /apis/{site}/fhir; metadata needs no token.',
      source: src('OE-API', 'OE-FHIRRM'),
    },
    issuer: {
      value: OE_OAUTH,
      why: 'The OAuth base of the site; its openid-configuration sits under it.',
      source: src('OE-AUTHN'),
    },
    tokenEndpoint: {
      value: `${OE_OAUTH}/token`,
      why: 'Token endpoint under the OAuth base; OpenEMR builds the expected assertion aud from the same Site Address.',
      source: src('OE-AUTHN', 'OE-AC'),
    },
    authorizationEndpoint: {
      value: `${OE_OAUTH}/authorize`,
      why: 'Authorization endpoint under the OAuth base (GET or POST).',
      source: src('OE-AUTHN'),
    },
    registrationEndpoint: {
      value: `${OE_OAUTH}/registration`,
      why: 'RFC 7591-style dynamic registration; new clients land disabled until an admin enables them.',
      source: src('OE-AUTHN', 'OE-PR6968', 'OE-SMART'),
    },
    introspectionEndpoint: {
      value: `${OE_OAUTH}/introspect`,
      why: 'Introspection needs client authentication; since PR #9463 a failed authentication also answers {"active": false}.',
      source: src('OE-AUTHN', 'OE-PR9463'),
    },
    userinfoEndpoint: {
      value: `${OE_OAUTH}/userinfo`,
      why: 'OpenID Connect userinfo under the OAuth base.',
      source: src('OE-AUTHN'),
    },
    endSessionEndpoint: {
      value: `${OE_OAUTH}/logout`,
      why: 'Logout under the OAuth base.',
      source: src('OE-AUTHN'),
    },
  },
  discovery: [
    smartDiscovery('{siteAddress}/apis/{site}/fhir', src('OE-FHIRRM', 'HL7-CONF')),
    {
      kind: 'openid-configuration',
      value: `${OE_OAUTH}/.well-known/openid-configuration`,
      why: 'OpenID Connect discovery of the OAuth base.',
      source: src('OE-AUTHN', 'OE-PR9463'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'private_key_jwt',
        why: 'OpenEMR’s client_credentials grant accepts only a jwt-bearer client assertion; anything else is “assertion type is not supported”.',
        source: src('OE-CCG'),
      },
      acceptedMethods: {
        value: ['private_key_jwt'],
        why: 'client_credentials in OpenEMR is JWT-only.',
        source: src('OE-CCG'),
      },
      scope: {
        value: 'system/Patient.$export system/*.$bulkdata-status system/Binary.read',
        why: 'Bulk export scopes; they exist only when “Enable OpenEMR FHIR System Scopes” is on.',
        source: src('OE-SCOPES', 'OE-AUTHZ'),
      },
    },
    'authorization-code': {
      method: {
        value: 'client_secret_post',
        why: 'The web “Register New App” form registers confidential apps with client_secret_post.',
        source: src('OE-COMM-SYS', 'OE-AUTHN'),
      },
      acceptedMethods: {
        value: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
        why: 'Registration accepts client_secret_post, client_secret_basic and private_key_jwt; public apps use none with PKCE.',
        source: src('OE-AUTHN', 'OE-PR6968'),
      },
      scope: {
        value: 'openid offline_access api:oemr api:fhir user/Patient.rs',
        why: 'api:fhir / api:oemr pick the API; offline_access gives a refresh token (3 months, rotated).',
        source: src('OE-AUTHZ', 'OE-SCOPES', 'OE-AC'),
      },
    },
    password: {
      method: {
        value: 'client_secret_post',
        why: 'Password grant clients are registered like web apps (client_secret_post).',
        source: src('OE-AUTHN'),
      },
      acceptedMethods: {
        value: ['client_secret_post', 'client_secret_basic'],
        why: 'Confidential client authentication as at registration.',
        source: src('OE-AUTHN'),
      },
      scope: {
        value: 'openid offline_access api:oemr api:fhir user/Patient.rs',
        why: 'Password grant needs user_role users (or patient) and the API scopes.',
        source: src('OE-AUTHN', 'OE-AUTHZ'),
      },
    },
  },
  algs: {
    default: {
      value: 'RS384',
      why: 'OpenEMR verifies the assertion with an RS384 signer only.',
      source: src('OE-CCG'),
    },
    accepted: {
      value: ['RS384'],
      why: 'RsaSha384Signer is the only verifier; ES384 or RS256 assertions fail with invalid_client.',
      source: src('OE-CCG'),
    },
  },
  pkce: PKCE_SMART,
  assertionAud: {
    value: 'openemr-site-address',
    why: 'Expected aud = Site Address (incl. webroot) + /oauth2/{site}/token, from the setting, not from the request Host; a proxy or sub-path with another Site Address fails.',
    source: src('OE-AC', 'OE-CCG', 'OE-PR9383'),
  },
  tokenLifetimes: [
    {
      what: 'access-token',
      flow: 'backend-services',
      seconds: 300,
      text: 'client_credentials tokens: PT300S in code; the Nov 2025 docs say 60 s. Trust the observed expires_in.',
      source: src('OE-AC', 'OE-AUTHN'),
    },
    {
      what: 'access-token',
      flow: 'authorization-code',
      seconds: 3600,
      text: 'Authorization code access tokens last 1 hour.',
      source: src('OE-AC', 'OE-AUTHN'),
    },
    {
      what: 'refresh-token',
      flow: 'authorization-code',
      text: 'Refresh tokens last 3 months, rotate on use, and are issued only with offline_access.',
      source: src('OE-AC', 'OE-AUTHN'),
    },
    {
      what: 'clock-skew',
      seconds: 60,
      text: 'Time claims of the assertion are checked with a 1-minute leeway.',
      source: src('OE-CCG'),
    },
  ],
  setupSteps: [
    {
      title: 'Enable the APIs',
      detail:
        'Admin → Config → Connectors: enable the Standard REST API and the Standard FHIR REST API.',
      source: src('OE-AUTHN'),
    },
    {
      title: 'Set the Site Address',
      detail:
        'Admin → Config → Connectors → “Site Address (required for OAuth2 and FHIR)”: the public https URL incl. the webroot. The token URL and the expected aud are built from it.',
      source: src('OE-AUTHN', 'OE-AC'),
    },
    {
      title: 'Switch on system scopes',
      detail:
        '“Enable OpenEMR FHIR System Scopes” is off by default; without it system/ scopes are missing or invalid_scope.',
      flows: ['backend-services'],
      source: src('OE-SCOPES', 'OE-COMM-SYS'),
    },
    {
      title: 'Enable the client',
      detail:
        'Registered clients land disabled: Admin → System → API Clients → Edit → Enable. A disabled client gets invalid_client.',
      source: src('OE-CCG', 'OE-SMART'),
    },
    {
      title: 'Enable the password grant',
      detail:
        '“Enable OAuth2 Password Grant (Not considered secure)” is off by default; the user needs user_role users or patient.',
      flows: ['password'],
      source: src('OE-AUTHN'),
    },
  ],
  knownBugs: [
    {
      id: '#8547',
      kind: 'bug',
      title: 'Grant type posted to /registration is not saved',
      affects: '7.0.3',
      status: 'open',
      symptom:
        'A client registered for client_credentials is stored as authorization_code and cannot get a system token.',
      workaround: 'Check the grant types of the client record in the admin UI; upgrade.',
      ruleIds: ['O7'],
      source: src('OE-ISS8547'),
    },
    {
      id: '#8958',
      kind: 'bug',
      title: 'Registering jwks by value fails (a string is expected)',
      affects: 'opened 2025-09',
      status: 'open',
      symptom: 'Registration with a jwks object is refused.',
      workaround: 'Register with jwks_uri instead (or send jwks as a JSON string).',
      ruleIds: ['O6'],
      source: src('OE-ISS8958'),
    },
    {
      id: '#8556',
      kind: 'bug',
      title: 'System scopes not allowed for the standard API (api:oemr)',
      affects: 'before 2025-07',
      status: 'fixed',
      symptom: 'A client_credentials token is refused on /apis/{site}/api.',
      workaround: 'Upgrade, or use the FHIR API.',
      ruleIds: ['O9'],
      source: src('OE-ISS8556'),
    },
    {
      id: '#8668',
      kind: 'bug',
      title: '$export with _type outside the token’s scopes returns other types',
      affects: '7.0.3',
      status: 'open',
      symptom: '$export?_type=X silently returns the other permitted resources.',
      workaround: 'Check _type against the granted scope before exporting.',
      ruleIds: ['O10'],
      source: src('OE-ISS8668'),
    },
    {
      id: '#9374',
      kind: 'bug',
      title: 'Webroot missing from the expected aud with asymmetric client auth',
      affects: 'installs under a sub-path, before Nov 2025',
      status: 'fixed',
      fixedBy: 'PR #9383',
      symptom: 'invalid_client under /openemr although aud is the token URL.',
      workaround: 'Upgrade past PR #9383; set the Site Address to the public URL incl. webroot.',
      ruleIds: ['O8'],
      source: src('OE-PR9383', 'OE-AC'),
    },
    {
      id: '#7065',
      kind: 'bug',
      title: 'client_credentials always returns invalid_client',
      affects: 'reported Dec 2023',
      status: 'closed',
      symptom: 'Every backend token request gets 400 invalid_client.',
      workaround: 'Upgrade; check the assertion against the O1 causes.',
      ruleIds: ['O1'],
      source: src('OE-ISS7065'),
    },
    {
      id: '#6644',
      kind: 'bug',
      title: 'Swagger login fails with invalid_client',
      affects: 'Swagger UI clients',
      status: 'closed',
      symptom: '“Client authentication failed” caused by a redirect URI mismatch.',
      workaround: 'Register <base>/swagger/oauth2-redirect.html as the redirect URI.',
      ruleIds: ['O11'],
      source: src('OE-ISS6644', 'OE-API'),
    },
    {
      id: '#9463',
      kind: 'behaviour-change',
      title: 'Introspection answers {"active": false} on failed client auth',
      affects: 'after Nov 2025',
      status: 'in effect',
      symptom: 'Introspection with wrong client credentials looks like an inactive token.',
      workaround: 'Check the client credentials before concluding the token is inactive.',
      source: src('OE-PR9463'),
    },
    {
      id: '#8250',
      kind: 'behaviour-change',
      title: 'JWT library upgrade in progress',
      affects: 'newer master',
      status: 'open',
      symptom:
        'Client authentication code moves (JWTClientAuthenticationService); checks may differ.',
      workaround: 'Re-check behaviour against the target OpenEMR version.',
      source: src('OE-ISS8250'),
    },
  ],
  errorShapes: [
    {
      id: 'openemr-client-auth-failed',
      status: 400,
      error: 'invalid_client',
      description: 'Client authentication failed',
      meaning:
        'Any assertion failure (client disabled, aud, alg not RS384, iss, exp beyond the 60 s leeway, reused jti, JWKS fetch) — deliberately 400 for Inferno.',
      fix: 'Enable the client, use aud = Site Address + /oauth2/{site}/token, sign RS384, fresh jti.',
      ruleIds: ['O1'],
      source: src('OE-CCG'),
    },
    {
      id: 'openemr-assertion-type',
      error: 'invalid_request',
      descriptionIncludes: 'assertion type is not supported',
      meaning: 'client_assertion_type missing or wrong (e.g. a secret was sent).',
      fix: 'client_credentials in OpenEMR needs a private_key_jwt assertion.',
      ruleIds: ['O2'],
      source: src('OE-CCG'),
    },
    {
      id: 'openemr-invalid-scope',
      error: 'invalid_scope',
      meaning: 'System scopes are off, or the scope was not registered on the client.',
      fix: 'Switch on FHIR System Scopes; re-register with the system scopes.',
      ruleIds: ['O3'],
      source: src('OE-SCOPES', 'OE-COMM-SYS'),
    },
    {
      id: 'openemr-php-notice',
      bodyPrefixPattern: '^\\s*(<br\\s*/?>|Notice:|Deprecated:|Warning:)',
      meaning:
        'A PHP notice (phpseclib RSA verification, PHP 8 deprecations) printed before the JSON.',
      fix: 'Read the JSON after the notice; ask the admin to turn display_errors off.',
      ruleIds: ['O4'],
      source: src('OE-CCG'),
    },
    {
      id: 'openemr-password-grant-off',
      error: 'unsupported_grant_type',
      meaning: 'The password grant is disabled (the default).',
      fix: 'Enable the password grant setting (not for production).',
      ruleIds: ['O12'],
      source: src('OE-AUTHN'),
    },
  ],
  traits: {
    registration: {
      endpointHint: {
        fix: 'Enter the registration endpoint in the profile: {site address}/oauth2/default/registration.',
        source: src('OE-AUTHN'),
      },
      applicationTypes: {
        public: 'public',
        confidential: 'private',
        why: 'OpenEMR registers application_type "private" (confidential) or "public" clients.',
        source: src('OE-AUTHN', 'OE-SMART'),
      },
      jwksByValue: {
        title: 'OpenEMR may reject jwks by value',
        fix: 'Register with jwks_uri instead (OpenEMR issue #8958: the jwks object is expected as a string).',
        source: src('OE-ISS8958'),
      },
      nextSteps: [
        {
          title: 'An administrator must enable the new client',
          detail:
            'OpenEMR registers new clients disabled: Admin → System → API Clients → Edit → Enable. Until then token requests fail with invalid_client.',
          source: src('OE-AUTHN', 'OE-SMART'),
        },
        {
          title: 'Switch on system scopes',
          detail:
            "Switch on 'Enable OpenEMR FHIR System Scopes' (Admin → Config → Connectors); while it is off OpenEMR drops or refuses system/ scopes.",
          whenScope: 'system/',
          whenDropped:
            ' The server dropped them from this registration: register again after switching it on.',
          source: src('OE-SCOPES'),
        },
        {
          title: 'Check the saved grant types',
          detail:
            'OpenEMR 7.0.3 may not save grant_types sent to /registration (it defaults to authorization_code): check the client in Admin → System → API Clients.',
          whenGrant: 'client_credentials',
          source: src('OE-ISS8547'),
        },
      ],
    },
  },
};
