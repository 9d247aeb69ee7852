import { z } from 'zod';
import { SIGNING_ALGS } from './types.js';
import type { AuthMethod, FlowKind, ProfileInput, SigningAlg } from './types.js';

/**
 * Vendor presets as data (STYLE.md habit 13): endpoint templates, defaults per flow, accepted
 * algorithms, the assertion aud rule, token lifetimes, setup steps outside the protocol, known bugs
 * and error shapes, each fact with its source. Facts and tags: research/VENDORS.md sections 1, 4, 5
 * and 9; the future diagnosis engine reads the same tables.
 */

// ---------------------------------------------------------------------------------------------
// Sources

/** How a source was judged in VENDORS.md: spec/vendor code, vendor docs, or community reports. */
export type SourceConfidence = 'primary' | 'vendor' | 'community';

/** A citation: the short tag used in VENDORS.md section 9 and where to read it. */
export interface SourceRef {
  tag: string;
  url: string;
  confidence: SourceConfidence;
}

/** One or more citations; the first is the main one. */
export type Sources = readonly [SourceRef, ...SourceRef[]];

const gh = (repo: string, path: string) => `https://github.com/${repo}/blob/HEAD/${path}`;
const oe = (path: string) => gh('openemr/openemr', path);
const kc = (path: string) => gh('keycloak/keycloak', `services/src/main/java/org/keycloak/${path}`);
const ref = (tag: string, url: string, confidence: SourceConfidence): SourceRef => ({
  tag,
  url,
  confidence,
});

/** Every source the presets cite (VENDORS.md section 9). */
export const SOURCES = {
  'HL7-ASYM': ref(
    'HL7-ASYM',
    'https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html',
    'primary',
  ),
  'HL7-BS': ref('HL7-BS', 'https://hl7.org/fhir/smart-app-launch/backend-services.html', 'primary'),
  'HL7-CONF': ref('HL7-CONF', 'https://hl7.org/fhir/smart-app-launch/conformance.html', 'primary'),
  'HL7-SCOPES': ref(
    'HL7-SCOPES',
    'https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html',
    'primary',
  ),
  'HL7-LAUNCH': ref(
    'HL7-LAUNCH',
    'https://hl7.org/fhir/smart-app-launch/app-launch.html',
    'primary',
  ),
  'HL7-SYM': ref(
    'HL7-SYM',
    'https://hl7.org/fhir/smart-app-launch/client-confidential-symmetric.html',
    'primary',
  ),
  'BULK-V1-AUTH': ref(
    'BULK-V1-AUTH',
    'https://hl7.org/fhir/uv/bulkdata/STU1.0.1/authorization/index.html',
    'primary',
  ),
  RFC6749: ref('RFC6749', 'https://www.rfc-editor.org/rfc/rfc6749', 'primary'),
  RFC7523: ref('RFC7523', 'https://www.rfc-editor.org/rfc/rfc7523', 'primary'),
  RFC7591: ref('RFC7591', 'https://www.rfc-editor.org/rfc/rfc7591', 'primary'),
  RFC7636: ref('RFC7636', 'https://www.rfc-editor.org/rfc/rfc7636', 'primary'),
  RFC7009: ref('RFC7009', 'https://www.rfc-editor.org/rfc/rfc7009', 'primary'),
  RFC8414: ref('RFC8414', 'https://www.rfc-editor.org/rfc/rfc8414', 'primary'),
  RFC9700: ref('RFC9700', 'https://www.rfc-editor.org/rfc/rfc9700', 'primary'),
  'OE-AUTHN': ref('OE-AUTHN', oe('Documentation/api/AUTHENTICATION.md'), 'vendor'),
  'OE-AUTHZ': ref('OE-AUTHZ', oe('Documentation/api/AUTHORIZATION.md'), 'vendor'),
  'OE-SMART': ref('OE-SMART', oe('Documentation/api/SMART_ON_FHIR.md'), 'vendor'),
  'OE-API': ref('OE-API', oe('API_README.md'), 'vendor'),
  'OE-FHIRRM': ref('OE-FHIRRM', oe('FHIR_README.md'), 'vendor'),
  'OE-CCG': ref(
    'OE-CCG',
    oe('src/Common/Auth/OpenIDConnect/Grant/CustomClientCredentialsGrant.php'),
    'primary',
  ),
  'OE-JWKS': ref('OE-JWKS', oe('src/Common/Auth/OpenIDConnect/JWT/JsonWebKeySet.php'), 'primary'),
  'OE-SCOPES': ref(
    'OE-SCOPES',
    oe('src/Common/Auth/OpenIDConnect/Entities/ServerScopeListEntity.php'),
    'primary',
  ),
  'OE-AC': ref('OE-AC', oe('src/RestControllers/AuthorizationController.php'), 'primary'),
  'OE-ISS6644': ref('OE-ISS6644', 'https://github.com/openemr/openemr/issues/6644', 'primary'),
  'OE-ISS7065': ref('OE-ISS7065', 'https://github.com/openemr/openemr/issues/7065', 'primary'),
  'OE-ISS8250': ref('OE-ISS8250', 'https://github.com/openemr/openemr/issues/8250', 'primary'),
  'OE-ISS8547': ref('OE-ISS8547', 'https://github.com/openemr/openemr/issues/8547', 'primary'),
  'OE-ISS8556': ref('OE-ISS8556', 'https://github.com/openemr/openemr/issues/8556', 'primary'),
  'OE-ISS8668': ref('OE-ISS8668', 'https://github.com/openemr/openemr/issues/8668', 'primary'),
  'OE-ISS8958': ref('OE-ISS8958', 'https://github.com/openemr/openemr/issues/8958', 'primary'),
  'INF-BULK-DISC': ref(
    'INF-BULK-DISC',
    gh(
      'inferno-framework/bulk-data-test-kit',
      'lib/bulk_data_test_kit/v1.0.1/bulk_data_smart_discovery_v101_contents_test.rb',
    ),
    'primary',
  ),
  'OE-ISS12303': ref('OE-ISS12303', 'https://github.com/openemr/openemr/issues/12303', 'community'),
  'OE-PR9383': ref('OE-PR9383', 'https://github.com/openemr/openemr/pull/9383', 'primary'),
  'OE-PR9463': ref('OE-PR9463', 'https://github.com/openemr/openemr/pull/9463', 'primary'),
  'OE-PR6968': ref('OE-PR6968', 'https://github.com/openemr/openemr/pull/6968', 'primary'),
  'OE-COMM-SYS': ref(
    'OE-COMM-SYS',
    gh('dhananjayawmt/openemr-system-to-system-integration', 'README.md'),
    'community',
  ),
  'CER-AUTH': ref('CER-AUTH', 'https://fhir.cerner.com/authorization/', 'vendor'),
  'CER-SPEC': ref(
    'CER-SPEC',
    gh('cerner/fhir.cerner.com', 'content/authorization/authorization-specification.md'),
    'vendor',
  ),
  'CER-BULK': ref(
    'CER-BULK',
    gh('cerner/fhir.cerner.com', 'content/millennium/bulk-data.md'),
    'vendor',
  ),
  'CER-PR909': ref('CER-PR909', 'https://github.com/cerner/fhir.cerner.com/pull/909', 'primary'),
  'CER-WK': ref(
    'CER-WK',
    gh('api-evangelist/cerner', 'well-known/cerner-smart-configuration.json'),
    'community',
  ),
  'ORCL-F1': ref(
    'ORCL-F1',
    'https://forums.oracle.com/ords/apexds/post/system-client-authentication-using-jwt-failing-7719',
    'community',
  ),
  'ORCL-F2': ref(
    'ORCL-F2',
    'https://forums.oracle.com/ords/apexds/post/error-code-urn-cerner-error-authorization-server-client-ass-8191',
    'community',
  ),
  'ORCL-F3': ref(
    'ORCL-F3',
    'https://forums.oracle.com/ords/apexds/post/token-request-failing-with-invalid-client-after-successful-0040',
    'community',
  ),
  'ORCL-F4': ref(
    'ORCL-F4',
    'https://forums.oracle.com/ords/apexds/post/401-tenant-mismatch-errors-in-prod-7982',
    'community',
  ),
  'GIST-CER': ref(
    'GIST-CER',
    'https://gist.github.com/daya/42d5935ffe1dbf699ff6065af772a568',
    'community',
  ),
  'EPIC-OIDC': ref(
    'EPIC-OIDC',
    'https://fhir.epic.com/interconnect-fhir-oauth/oauth2/.well-known/openid-configuration',
    'vendor',
  ),
  'EPIC-DEV': ref('EPIC-DEV', 'https://fhir.epic.com/Developer/Management?id=20238', 'vendor'),
  'EPIC-CHG': ref(
    'EPIC-CHG',
    gh('api-evangelist/epic-systems', 'changelog/epic-systems-changelog.yml'),
    'community',
  ),
  'EPIC-AE-AUTH': ref(
    'EPIC-AE-AUTH',
    gh('api-evangelist/epic-systems', 'authentication/epic-systems-authentication.yml'),
    'community',
  ),
  'EPIC-ERR': ref(
    'EPIC-ERR',
    gh('api-evangelist/epic-systems', 'errors/epic-systems-error-codes.yml'),
    'community',
  ),
  'EPIC-MIRROR': ref(
    'EPIC-MIRROR',
    'https://docs.intraconnects.com/docs/ehr-basics/epic/Auth/Backend',
    'community',
  ),
  'EPIC-MIRROR-ST': ref(
    'EPIC-MIRROR-ST',
    'https://docs.intraconnects.com/docs/ehr-basics/epic/Auth/stauth',
    'community',
  ),
  'EPIC-NANGO': ref(
    'EPIC-NANGO',
    'https://nango.dev/docs/api-integrations/epic/how-to-register-your-own-epic-app',
    'community',
  ),
  'EPIC-TYPES': ref(
    'EPIC-TYPES',
    'https://fhir.epic.com/Documentation?docId=oauth2&section=Backend-Oauth2_Creating-JWT',
    'community',
  ),
  'EPIC-GIST': ref(
    'EPIC-GIST',
    'https://gist.github.com/mygzi/8633044f86e0610824963cdc59ac5d1c',
    'community',
  ),
  'EPIC-GO': ref(
    'EPIC-GO',
    'https://golangfix.com/epic-fhir-smart-backend-services-error-invalid_client-error_description-null/',
    'community',
  ),
  'EPIC-VOLC': ref('EPIC-VOLC', 'https://www.volcengine.com/article/3273533', 'community'),
  // Community integration notes: discovery sent with Epic-Client-ID so that per-client endpoint
  // overrides apply (VENDORS.md §4.3 [C][EPIC-COMM]; no single page, unverified by Epic's docs).
  'EPIC-COMM': ref('EPIC-COMM', 'https://fhir.epic.com/Documentation?docId=oauth2', 'community'),
  'EPIC-CFHIR': ref(
    'EPIC-CFHIR',
    'http://community.fhir.org/t/invalid-client-error-from-epic/4312',
    'community',
  ),
  'AB-CCG': ref(
    'AB-CCG',
    gh(
      'HealthSamurai/aidbox-docs',
      'docs/tutorials/security-access-control-tutorials/client-credentials-grant.md',
    ),
    'vendor',
  ),
  'AB-BS': ref(
    'AB-BS',
    gh(
      'HealthSamurai/aidbox-docs',
      'docs/access-control/authorization/smart-on-fhir/smart-client-authorization/smart-backend-services.md',
    ),
    'vendor',
  ),
  'KC-CCG': ref('KC-CCG', kc('protocol/oidc/grants/ClientCredentialsGrantType.java'), 'primary'),
  'KC-SECRET': ref(
    'KC-SECRET',
    kc('authentication/authenticators/client/ClientIdAndSecretAuthenticator.java'),
    'primary',
  ),
  'KC-JWTAUTH': ref(
    'KC-JWTAUTH',
    kc('authentication/authenticators/client/JWTClientAuthenticator.java'),
    'primary',
  ),
  'KC-ABSJWT': ref(
    'KC-ABSJWT',
    kc('authentication/authenticators/client/AbstractJWTClientValidator.java'),
    'primary',
  ),
  'KC-BASEJWT': ref(
    'KC-BASEJWT',
    kc('authentication/authenticators/client/AbstractBaseJWTValidator.java'),
    'primary',
  ),
  'KC-JWTVAL': ref(
    'KC-JWTVAL',
    kc('authentication/authenticators/client/JWTClientValidator.java'),
    'primary',
  ),
  'KC-AP': ref('KC-AP', kc('authentication/AuthenticationProcessor.java'), 'primary'),
  'KC-MIG': ref('KC-MIG', 'https://www.keycloak.org/migration/migrating-to-quarkus', 'vendor'),
} as const satisfies Record<string, SourceRef>;

export type SourceTag = keyof typeof SOURCES;

/** Citations by tag, in order. */
export function src(first: SourceTag, ...more: SourceTag[]): Sources {
  return [SOURCES[first], ...more.map((t) => SOURCES[t])];
}

// ---------------------------------------------------------------------------------------------
// Types

export const PRESET_IDS = [
  'openemr',
  'oracle-health',
  'epic',
  'aidbox',
  'keycloak',
  'smart-v2',
  'smart-v1',
  'oidc',
] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** A statement with its reason and citations. `inferred` marks what VENDORS.md calls INF. */
export interface Fact<T> {
  value: T;
  why: string;
  source: Sources;
  inferred?: boolean;
}

interface ParamBase {
  /** Placeholder name used in templates: {name}. */
  name: string;
  label: string;
  example: string;
  /** Shown under the input: what to type and the usual mistakes. */
  hint: string;
  source: Sources;
}

/** A parameter the user gives when creating a profile from a preset. */
export type PresetParam =
  | (ParamBase & {
      kind: 'url';
      /** false: scheme, host and port only. */
      pathAllowed: boolean;
      default?: string;
      /** Common wrong values (regex source, tested case-insensitively) and what to do instead. */
      mistakes?: readonly { pattern: string; message: string }[];
    })
  | (ParamBase & {
      kind: 'text';
      /** Regex source the whole value must match. */
      pattern: string;
      patternMessage: string;
      default?: string;
      mistakes?: readonly { pattern: string; message: string }[];
    })
  | (ParamBase & {
      kind: 'boolean';
      default: boolean;
      /** Text a template gets for {name} when true ('' when false). */
      insert: string;
    });

/** Profile fields a preset can fill from a template. */
export const ENDPOINT_FIELDS = [
  'fhirBaseUrl',
  'issuer',
  'tokenEndpoint',
  'authorizationEndpoint',
  'registrationEndpoint',
  'introspectionEndpoint',
  'revocationEndpoint',
  'userinfoEndpoint',
  'endSessionEndpoint',
] as const;
export type EndpointField = (typeof ENDPOINT_FIELDS)[number];

/** A URL template: {param} is a parameter; {param.origin} / {param.path} split a URL parameter. */
export type Template = string;

export type DiscoveryKind =
  | 'smart-configuration'
  | 'openid-configuration'
  | 'oauth-authorization-server'
  | 'capability-statement';

export interface DiscoveryDoc extends Fact<Template> {
  kind: DiscoveryKind;
}

/** Defaults for one flow. */
export interface FlowDefaults {
  method: Fact<AuthMethod>;
  acceptedMethods: Fact<readonly AuthMethod[]>;
  scope: Fact<string>;
}

/**
 * What the client assertion's aud must be: the exact token endpoint (SMART), OpenEMR's token URL
 * built from its configured Site Address, Keycloak's issuer or token URL, or the token endpoint
 * the FHIR server advertises (Oracle Health).
 */
export type AudRule =
  'token-endpoint' | 'openemr-site-address' | 'issuer-or-token' | 'advertised-token-endpoint';

export interface TokenLifetime {
  what: 'access-token' | 'refresh-token' | 'assertion-exp' | 'clock-skew';
  flow?: FlowKind;
  /** Seconds, when a number is known. */
  seconds?: number;
  text: string;
  source: Sources;
  inferred?: boolean;
}

export interface SetupStep {
  title: string;
  detail: string;
  /** Only for these flows (all flows when absent). */
  flows?: readonly FlowKind[];
  source: Sources;
}

export interface KnownBug {
  /** Issue or PR number, or a short id for a documented change. */
  id: string;
  kind: 'bug' | 'behaviour-change' | 'doc-error';
  title: string;
  /** Versions or dates affected, as the source says it. */
  affects: string;
  status: 'open' | 'fixed' | 'closed' | 'in effect';
  fixedBy?: string;
  symptom: string;
  workaround: string;
  /** VENDORS.md section 6 rule ids this explains. */
  ruleIds?: readonly string[];
  source: Sources;
}

/** How a server's refusal looks on the wire, so the diagnosis can recognise it. */
export interface ErrorShape {
  id: string;
  /** HTTP status, when the source states it. */
  status?: number;
  /** OAuth `error` value. */
  error?: string;
  /** Exact error_description; null = sent as JSON null. */
  description?: string | null;
  /** A part of error_description (messages that vary a little between versions). */
  descriptionIncludes?: string;
  /** URN inside error_uri (Oracle Health). */
  errorUriUrn?: string;
  /** Text somewhere in the body (FHIR OperationOutcome codes, non-OAuth errors). */
  bodyIncludes?: readonly string[];
  /** Regex source for text before the JSON (PHP notices). */
  bodyPrefixPattern?: string;
  /** Part of the WWW-Authenticate header. */
  wwwAuthenticate?: string;
  meaning: string;
  fix: string;
  /** VENDORS.md section 6 rule ids. */
  ruleIds?: readonly string[];
  source: Sources;
}

/** A vendor preset: everything the app knows about one kind of server. */
export interface VendorPreset {
  id: PresetId;
  /** A SMART on FHIR server: SMART's rules (aud on authorize, token lifetimes, scopes) apply. */
  smart: boolean;
  title: string;
  description: string;
  source: Sources;
  params: readonly PresetParam[];
  endpoints: Partial<Record<EndpointField, Fact<Template>>>;
  discovery: readonly DiscoveryDoc[];
  /** Flows the preset supports, with their defaults. */
  flows: Partial<Record<FlowKind, FlowDefaults>>;
  algs: { default: Fact<SigningAlg>; accepted: Fact<readonly SigningAlg[]> };
  pkce: Fact<'S256'>;
  assertionAud: Fact<AudRule>;
  tokenLifetimes: readonly TokenLifetime[];
  setupSteps: readonly SetupStep[];
  knownBugs: readonly KnownBug[];
  errorShapes: readonly ErrorShape[];
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

const PKCE_SMART: Fact<'S256'> = {
  value: 'S256',
  why: 'SMART servers SHALL support S256 and SHALL NOT support plain; a fresh verifier per sign-in.',
  source: src('HL7-LAUNCH', 'RFC7636'),
};
const PKCE_OAUTH: Fact<'S256'> = {
  value: 'S256',
  why: 'RFC 9700: clients should use S256, the only method that does not expose the verifier.',
  source: src('RFC9700', 'RFC7636'),
};

const SMART_ALGS: VendorPreset['algs'] = {
  default: {
    value: 'RS384',
    why: 'SMART clients SHALL support RS384 and ES384; servers validate at least one, RS384 is the common one.',
    source: src('HL7-ASYM'),
  },
  accepted: {
    value: ['RS384', 'ES384'],
    why: 'The two algorithms SMART names; the server’s token_endpoint_auth_signing_alg_values_supported is final.',
    source: src('HL7-ASYM', 'HL7-CONF'),
  },
};

const SMART_ERRORS: readonly ErrorShape[] = [
  {
    id: 'smart-invalid-client',
    error: 'invalid_client',
    meaning:
      'Any client authentication failure: aud, exp, jti, kid, signature, alg or iss/sub (400 or 401).',
    fix: 'Decode the assertion and compare aud with the exact token URL, exp ≤ now + 300 s, a fresh jti, a kid in the registered JWKS.',
    ruleIds: ['G1'],
    source: src('HL7-ASYM', 'RFC6749'),
  },
  {
    id: 'smart-invalid-scope',
    error: 'invalid_scope',
    meaning: 'A requested scope is not pre-authorized for the client, or is the wrong kind.',
    fix: 'Request system/ scopes the client was registered for; compare with scopes_supported.',
    ruleIds: ['G4'],
    source: src('HL7-BS', 'HL7-SCOPES'),
  },
  {
    id: 'pkce-required',
    error: 'invalid_request',
    descriptionIncludes: 'code challenge',
    meaning: 'The server requires PKCE and the authorize request had no code_challenge.',
    fix: 'Send an S256 code_challenge.',
    ruleIds: ['A2'],
    source: src('RFC7636', 'HL7-LAUNCH'),
  },
];

/** Discovery templates every SMART-on-FHIR base offers. */
const smartDiscovery = (fhir: Template, tags: Sources): DiscoveryDoc => ({
  kind: 'smart-configuration',
  value: `${fhir}/.well-known/smart-configuration`,
  why: 'SMART discovery: appended to the FHIR base URL, JSON regardless of Accept.',
  source: tags,
});

// ---------------------------------------------------------------------------------------------
// Presets

const OE_OAUTH = '{siteAddress}/oauth2/{site}';

const openemr: VendorPreset = {
  id: 'openemr',
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
};

const CER_AUTH = 'https://authorization.cerner.com/tenants/{tenant}';
const CER_PROFILE = `${CER_AUTH}/protocols/oauth2/profiles/smart-v1`;
const CER_URN = 'urn:cerner:error:authorization-server:';

const oracleHealth: VendorPreset = {
  id: 'oracle-health',
  smart: true,
  title: 'Oracle Health (Cerner)',
  description:
    'Oracle Health Millennium: tenant paths on authorization.cerner.com; system accounts with Basic secrets or JWT assertions; errors carry an error_uri URN instead of a description.',
  source: src('CER-AUTH', 'CER-WK'),
  params: [
    {
      name: 'tenant',
      kind: 'text',
      label: 'Tenant',
      example: 'ec2458f2-1e24-41c8-b71b-0e701af7583d',
      pattern: '^[A-Za-z0-9-]+$',
      patternMessage: 'Tenant is the tenant id (a UUID): letters, digits and dashes only.',
      hint: 'The Millennium tenant id; the sandbox tenant is ec2458f2-1e24-41c8-b71b-0e701af7583d.',
      mistakes: [
        {
          pattern: '^https?:',
          message: 'Tenant is the tenant id only (a UUID), not a URL.',
        },
      ],
      source: src('CER-BULK', 'CER-WK'),
    },
    {
      name: 'fhirHost',
      kind: 'text',
      label: 'FHIR host',
      example: 'fhir-ehr-code.cerner.com',
      default: 'fhir-ehr-code.cerner.com',
      pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$',
      patternMessage: 'FHIR host is a host name only, e.g. fhir-ehr-code.cerner.com.',
      hint: 'Host of the FHIR server: fhir-ehr-code.cerner.com (sandbox, provider), fhir-myrecord.cerner.com (patients).',
      mistakes: [
        {
          pattern: '^https?://',
          message:
            'FHIR host is a host name only: remove https:// and any path, e.g. fhir-ehr-code.cerner.com.',
        },
      ],
      source: src('CER-WK', 'ORCL-F4'),
    },
  ],
  endpoints: {
    fhirBaseUrl: {
      value: 'https://{fhirHost}/r4/{tenant}',
      why: 'R4 base on the FHIR host, per tenant.',
      source: src('CER-BULK', 'CER-WK'),
    },
    issuer: {
      value: CER_AUTH,
      why: 'Issuer advertised by the sandbox smart-configuration.',
      source: src('CER-WK'),
    },
    tokenEndpoint: {
      value: `${CER_AUTH}/hosts/{fhirHost}/protocols/oauth2/profiles/smart-v1/token`,
      why: 'The form smart-configuration advertises (with /hosts/{fhirHost}/); the docs also show a tenant-only form. POST to the advertised one and use the same string as aud.',
      source: src('CER-WK', 'CER-AUTH', 'ORCL-F2'),
    },
    authorizationEndpoint: {
      value: `${CER_PROFILE}/personas/provider/authorize`,
      why: 'Provider persona; patient apps use …/personas/patient/authorize. Authorize needs aud = FHIR base.',
      source: src('CER-WK', 'CER-AUTH'),
    },
    introspectionEndpoint: {
      value: 'https://authorization.cerner.com/tokeninfo',
      why: 'Token info endpoint advertised by smart-configuration.',
      source: src('CER-WK'),
    },
    revocationEndpoint: {
      value: `${CER_PROFILE}/token/revoke`,
      why: 'Revocation endpoint advertised by smart-configuration.',
      source: src('CER-WK'),
    },
  },
  discovery: [
    smartDiscovery('https://{fhirHost}/r4/{tenant}', src('CER-WK', 'HL7-CONF')),
    {
      kind: 'capability-statement',
      value: 'https://{fhirHost}/r4/{tenant}/metadata',
      why: 'Cerner docs still describe the CapabilityStatement oauth-uris extension (deprecated in SMART 2).',
      source: src('CER-AUTH', 'HL7-CONF'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'client_secret_basic',
        why: 'A system account’s id and secret go in an HTTP Basic header; no secret in the body.',
        source: src('CER-AUTH', 'CER-SPEC'),
      },
      acceptedMethods: {
        value: ['client_secret_basic', 'private_key_jwt'],
        why: 'smart-configuration lists client_secret_basic and private_key_jwt (JWT preferred for Bulk Data).',
        source: src('CER-WK', 'CER-AUTH'),
      },
      scope: {
        value: 'system/Patient.read system/Observation.read',
        why: 'System scopes of the app registration; v1 and v2 forms are both listed.',
        source: src('CER-WK', 'CER-AUTH'),
      },
    },
    'authorization-code': {
      method: {
        value: 'client_secret_basic',
        why: 'Confidential apps authenticate with Basic; offline_access refresh also needs Basic credentials.',
        source: src('CER-AUTH', 'HL7-SYM'),
      },
      acceptedMethods: {
        value: ['client_secret_basic', 'private_key_jwt', 'none'],
        why: 'Basic or JWT for confidential apps, none for public apps (PKCE).',
        source: src('CER-WK', 'CER-AUTH'),
      },
      scope: {
        value: 'openid fhirUser user/Patient.read user/Observation.read',
        why: 'Provider persona scopes; offline_access is not available to the provider persona.',
        source: src('CER-AUTH', 'HL7-SCOPES'),
      },
    },
  },
  algs: {
    default: {
      value: 'RS384',
      why: 'smart-configuration lists RS384 and ES384.',
      source: src('CER-WK'),
    },
    accepted: {
      value: ['RS384', 'ES384'],
      why: 'token_endpoint_auth_signing_alg_values_supported of the sandbox.',
      source: src('CER-WK'),
    },
  },
  pkce: PKCE_SMART,
  assertionAud: {
    value: 'advertised-token-endpoint',
    why: 'Use the token_endpoint string from the FHIR server’s smart-configuration for both the POST and aud (which form Cerner checks is not documented).',
    source: src('HL7-ASYM', 'CER-WK', 'ORCL-F2'),
    inferred: true,
  },
  tokenLifetimes: [
    {
      what: 'access-token',
      seconds: 570,
      text: 'Access tokens last about 570 s; refreshing more than once a minute may be throttled.',
      source: src('CER-AUTH'),
    },
    {
      what: 'refresh-token',
      flow: 'authorization-code',
      text: 'The refresh response does not return a new refresh token; offline_access refresh needs Basic client credentials.',
      source: src('CER-AUTH'),
    },
  ],
  setupSteps: [
    {
      title: 'Register the app in code Console',
      detail:
        'Type “System” (backend) or privacy “Confidential”; a system account (client id + secret) is issued.',
      source: src('CER-AUTH'),
    },
    {
      title: 'Register the JWKS on the system account',
      detail:
        'For JWT client auth, set up the JWKS in Cerner Central → System Account Management before the first request.',
      flows: ['backend-services'],
      source: src('CER-AUTH'),
    },
    {
      title: 'Ask the organisation to enable the app',
      detail: 'Until the tenant enables the app, grants are denied-by-server.',
      source: src('CER-AUTH', 'CER-SPEC'),
    },
  ],
  knownBugs: [
    {
      id: 'PR #909',
      kind: 'doc-error',
      title: 'Draft docs said JWT auth uses Authorization: Bearer',
      affects: 'draft of the authorization docs (removed before merge)',
      status: 'fixed',
      symptom:
        'A JWT sent as Authorization: Bearer gets 401 invalid_client, …invalid-authorization-header, client=unknown.',
      workaround: 'Send the assertion in the form body (client_assertion_type + client_assertion).',
      ruleIds: ['C1'],
      source: src('CER-PR909', 'ORCL-F1'),
    },
  ],
  errorShapes: [
    {
      id: 'cerner-invalid-authorization-header',
      status: 401,
      error: 'invalid_client',
      errorUriUrn: `${CER_URN}oauth2:token:invalid-authorization-header`,
      bodyIncludes: ['client=unknown'],
      meaning:
        'The Authorization header could not be read: a JWT sent as Bearer, or a malformed Basic header. client=unknown: the client was not identified at all.',
      fix: 'Send client_assertion in the form body; Basic = base64(id:secret).',
      ruleIds: ['C1'],
      source: src('ORCL-F1', 'GIST-CER', 'CER-PR909'),
    },
    {
      id: 'cerner-invalid-client-credentials',
      errorUriUrn: `${CER_URN}oauth2:token:invalid-client-credentials`,
      meaning: 'Wrong or rotated system-account secret, wrong client id, or app not provisioned.',
      fix: 'Verify or rotate the secret in System Accounts; confirm the app type.',
      ruleIds: ['C2'],
      source: src('ORCL-F3', 'CER-AUTH'),
    },
    {
      id: 'cerner-invalid-signature',
      errorUriUrn: `${CER_URN}client-assertion:jwt-bearer:invalid-signature`,
      meaning:
        'JWKS not registered on the system account, kid mismatch, wrong key or alg, or a token URL form mismatch in aud.',
      fix: 'Check the JWKS in Cerner Central, the kid, RS384/ES384, and aud = the advertised token URL.',
      ruleIds: ['C3'],
      source: src('ORCL-F2', 'CER-AUTH'),
    },
    {
      id: 'cerner-code-invalid-or-expired',
      errorUriUrn: `${CER_URN}oauth2:token:code-invalid-or-expired`,
      meaning: 'The authorization code was reused or expired.',
      fix: 'Restart the authorization.',
      ruleIds: ['C4'],
      source: src('CER-AUTH'),
    },
    {
      id: 'cerner-denied-by-server',
      error: 'access_denied',
      errorUriUrn: `${CER_URN}oauth2:grant:denied-by-server`,
      meaning: 'The organisation has not enabled the app, or the user lacks rights.',
      fix: 'Open the error_uri; ask the organisation to enable the app.',
      ruleIds: ['C5'],
      source: src('CER-AUTH', 'CER-SPEC'),
    },
    {
      id: 'cerner-tenant-mismatch',
      status: 401,
      bodyIncludes: ['tenant-mismatch'],
      meaning: 'The token was minted for another tenant or host than the FHIR base used.',
      fix: 'Use the token endpoint advertised by that FHIR base.',
      ruleIds: ['C6'],
      source: src('ORCL-F4'),
    },
    {
      id: 'cerner-invalid-token',
      status: 401,
      wwwAuthenticate: 'error="invalid_token"',
      meaning: 'The FHIR server refused the access token.',
      fix: 'Get a new token for this tenant and host.',
      source: src('CER-AUTH'),
    },
  ],
};

const epic: VendorPreset = {
  id: 'epic',
  smart: true,
  title: 'Epic',
  description:
    'Epic on FHIR: {base}/oauth2/token and {base}/api/FHIR/R4. Backend Systems apps sign RS384 assertions, use the non-production or production client id of the environment, and need a JWK Set URL.',
  source: src('EPIC-OIDC', 'EPIC-MIRROR'),
  params: [
    {
      name: 'base',
      kind: 'url',
      pathAllowed: true,
      label: 'Epic base URL',
      example: 'https://fhir.epic.com/interconnect-fhir-oauth',
      default: 'https://fhir.epic.com/interconnect-fhir-oauth',
      hint: 'The part before /oauth2 and /api/FHIR; the sandbox is https://fhir.epic.com/interconnect-fhir-oauth. Customer bases are in open.epic.com’s endpoint directory.',
      mistakes: [
        {
          pattern: '/(oauth2|api/fhir)(/|$)',
          message:
            'Epic base URL is the part before /oauth2 or /api/FHIR, e.g. https://fhir.epic.com/interconnect-fhir-oauth.',
        },
      ],
      source: src('EPIC-OIDC', 'EPIC-AE-AUTH'),
    },
  ],
  endpoints: {
    fhirBaseUrl: {
      value: '{base}/api/FHIR/R4',
      why: 'R4 FHIR base under the Epic base (STU3 and DSTU2 sit beside it).',
      source: src('EPIC-AE-AUTH', 'EPIC-OIDC'),
    },
    issuer: {
      value: '{base}/oauth2',
      why: 'The OAuth base whose openid-configuration Epic serves.',
      source: src('EPIC-OIDC'),
    },
    tokenEndpoint: {
      value: '{base}/oauth2/token',
      why: 'Token endpoint of the environment; aud must be exactly this URL.',
      source: src('EPIC-OIDC', 'EPIC-TYPES'),
    },
    authorizationEndpoint: {
      value: '{base}/oauth2/authorize',
      why: 'Authorization endpoint; aud (the FHIR base) is required on authorize.',
      source: src('EPIC-OIDC', 'EPIC-MIRROR-ST'),
    },
  },
  discovery: [
    smartDiscovery('{base}/api/FHIR/R4', src('EPIC-AE-AUTH', 'HL7-CONF')),
    {
      kind: 'openid-configuration',
      value: '{base}/oauth2/.well-known/openid-configuration',
      why: 'Epic’s OpenID Connect discovery (auth methods, grants, capabilities).',
      source: src('EPIC-OIDC'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'private_key_jwt',
        why: 'Backend Systems apps authenticate with a signed JWT (SMART Backend Services).',
        source: src('EPIC-MIRROR', 'EPIC-TYPES'),
      },
      acceptedMethods: {
        value: ['private_key_jwt'],
        why: 'client_credentials for Backend Systems apps uses the JWT assertion.',
        source: src('EPIC-MIRROR', 'EPIC-OIDC'),
      },
      scope: {
        value: 'system/Patient.read',
        why: 'Epic grants the APIs selected on the app; system/Patient.read is the usual first test.',
        source: src('EPIC-MIRROR', 'HL7-SCOPES'),
      },
    },
    'authorization-code': {
      method: {
        value: 'none',
        why: 'A public app signs in with PKCE and no secret; confidential apps switch to a method from the discovery list.',
        source: src('EPIC-MIRROR-ST', 'HL7-LAUNCH'),
      },
      acceptedMethods: {
        value: ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'],
        why: 'openid-configuration lists client_secret_post, client_secret_basic and private_key_jwt.',
        source: src('EPIC-OIDC', 'EPIC-MIRROR-ST'),
      },
      scope: {
        value: 'openid fhirUser launch/patient patient/Patient.read',
        why: 'Standalone patient launch with SMART v1 scopes; Epic also advertises permission-v2.',
        source: src('EPIC-MIRROR-ST', 'EPIC-OIDC'),
      },
    },
  },
  algs: {
    default: {
      value: 'RS384',
      why: 'RS384 is the documented and sample algorithm.',
      source: src('EPIC-TYPES', 'EPIC-GIST'),
    },
    accepted: {
      value: ['RS384', 'ES256', 'ES384'],
      why: 'RS384 documented; ES256/ES384 reported for JKU-registered apps.',
      source: src('EPIC-TYPES', 'EPIC-NANGO'),
    },
  },
  pkce: PKCE_SMART,
  assertionAud: {
    value: 'token-endpoint',
    why: 'aud must be exactly the token endpoint of that environment (sandbox and customer URLs differ).',
    source: src('EPIC-TYPES', 'EPIC-GO'),
  },
  tokenLifetimes: [
    {
      what: 'assertion-exp',
      seconds: 300,
      text: 'The assertion exp must be at most 5 minutes in the future.',
      source: src('EPIC-TYPES', 'EPIC-GO'),
    },
  ],
  setupSteps: [
    {
      title: 'Register as Backend Systems',
      detail:
        'One registration yields a non-production (sandbox) and a production client id; use the one of the environment in iss/sub.',
      flows: ['backend-services'],
      source: src('EPIC-MIRROR', 'EPIC-NANGO'),
    },
    {
      title: 'Host your JWKS (JKU)',
      detail:
        'Static public-key uploads are being retired; Backend Systems apps need a JWK Set URL when enabled for a customer (from 2026-02-23).',
      flows: ['backend-services'],
      source: src('EPIC-DEV', 'EPIC-CHG'),
    },
    {
      title: 'Customer maps the client to an Epic user',
      detail:
        'In customer environments the ECSA maps the client id to an Epic user before tokens are issued (not needed in the sandbox).',
      flows: ['backend-services'],
      source: src('EPIC-MIRROR'),
    },
    {
      title: 'Select the APIs and wait for sync',
      detail: 'An app without APIs selected, or not yet synced, is refused.',
      source: src('EPIC-GO'),
    },
  ],
  knownBugs: [
    {
      id: 'jku-2026',
      kind: 'behaviour-change',
      title: 'Static backend keys retired in favour of JWK Set URLs',
      affects:
        'sandbox from Aug 2025 / Feb 2026; customers from 2026-02-23 (new), May 2026 (upgraded)',
      status: 'in effect',
      symptom: 'A new backend app cannot upload a static key; the key is not found.',
      workaround: 'Host a JWKS and register its URL (JKU).',
      ruleIds: ['E3'],
      source: src('EPIC-DEV', 'EPIC-CHG'),
    },
  ],
  errorShapes: [
    {
      id: 'epic-null-description',
      error: 'invalid_client',
      description: null,
      meaning:
        'Any assertion problem: sandbox vs production client id, key/JKU not registered or not synced, kid not in the JKU, alg, exp > 5 min, reused jti, aud not the token URL.',
      fix: 'Check iss/sub = the client id of this environment, the kid in your JKU, RS384, a fresh jti, aud = the token URL.',
      ruleIds: ['E1'],
      source: src('EPIC-GO', 'EPIC-VOLC'),
    },
    {
      id: 'epic-secret-basic',
      error: 'invalid_client',
      meaning:
        'A secret client refused with Basic: URL-encoded id/secret, non-form body, redirect mismatch.',
      fix: 'Do not URL-encode the id and secret; send a form body; use the exact redirect URI.',
      ruleIds: ['E5'],
      source: src('EPIC-CFHIR'),
    },
    {
      id: 'epic-operation-outcome',
      bodyIncludes: ['4118', '4130', '4131'],
      meaning:
        'FHIR OperationOutcome codes: 4118 user not authorized, 4130/4131 Break-the-Glass — not an OAuth problem.',
      fix: 'Check the user mapping and permissions at the organisation.',
      ruleIds: ['E6'],
      source: src('EPIC-ERR'),
    },
  ],
};

const aidbox: VendorPreset = {
  id: 'aidbox',
  smart: true,
  title: 'Aidbox',
  description:
    'Aidbox (Health Samurai): token at {base}/auth/token with Basic, a JSON body or a JWT assertion; a Client needs an AccessPolicy before any FHIR call succeeds.',
  source: src('AB-CCG', 'AB-BS'),
  params: [
    {
      name: 'base',
      kind: 'url',
      pathAllowed: true,
      label: 'Aidbox base URL',
      example: 'https://example.aidbox.app',
      hint: 'The Aidbox instance URL, without /fhir or /auth.',
      mistakes: [
        {
          pattern: '/(fhir|auth)(/|$)',
          message: 'Aidbox base URL is the instance URL, without /fhir or /auth/token.',
        },
      ],
      source: src('AB-CCG'),
    },
  ],
  endpoints: {
    fhirBaseUrl: {
      value: '{base}/fhir',
      why: 'Aidbox’s FHIR API is under /fhir.',
      source: src('AB-BS'),
      inferred: true,
    },
    tokenEndpoint: {
      value: '{base}/auth/token',
      why: 'POST /auth/token: form with Basic, or a JSON body with client_id/client_secret.',
      source: src('AB-CCG', 'AB-BS'),
    },
  },
  discovery: [smartDiscovery('{base}/fhir', src('AB-BS', 'HL7-CONF'))],
  flows: {
    'backend-services': {
      method: {
        value: 'client_secret_basic',
        why: 'The client credentials tutorial sends the Client secret in an HTTP Basic header.',
        source: src('AB-CCG'),
      },
      acceptedMethods: {
        value: ['client_secret_basic', 'private_key_jwt'],
        why: 'Basic (or a JSON body) with the secret; private_key_jwt when client_assertion_types is set on the Client.',
        source: src('AB-CCG', 'AB-BS'),
      },
      scope: {
        value: 'system/*.read',
        why: 'The SMART backend services example Client has scope system/*.read.',
        source: src('AB-BS'),
      },
    },
    'authorization-code': {
      method: {
        value: 'none',
        why: 'A SMART public app signs in with PKCE and no secret.',
        source: src('HL7-LAUNCH'),
        inferred: true,
      },
      acceptedMethods: {
        value: ['none', 'client_secret_basic', 'private_key_jwt'],
        why: 'SMART client types; check the server’s smart-configuration.',
        source: src('HL7-CONF'),
        inferred: true,
      },
      scope: {
        value: 'openid fhirUser launch/patient patient/*.read',
        why: 'A standalone patient app with SMART v1 scopes, as the backend example uses v1.',
        source: src('HL7-SCOPES', 'AB-CCG'),
        inferred: true,
      },
    },
  },
  algs: {
    default: {
      value: 'RS384',
      why: 'SMART default; Aidbox verifies with the key from the Client’s jwks_uri.',
      source: src('AB-BS', 'HL7-ASYM'),
      inferred: true,
    },
    accepted: {
      value: SIGNING_ALGS,
      why: 'Whatever the key in the Client’s JWKS supports.',
      source: src('AB-BS'),
      inferred: true,
    },
  },
  pkce: PKCE_SMART,
  assertionAud: {
    value: 'token-endpoint',
    why: 'The token URL ({base}/auth/token), as SMART requires.',
    source: src('HL7-ASYM', 'AB-BS'),
    inferred: true,
  },
  tokenLifetimes: [
    {
      what: 'access-token',
      text: 'The default token is opaque and the response may omit expires_in; set token_format: jwt and access_token_expiration on the Client.',
      source: src('AB-CCG'),
    },
    {
      what: 'access-token',
      flow: 'backend-services',
      seconds: 300,
      text: 'The backend services example sets access_token_expiration: 300 and returns refresh_token: null.',
      source: src('AB-BS'),
    },
  ],
  setupSteps: [
    {
      title: 'Create the Client resource',
      detail:
        'PUT /Client/{id} with a secret and grant_types: [client_credentials] (or authorization_code).',
      source: src('AB-CCG'),
    },
    {
      title: 'Link an AccessPolicy to the Client',
      detail:
        'Without an AccessPolicy linked to the Client every FHIR call answers 403, even with a valid token.',
      source: src('AB-CCG', 'AB-BS'),
    },
    {
      title: 'Allow JWT assertions',
      detail:
        'For private_key_jwt set auth.client_credentials.client_assertion_types and a jwks_uri Aidbox can reach.',
      flows: ['backend-services'],
      source: src('AB-BS'),
    },
    {
      title: 'Ask for JWT tokens with a lifetime',
      detail: 'auth.client_credentials.token_format: jwt, access_token_expiration, refresh_token.',
      source: src('AB-CCG'),
    },
  ],
  knownBugs: [],
  errorShapes: [
    {
      id: 'aidbox-no-access-policy',
      status: 403,
      meaning: 'The token is fine but no AccessPolicy links the Client.',
      fix: 'Create an AccessPolicy with link: [{resourceType: Client, id}].',
      ruleIds: ['AB1'],
      source: src('AB-CCG', 'AB-BS'),
    },
  ],
};

const KC_REALM = '{host}{legacyAuthPrefix}/realms/{realm}';
const KC_OIDC = `${KC_REALM}/protocol/openid-connect`;

const kcError = (
  id: string,
  status: number,
  error: string,
  description: string,
  meaning: string,
  fix: string,
  ruleIds: readonly string[],
  source: Sources,
): ErrorShape => ({ id, status, error, description, meaning, fix, ruleIds, source });

const keycloak: VendorPreset = {
  id: 'keycloak',
  smart: false,
  title: 'Keycloak',
  description:
    'Keycloak realms: {host}[/auth]/realms/{realm}/protocol/openid-connect/…; client_credentials needs a confidential client with service accounts; assertions may use the issuer or the token URL as aud.',
  source: src('KC-MIG', 'KC-CCG'),
  params: [
    {
      name: 'host',
      kind: 'url',
      pathAllowed: false,
      label: 'Keycloak host',
      example: 'https://sso.example.org',
      hint: 'Scheme, host and port only; the realm and the /auth prefix are asked for separately.',
      mistakes: [
        {
          pattern: '/auth/?$',
          message: 'Leave /auth out of the Keycloak host and tick “Legacy /auth prefix” instead.',
        },
        {
          pattern: '/realms(/|$)',
          message: 'Keycloak host stops before /realms; give the realm in its own field.',
        },
      ],
      source: src('KC-MIG'),
    },
    {
      name: 'realm',
      kind: 'text',
      label: 'Realm',
      example: 'smart',
      pattern: '^[^/\\s?#]+$',
      patternMessage: 'Realm is the realm name only: no slashes, spaces, ? or #.',
      hint: 'The realm name as in the admin console (case-sensitive).',
      source: src('KC-MIG'),
    },
    {
      name: 'legacyAuthPrefix',
      kind: 'boolean',
      label: 'Legacy /auth prefix (Keycloak before 17)',
      example: 'off for Keycloak 17 and later',
      default: false,
      insert: '/auth',
      hint: 'Keycloak 17+ (Quarkus) dropped /auth; older or http-relative-path setups keep {host}/auth/realms/….',
      source: src('KC-MIG'),
    },
  ],
  endpoints: {
    issuer: {
      value: KC_REALM,
      why: 'The realm URL is the issuer; Keycloak also accepts it as the assertion aud.',
      source: src('KC-MIG', 'KC-JWTVAL'),
    },
    tokenEndpoint: {
      value: `${KC_OIDC}/token`,
      why: 'Realm token endpoint.',
      source: src('KC-MIG'),
    },
    authorizationEndpoint: {
      value: `${KC_OIDC}/auth`,
      why: 'Realm authorization endpoint.',
      source: src('KC-MIG'),
    },
    introspectionEndpoint: {
      value: `${KC_OIDC}/token/introspect`,
      why: 'Realm introspection endpoint.',
      source: src('KC-MIG'),
    },
    revocationEndpoint: {
      value: `${KC_OIDC}/revoke`,
      why: 'Realm revocation endpoint.',
      source: src('KC-MIG'),
    },
  },
  discovery: [
    {
      kind: 'openid-configuration',
      value: `${KC_REALM}/.well-known/openid-configuration`,
      why: 'Each realm publishes its OpenID Connect discovery document.',
      source: src('KC-MIG'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'client_secret_basic',
        why: 'The “Client Id and Secret” authenticator is the default for confidential clients.',
        source: src('KC-SECRET'),
      },
      acceptedMethods: {
        value: [
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'client_secret_jwt',
        ],
        why: 'Client Id and Secret (basic/post), Signed JWT (private_key_jwt), Signed JWT with Client Secret.',
        source: src('KC-SECRET', 'KC-JWTAUTH'),
      },
      scope: {
        value: '',
        why: 'Keycloak grants the client’s default client scopes when none are requested.',
        source: src('KC-CCG'),
        inferred: true,
      },
    },
    'authorization-code': {
      method: {
        value: 'client_secret_basic',
        why: 'Confidential clients default to Client Id and Secret; public clients use none with PKCE.',
        source: src('KC-SECRET'),
      },
      acceptedMethods: {
        value: [
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'client_secret_jwt',
          'none',
        ],
        why: 'Keycloak’s client authenticators, or a public client.',
        source: src('KC-SECRET', 'KC-JWTAUTH'),
      },
      scope: {
        value: 'openid',
        why: 'openid for an id_token; the client’s default scopes are added.',
        source: src('KC-CCG'),
        inferred: true,
      },
    },
  },
  algs: {
    default: {
      value: 'RS256',
      why: 'Client-configured; RS256 is the common setting.',
      source: src('KC-JWTVAL'),
    },
    accepted: {
      value: SIGNING_ALGS,
      why: 'Any asymmetric alg (not none), equal to the client’s “token endpoint auth signing alg” when set.',
      source: src('KC-BASEJWT', 'KC-JWTVAL'),
    },
  },
  pkce: PKCE_OAUTH,
  assertionAud: {
    value: 'issuer-or-token',
    why: 'aud must contain the realm issuer, token, introspection, PAR or CIBA URL. Looser than SMART: an aud = issuer fails on SMART servers.',
    source: src('KC-JWTVAL', 'HL7-ASYM'),
  },
  tokenLifetimes: [
    {
      what: 'clock-skew',
      seconds: 15,
      text: 'Assertion time claims are checked with 15 s clock skew; exp beyond the client’s max needs iat.',
      source: src('KC-BASEJWT', 'KC-JWTVAL'),
    },
    {
      what: 'refresh-token',
      flow: 'backend-services',
      text: 'No refresh token for client_credentials unless “use refresh tokens for client credentials” is on.',
      source: src('KC-CCG'),
    },
  ],
  setupSteps: [
    {
      title: 'Turn on Client authentication',
      detail: 'A public client cannot use client_credentials (“Public client not allowed…”).',
      flows: ['backend-services'],
      source: src('KC-CCG'),
    },
    {
      title: 'Enable Service accounts roles',
      detail:
        'Without it: 401 unauthorized_client “Client not enabled to retrieve service account”.',
      flows: ['backend-services'],
      source: src('KC-CCG'),
    },
    {
      title: 'Pick the authenticator',
      detail:
        'Credentials → Client Authenticator: “Client Id and Secret”, or “Signed JWT” with “Use JWKS URL” (or an imported certificate) for private_key_jwt.',
      source: src('KC-JWTAUTH', 'KC-SECRET'),
    },
    {
      title: 'Match the signing algorithm',
      detail: 'If the client sets a token endpoint auth signing alg, the assertion must use it.',
      source: src('KC-JWTVAL'),
    },
  ],
  knownBugs: [
    {
      id: 'kc17-auth-prefix',
      kind: 'behaviour-change',
      title: 'Keycloak 17 (Quarkus) dropped the /auth prefix',
      affects: '17 and later',
      status: 'in effect',
      symptom: '404 on /auth/realms/…, or “Invalid token audience” when aud has the wrong prefix.',
      workaround:
        'Untick “Legacy /auth prefix” (or tick it for older / http-relative-path servers).',
      ruleIds: ['K10', 'K5'],
      source: src('KC-MIG'),
    },
    {
      id: 'kc-secret-error-codes',
      kind: 'behaviour-change',
      title: 'Secret errors changed code and message between versions',
      affects: 'older releases',
      status: 'in effect',
      symptom:
        'Older releases answer 400 unauthorized_client “Invalid client credentials” / “Could not find client”.',
      workaround: 'Read the message, not only the code.',
      ruleIds: ['K3'],
      source: src('KC-AP', 'KC-SECRET'),
    },
  ],
  errorShapes: [
    kcError(
      'kc-service-accounts-off',
      401,
      'unauthorized_client',
      'Client not enabled to retrieve service account',
      'Service accounts roles are off for the client.',
      'Enable Service accounts roles in the client settings.',
      ['K1'],
      src('KC-CCG'),
    ),
    kcError(
      'kc-public-client',
      401,
      'unauthorized_client',
      'Public client not allowed to retrieve service account',
      'Client authentication is off (public client).',
      'Turn on Client authentication.',
      ['K2'],
      src('KC-CCG'),
    ),
    kcError(
      'kc-bearer-only',
      401,
      'unauthorized_client',
      'Bearer-only client not allowed to retrieve service account',
      'The client is bearer-only.',
      'Use a confidential client with service accounts.',
      ['K1'],
      src('KC-CCG'),
    ),
    kcError(
      'kc-unknown-client',
      401,
      'invalid_client',
      'Invalid client or Invalid client credentials',
      'Unknown or disabled client, or the wrong realm.',
      'Check the realm in the URL and the client id.',
      ['K3'],
      src('KC-SECRET', 'KC-AP'),
    ),
    kcError(
      'kc-wrong-secret',
      401,
      'unauthorized_client',
      'Invalid client or Invalid client credentials',
      'Missing, wrong or expired client secret.',
      'Copy or regenerate the secret from Credentials.',
      ['K3'],
      src('KC-SECRET', 'KC-AP'),
    ),
    kcError(
      'kc-missing-client-id',
      400,
      'invalid_client',
      'Missing client_id parameter',
      'No client id in the request.',
      'Send client_id (Basic header or body).',
      ['K3'],
      src('KC-SECRET'),
    ),
    kcError(
      'kc-assertion-type-missing',
      400,
      'invalid_client',
      'Parameter client_assertion_type is missing',
      'The client is set to Signed JWT but a secret or a non-form body was sent.',
      'Match the authenticator to the credentials; send a form-encoded body.',
      ['K4'],
      src('KC-ABSJWT'),
    ),
    kcError(
      'kc-client-id-sub',
      400,
      'invalid_client',
      'client_id parameter does not match sub claim',
      'The body client_id differs from the assertion sub.',
      'Send client_id = sub, or omit it.',
      ['K4'],
      src('KC-ABSJWT'),
    ),
    kcError(
      'kc-invalid-audience',
      400,
      'invalid_client',
      'Invalid token audience',
      'aud is not the issuer, token, introspection, PAR or CIBA URL of this realm (check the /auth prefix).',
      'Recompute aud from the realm’s discovery document.',
      ['K5'],
      src('KC-JWTVAL', 'KC-MIG'),
    ),
    kcError(
      'kc-token-reuse',
      400,
      'invalid_client',
      'Token reuse detected',
      'The jti was already used.',
      'Use a new jti for every request.',
      ['K6'],
      src('KC-BASEJWT'),
    ),
    kcError(
      'kc-invalid-alg',
      400,
      'invalid_client',
      'Invalid signature algorithm',
      'alg is not asymmetric, is none, or differs from the client’s configured alg.',
      'Sign with the algorithm configured on the client.',
      ['K7'],
      src('KC-BASEJWT', 'KC-JWTVAL'),
    ),
    kcError(
      'kc-public-key',
      400,
      'invalid_client',
      'Unable to load public key',
      'The JWKS URL is unreachable, no certificate is imported, or the kid does not match.',
      'Check “Use JWKS URL” and the key on the client.',
      ['K8'],
      src('KC-JWTAUTH'),
    ),
    kcError(
      'kc-exp-too-far',
      400,
      'invalid_client',
      'Token expiration is too far in the future and iat claim not present',
      'exp is beyond the client’s maximum lifetime and there is no iat.',
      'Add iat and keep exp within the allowed lifetime.',
      ['K9'],
      src('KC-BASEJWT'),
    ),
    kcError(
      'kc-issued-in-future',
      400,
      'invalid_client',
      'Token was issued in the future',
      'iat is ahead of the server clock by more than 15 s.',
      'Synchronise the clock.',
      ['K9'],
      src('KC-BASEJWT', 'KC-JWTVAL'),
    ),
    {
      id: 'kc-legacy-prefix-404',
      status: 404,
      meaning: 'A /auth/realms/… URL on Keycloak 17+ (or the reverse).',
      fix: 'Drop (or add) the /auth prefix.',
      ruleIds: ['K10'],
      source: src('KC-MIG'),
    },
  ],
};

const smartV2: VendorPreset = {
  id: 'smart-v2',
  smart: true,
  title: 'SMART App Launch 2 (generic)',
  description:
    'Any SMART 2.x server: endpoints from {fhirBaseUrl}/.well-known/smart-configuration, private_key_jwt with RS384/ES384, v2 scopes (cruds).',
  source: src('HL7-CONF', 'HL7-ASYM'),
  params: [
    {
      name: 'fhirBaseUrl',
      kind: 'url',
      pathAllowed: true,
      label: 'FHIR base URL',
      example: 'https://ehr.example.org/fhir/r4',
      hint: 'The FHIR base; discovery appends /.well-known/smart-configuration.',
      mistakes: [
        {
          pattern: '/\\.well-known/',
          message: 'FHIR base URL is the base itself, without /.well-known/smart-configuration.',
        },
        {
          pattern: '/metadata/?$',
          message: 'FHIR base URL is the base itself, without /metadata.',
        },
      ],
      source: src('HL7-CONF'),
    },
  ],
  endpoints: {
    fhirBaseUrl: {
      value: '{fhirBaseUrl}',
      why: 'Every other endpoint is discovered from its smart-configuration.',
      source: src('HL7-CONF'),
    },
  },
  discovery: [smartDiscovery('{fhirBaseUrl}', src('HL7-CONF'))],
  flows: {
    'backend-services': {
      method: {
        value: 'private_key_jwt',
        why: 'SMART Backend Services authenticate with an asymmetric client assertion.',
        source: src('HL7-BS', 'HL7-ASYM'),
      },
      acceptedMethods: {
        value: ['private_key_jwt'],
        why: 'client-confidential-asymmetric is the backend services profile.',
        source: src('HL7-BS'),
      },
      scope: {
        value: 'system/*.rs',
        why: 'v2 system scope: read and search everything pre-authorized.',
        source: src('HL7-SCOPES', 'HL7-BS'),
      },
    },
    'authorization-code': {
      method: {
        value: 'none',
        why: 'A public app (client-public) with PKCE; confidential apps use Basic or private_key_jwt.',
        source: src('HL7-CONF', 'HL7-LAUNCH'),
      },
      acceptedMethods: {
        value: ['none', 'client_secret_basic', 'private_key_jwt'],
        why: 'client-public, client-confidential-symmetric (Basic), client-confidential-asymmetric.',
        source: src('HL7-CONF', 'HL7-SYM', 'HL7-ASYM'),
      },
      scope: {
        value: 'openid fhirUser launch/patient patient/*.rs offline_access',
        why: 'Standalone patient launch with v2 scopes and a refresh token.',
        source: src('HL7-SCOPES', 'HL7-LAUNCH'),
      },
    },
  },
  algs: SMART_ALGS,
  pkce: PKCE_SMART,
  assertionAud: {
    value: 'token-endpoint',
    why: 'aud is the token URL the JWT is POSTed to, compared exactly.',
    source: src('HL7-ASYM'),
  },
  tokenLifetimes: [
    {
      what: 'assertion-exp',
      seconds: 300,
      text: 'exp SHALL be no more than 5 minutes in the future.',
      source: src('HL7-ASYM'),
    },
    {
      what: 'access-token',
      flow: 'backend-services',
      seconds: 300,
      text: 'Backend tokens: "The recommended value is 300, for a five-minute token lifetime."',
      source: src('HL7-BS'),
    },
  ],
  setupSteps: [
    {
      title: 'Register your JWKS',
      detail: 'A JWKS URL is strongly preferred (rotation); a JWK Set by value is discouraged.',
      flows: ['backend-services'],
      source: src('HL7-ASYM'),
    },
    {
      title: 'Pre-authorize the scopes',
      detail: 'The server checks requested scopes against those pre-authorized for the client.',
      flows: ['backend-services'],
      source: src('HL7-BS'),
    },
    {
      title: 'Register exact redirect URIs',
      detail: 'Fully specified redirect URIs; the token request must repeat the same one.',
      flows: ['authorization-code'],
      source: src('HL7-LAUNCH'),
    },
  ],
  knownBugs: [],
  errorShapes: SMART_ERRORS,
};

const smartV1: VendorPreset = {
  ...smartV2,
  id: 'smart-v1',
  smart: true,
  title: 'SMART v1 / Bulk Data 1.0 (generic)',
  description:
    'A SMART 1.x / Bulk Data v1 server: smart-configuration or the CapabilityStatement oauth-uris extension, private_key_jwt with RS384, v1 scopes (.read/.write).',
  source: src('BULK-V1-AUTH', 'HL7-CONF'),
  discovery: [
    smartDiscovery('{fhirBaseUrl}', src('HL7-CONF')),
    {
      kind: 'capability-statement',
      value: '{fhirBaseUrl}/metadata',
      why: '1.x-era servers put authorize/token URLs in the CapabilityStatement oauth-uris extension.',
      source: src('HL7-CONF'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'private_key_jwt',
        why: 'The v1 backend services guide authenticates with a signed JWT.',
        source: src('BULK-V1-AUTH'),
      },
      acceptedMethods: {
        value: ['private_key_jwt'],
        why: 'v1 backend services define only the JWT assertion.',
        source: src('BULK-V1-AUTH'),
      },
      scope: {
        value: 'system/*.read',
        why: 'v1 system scope for a bulk read of everything.',
        source: src('BULK-V1-AUTH'),
      },
    },
    'authorization-code': {
      method: {
        value: 'none',
        why: 'A public app with PKCE.',
        source: src('HL7-LAUNCH'),
      },
      acceptedMethods: {
        value: ['none', 'client_secret_basic', 'private_key_jwt'],
        why: 'Public, symmetric (Basic) and asymmetric clients.',
        source: src('HL7-CONF', 'HL7-SYM'),
      },
      scope: {
        value: 'openid fhirUser launch/patient patient/*.read offline_access',
        why: 'Standalone patient launch with v1 scopes and a refresh token.',
        source: src('HL7-SCOPES', 'HL7-LAUNCH'),
      },
    },
  },
  algs: {
    default: {
      value: 'RS384',
      why: 'v1 examples use RS384 (and “EC384”, meaning ES384).',
      source: src('BULK-V1-AUTH'),
    },
    accepted: {
      value: ['RS384', 'ES384'],
      why: 'The v1 guide names RS384 and ES384.',
      source: src('BULK-V1-AUTH'),
    },
  },
  assertionAud: {
    value: 'token-endpoint',
    why: 'aud is the token URL.',
    source: src('BULK-V1-AUTH'),
  },
  tokenLifetimes: [
    {
      what: 'assertion-exp',
      seconds: 300,
      text: 'exp no more than 5 minutes in the future.',
      source: src('BULK-V1-AUTH'),
    },
  ],
};

const oidc: VendorPreset = {
  id: 'oidc',
  smart: false,
  title: 'OpenID Connect / OAuth 2.0 (generic)',
  description:
    'Any OAuth 2.0 / OpenID Connect server: endpoints from the issuer’s openid-configuration or RFC 8414 metadata.',
  source: src('RFC8414', 'RFC6749'),
  params: [
    {
      name: 'issuer',
      kind: 'url',
      pathAllowed: true,
      label: 'Issuer',
      example: 'https://auth.example.org',
      hint: 'The issuer exactly as the server names it (no /.well-known/…).',
      mistakes: [
        {
          pattern: '/\\.well-known/',
          message: 'Issuer is the issuer URL itself, without /.well-known/….',
        },
      ],
      source: src('RFC8414'),
    },
  ],
  endpoints: {
    issuer: {
      value: '{issuer}',
      why: 'Metadata is discovered from the issuer; the document’s issuer must equal it.',
      source: src('RFC8414'),
    },
  },
  discovery: [
    {
      kind: 'openid-configuration',
      value: '{issuer}/.well-known/openid-configuration',
      why: 'OpenID Connect discovery, appended to the issuer.',
      source: src('RFC8414'),
    },
    {
      kind: 'oauth-authorization-server',
      value: '{issuer.origin}/.well-known/oauth-authorization-server{issuer.path}',
      why: 'RFC 8414 inserts the well-known part between host and issuer path.',
      source: src('RFC8414'),
    },
  ],
  flows: {
    'backend-services': {
      method: {
        value: 'client_secret_basic',
        why: 'The RFC 8414 default token_endpoint_auth_method; RFC 6749 prefers Basic over the body.',
        source: src('RFC8414', 'RFC6749'),
      },
      acceptedMethods: {
        value: [
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'client_secret_jwt',
        ],
        why: 'Whatever token_endpoint_auth_methods_supported lists.',
        source: src('RFC8414'),
      },
      scope: {
        value: '',
        why: 'No standard scope for client_credentials; the server decides.',
        source: src('RFC6749'),
      },
    },
    'authorization-code': {
      method: {
        value: 'client_secret_basic',
        why: 'The RFC 8414 / RFC 7591 default; choose none for a public client.',
        source: src('RFC8414', 'RFC7591'),
      },
      acceptedMethods: {
        value: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
        why: 'Whatever token_endpoint_auth_methods_supported lists.',
        source: src('RFC8414'),
      },
      scope: {
        value: 'openid profile email offline_access',
        why: 'OpenID Connect sign-in with a refresh token.',
        source: src('RFC6749'),
      },
    },
  },
  algs: {
    default: {
      value: 'RS256',
      why: 'The common default; check token_endpoint_auth_signing_alg_values_supported.',
      source: src('RFC8414'),
    },
    accepted: {
      value: SIGNING_ALGS,
      why: 'Whatever the server advertises (never none).',
      source: src('RFC8414', 'RFC7523'),
    },
  },
  pkce: PKCE_OAUTH,
  assertionAud: {
    value: 'token-endpoint',
    why: 'aud must identify the authorization server; the token endpoint URL may be used.',
    source: src('RFC7523'),
  },
  tokenLifetimes: [],
  setupSteps: [
    {
      title: 'Register exact redirect URIs',
      detail:
        'Redirect URIs are compared by exact string (only the loopback port may vary for native apps).',
      flows: ['authorization-code'],
      source: src('RFC9700', 'RFC6749'),
    },
  ],
  knownBugs: [],
  errorShapes: [
    {
      id: 'oauth-invalid-client',
      error: 'invalid_client',
      meaning:
        'Client authentication failed; 401 with WWW-Authenticate when the client used the Authorization header.',
      fix: 'Check the client id, secret and auth method the client was registered with.',
      source: src('RFC6749'),
    },
    {
      id: 'oauth-invalid-grant',
      error: 'invalid_grant',
      meaning: 'Code reused or expired, redirect_uri differs, or the PKCE verifier does not match.',
      fix: 'Use the exact redirect_uri, a fresh code, and the verifier of this sign-in.',
      ruleIds: ['A1'],
      source: src('RFC6749', 'RFC7636'),
    },
  ],
};

/** All presets by id. */
export const PRESETS: Readonly<Record<PresetId, VendorPreset>> = {
  openemr,
  'oracle-health': oracleHealth,
  epic,
  aidbox,
  keycloak,
  'smart-v2': smartV2,
  'smart-v1': smartV1,
  oidc,
};

/** Presets in display order. */
export const PRESET_LIST: readonly VendorPreset[] = PRESET_IDS.map((id) => PRESETS[id]);

export function isPresetId(value: unknown): value is PresetId {
  return typeof value === 'string' && (PRESET_IDS as readonly string[]).includes(value);
}

/** The preset with this id, or undefined. */
export function getPreset(id: string | undefined): VendorPreset | undefined {
  return isPresetId(id) ? PRESETS[id] : undefined;
}

/** Flows a preset has defaults for, in FlowKind order. */
export function presetFlows(id: PresetId): FlowKind[] {
  const flows = PRESETS[id].flows;
  return (['backend-services', 'authorization-code', 'password'] as const).filter((f) => flows[f]);
}

// ---------------------------------------------------------------------------------------------
// Parameters and templates

/** What the user typed for a preset's parameters; missing or blank values take the default. */
export type PresetParamValues = Readonly<Record<string, string | boolean | undefined>>;

function urlSchema(p: Extract<PresetParam, { kind: 'url' }>) {
  return z.string().superRefine((v, ctx) => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `${p.label} must be an absolute https URL, e.g. ${p.example}.`,
      });
      return;
    }
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      return fail(`${p.label} must start with https:// (or http:// for a local test server).`);
    if (u.search || u.hash || v.includes('?') || v.includes('#'))
      return fail(`${p.label} must not have a ?query or #fragment.`);
    if (u.username || u.password) return fail(`${p.label} must not carry a user name or password.`);
    const mistake = p.mistakes?.find((m) => new RegExp(m.pattern, 'i').test(u.pathname));
    if (mistake) return fail(mistake.message);
    if (!p.pathAllowed && u.pathname.replace(/\/+$/, '') !== '')
      return fail(`${p.label} is scheme, host and port only, e.g. ${p.example}.`);
  });
}

function textSchema(p: Extract<PresetParam, { kind: 'text' }>) {
  return z.string().superRefine((v, ctx) => {
    const mistake = p.mistakes?.find((m) => new RegExp(m.pattern, 'i').test(v));
    if (mistake) ctx.addIssue({ code: 'custom', message: mistake.message });
    else if (!new RegExp(p.pattern).test(v))
      ctx.addIssue({ code: 'custom', message: p.patternMessage });
  });
}

/** A parameter's value after defaults: trimmed text, or a boolean. */
function resolveParam(p: PresetParam, values: PresetParamValues): string | boolean {
  const raw = values[p.name];
  if (p.kind === 'boolean') return raw === true || raw === 'true';
  const text = typeof raw === 'string' ? raw.trim() : '';
  return text || (p.default ?? '');
}

/**
 * A message per missing or bad parameter, keyed by parameter name (empty when all are fine).
 * Each message names the parameter by its label and says what to type instead.
 */
export function presetParamErrors(
  presetId: PresetId,
  params: PresetParamValues,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const p of PRESETS[presetId].params) {
    if (p.kind === 'boolean') continue;
    const value = resolveParam(p, params) as string;
    if (!value) {
      errors[p.name] = `${p.label} is required, e.g. ${p.example}.`;
      continue;
    }
    const parsed = (p.kind === 'url' ? urlSchema(p) : textSchema(p)).safeParse(value);
    if (!parsed.success)
      errors[p.name] = parsed.error.issues[0]?.message ?? `${p.label} is invalid.`;
  }
  return errors;
}

/** Thrown by profileFromPreset when called with parameters presetParamErrors rejects (a bug). */
export class PresetParamsError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super(Object.values(errors).join(' '));
    this.name = 'PresetParamsError';
  }
}

function templateValues(preset: VendorPreset, params: PresetParamValues): Map<string, string> {
  const values = new Map<string, string>();
  for (const p of preset.params) {
    const v = resolveParam(p, params);
    if (p.kind === 'boolean') {
      values.set(p.name, v ? p.insert : '');
    } else if (p.kind === 'url') {
      const u = new URL(v as string);
      const path = u.pathname.replace(/\/+$/, '');
      values.set(p.name, `${u.origin}${path}`);
      values.set(`${p.name}.origin`, u.origin);
      values.set(`${p.name}.path`, path);
    } else {
      values.set(p.name, v as string);
    }
  }
  return values;
}

/** Fills {param} placeholders; an unknown placeholder is a bug in the preset table. */
export function fillTemplate(template: Template, values: ReadonlyMap<string, string>): string {
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (_, name: string) => {
    const v = values.get(name);
    if (v === undefined) throw new Error(`Preset template uses unknown parameter {${name}}.`);
    return v;
  });
}

function checkedValues(presetId: PresetId, params: PresetParamValues) {
  const errors = presetParamErrors(presetId, params);
  if (Object.keys(errors).length) throw new PresetParamsError(errors);
  return templateValues(PRESETS[presetId], params);
}

/** The endpoints of a preset filled from the parameters. */
export function presetEndpoints(
  presetId: PresetId,
  params: PresetParamValues,
): Partial<Record<EndpointField, string>> {
  const values = checkedValues(presetId, params);
  const out: Partial<Record<EndpointField, string>> = {};
  for (const field of ENDPOINT_FIELDS) {
    const t = PRESETS[presetId].endpoints[field];
    if (t) out[field] = fillTemplate(t.value, values);
  }
  return out;
}

/** Discovery documents to try, in order, filled from the parameters. */
export function presetDiscoveryUrls(
  presetId: PresetId,
  params: PresetParamValues,
): { kind: DiscoveryKind; url: string }[] {
  const values = checkedValues(presetId, params);
  return PRESETS[presetId].discovery.map((d) => ({
    kind: d.kind,
    url: fillTemplate(d.value, values),
  }));
}

/**
 * The aud values the server accepts in a client assertion, computed from the preset's rule:
 * the token URL, and for Keycloak also the issuer and introspection URLs.
 */
export function expectedAssertionAudiences(
  presetId: PresetId,
  params: PresetParamValues,
): string[] {
  const e = presetEndpoints(presetId, params);
  const rule = PRESETS[presetId].assertionAud.value;
  const list =
    rule === 'issuer-or-token'
      ? [e.issuer, e.tokenEndpoint, e.introspectionEndpoint]
      : [e.tokenEndpoint];
  return list.filter((v): v is string => !!v);
}

function profileName(preset: VendorPreset, values: Map<string, string>): string {
  const first = preset.params.find((p) => p.kind !== 'boolean');
  let detail = first ? (values.get(first.name) ?? '') : '';
  if (first?.kind === 'url') detail = new URL(detail).host;
  if (preset.id === 'keycloak') detail = `${detail} · ${values.get('realm') ?? ''}`;
  return detail ? `${preset.title} · ${detail}` : preset.title;
}

/**
 * A new profile from a preset: endpoints filled from the templates, vendor = the preset id, the
 * flow's auth method, alg and scope, PKCE S256. Throws PresetParamsError when presetParamErrors
 * is not empty, and an Error for a flow the preset has no defaults for (check presetFlows).
 */
export function profileFromPreset(
  presetId: PresetId,
  params: PresetParamValues,
  flow: FlowKind,
): ProfileInput {
  const preset = PRESETS[presetId];
  const defaults = preset.flows[flow];
  if (!defaults) throw new Error(`The ${preset.title} preset has no ${flow} defaults.`);
  const values = checkedValues(presetId, params);
  const endpoints = presetEndpoints(presetId, params);
  return {
    name: profileName(preset, values),
    vendor: preset.id,
    flow,
    ...endpoints,
    clientId: '',
    scope: defaults.scope.value,
    pkce: preset.pkce.value,
    auth: { method: defaults.method.value, alg: preset.algs.default.value },
  };
}

/** One "why is this the default?" line. */
export interface DefaultExplanation {
  /** ProfileInput field path, e.g. tokenEndpoint, auth.method, scope. */
  field: string;
  label: string;
  /** The template or value the preset puts there. */
  value: string;
  why: string;
  source: Sources;
  inferred?: boolean;
}

const FIELD_LABELS: Record<EndpointField, string> = {
  fhirBaseUrl: 'FHIR base URL',
  issuer: 'Issuer',
  tokenEndpoint: 'Token endpoint',
  authorizationEndpoint: 'Authorization endpoint',
  registrationEndpoint: 'Registration endpoint',
  introspectionEndpoint: 'Introspection endpoint',
  revocationEndpoint: 'Revocation endpoint',
  userinfoEndpoint: 'Userinfo endpoint',
  endSessionEndpoint: 'End session endpoint',
};

const explain = (
  field: string,
  label: string,
  fact: Fact<unknown>,
  value: string,
): DefaultExplanation => ({
  field,
  label,
  value,
  why: fact.why,
  source: fact.source,
  ...(fact.inferred ? { inferred: true } : {}),
});

/** Why each field profileFromPreset fills has its value, with sources (for the UI). */
export function explainProfileDefaults(presetId: PresetId, flow: FlowKind): DefaultExplanation[] {
  const preset = PRESETS[presetId];
  const out: DefaultExplanation[] = [];
  for (const field of ENDPOINT_FIELDS) {
    const t = preset.endpoints[field];
    if (t) out.push(explain(field, FIELD_LABELS[field], t, t.value));
  }
  const defaults = preset.flows[flow];
  if (defaults) {
    const m = defaults.method;
    out.push(explain('auth.method', 'Auth method', m, m.value));
    out.push(
      explain(
        'auth.acceptedMethods',
        'Accepted auth methods',
        defaults.acceptedMethods,
        defaults.acceptedMethods.value.join(', '),
      ),
    );
    out.push(explain('scope', 'Scope', defaults.scope, defaults.scope.value || '(none)'));
  }
  if (!defaults || defaults.method.value === 'private_key_jwt' || flow === 'backend-services') {
    out.push(
      explain('auth.alg', 'Signing algorithm', preset.algs.default, preset.algs.default.value),
    );
    const acc = preset.algs.accepted;
    out.push(explain('auth.acceptedAlgs', 'Accepted algorithms', acc, acc.value.join(', ')));
    const aud = preset.assertionAud;
    out.push(explain('assertion.aud', 'Assertion aud', aud, aud.value));
  }
  if (flow === 'authorization-code') out.push(explain('pkce', 'PKCE', preset.pkce, 'S256'));
  return out;
}
