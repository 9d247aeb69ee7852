/**
 * Vendor simulators, for the tests and the practice server's vendor flavours: each on 127.0.0.1
 * (port 0 unless told), built on oidc-provider (see sim-core.ts).
 */
export { startOpenEmrSim, type OpenEmrSim, OPENEMR_CLIENT_AUTH_FAILED } from './openemr.js';
export {
  startOracleHealthSim,
  type OracleHealthSim,
  CERNER_SANDBOX_TENANT,
} from './oracle-health.js';
export { startEpicSim, type EpicSim, EPIC_INVALID_CLIENT } from './epic.js';
export { startAidboxSim, type AidboxSim } from './aidbox.js';
export { startKeycloakSim, type KeycloakSim } from './keycloak.js';
