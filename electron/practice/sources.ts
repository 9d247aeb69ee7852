import type { PracticeFlavour } from '../../shared/types.js';

/**
 * Where each vendor flavour's behaviour comes from: the sources its simulator cites (tags as in
 * the simulator's comments and the project's VENDORS.md §8). A flavour is a simulation built from
 * these, never the vendor's server.
 */
export const FLAVOUR_SOURCES: Record<PracticeFlavour, string[]> = {
  standard: [
    'SMART App Launch 2.2: https://hl7.org/fhir/smart-app-launch/',
    'OpenID Connect Core 1.0: https://openid.net/specs/openid-connect-core-1_0.html',
    'oidc-provider 9 (panva/node-oidc-provider): https://github.com/panva/node-oidc-provider',
  ],
  openemr: [
    '[OE-AUTHN] openemr/openemr Documentation/api/AUTHENTICATION.md',
    '[OE-CCG] openemr/openemr src/Common/Auth/OpenIDConnect/Grant/CustomClientCredentialsGrant.php',
    '[OE-JWKS] openemr/openemr src/Common/Auth/OpenIDConnect/JWT/JsonWebKeySet.php',
    '[OE-SCOPES] openemr/openemr src/Common/Auth/OpenIDConnect/Entities/ServerScopeListEntity.php',
    '[OE-AC] openemr/openemr src/RestControllers/AuthorizationController.php',
  ],
  'oracle-health': [
    '[CER-AUTH] https://fhir.cerner.com/authorization/',
    '[CER-WK] captured sandbox smart-configuration (api-evangelist/cerner)',
    '[ORCL-F1] https://forums.oracle.com/ords/apexds/post/system-client-authentication-using-jwt-failing-7719',
    '[ORCL-F2] https://forums.oracle.com/ords/apexds/post/error-code-urn-cerner-error-authorization-server-client-ass-8191',
    '[ORCL-F4] https://forums.oracle.com/ords/apexds/post/401-tenant-mismatch-errors-in-prod-7982',
    '[GIST-CER] https://gist.github.com/daya/42d5935ffe1dbf699ff6065af772a568',
  ],
  epic: [
    '[EPIC-OIDC] https://fhir.epic.com/interconnect-fhir-oauth/oauth2/.well-known/openid-configuration',
    '[EPIC-DEV] https://fhir.epic.com/Developer/Management?id=20238',
    '[EPIC-CHG] https://fhir.epic.com/Documentation?docId=oauth2 (as transcribed by api-evangelist/epic-systems)',
    '[EPIC-ERR] https://fhir.epic.com/Specifications (error codes, via api-evangelist/epic-systems)',
    '[EPIC-MIRROR] https://docs.intraconnects.com/docs/ehr-basics/epic/Auth/Backend',
    '[EPIC-CFHIR] http://community.fhir.org/t/invalid-client-error-from-epic/4312',
  ],
  aidbox: [
    '[AB-CCG] HealthSamurai/aidbox-docs docs/tutorials/security-access-control-tutorials/client-credentials-grant.md',
    '[AB-BS] HealthSamurai/aidbox-docs docs/access-control/authorization/smart-on-fhir/smart-client-authorization/smart-backend-services.md',
  ],
  keycloak: [
    '[KC-CCG] keycloak/keycloak services/…/protocol/oidc/grants/ClientCredentialsGrantType.java',
    '[KC-SECRET] keycloak/keycloak services/…/client/ClientIdAndSecretAuthenticator.java',
    '[KC-JWTAUTH] keycloak/keycloak services/…/client/JWTClientAuthenticator.java',
    '[KC-ABSJWT] keycloak/keycloak services/…/client/AbstractJWTClientValidator.java',
    '[KC-MIG] https://www.keycloak.org/migration/migrating-to-quarkus',
  ],
};

/** The flavours' display names. */
export const FLAVOUR_NAMES: Record<PracticeFlavour, string> = {
  standard: 'SMART App Launch 2 + OpenID Connect',
  openemr: 'OpenEMR',
  'oracle-health': 'Oracle Health (Cerner)',
  epic: 'Epic',
  aidbox: 'Aidbox',
  keycloak: 'Keycloak',
};
