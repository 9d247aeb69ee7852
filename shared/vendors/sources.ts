// Citations: every source the vendor presets cite (VENDORS.md section 9) and src() to pick them.

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

/** Citations as a finding or next step shows them: their URLs. */
export function sourceText(s: Sources): string {
  return s.map((r) => r.url).join('; ');
}
