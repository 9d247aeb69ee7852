/**
 * The practice server (issue 12 §1): loaded on demand by the hosts' ports (node-ports.ts,
 * electron/main/ports.ts) with a dynamic import(), so oidc-provider stays out of the engine's
 * static imports and out of a CLI command or app start that never uses it.
 */
export {
  DEMO_USER,
  PRACTICE_FLAVOURS,
  readyProfiles,
  startPractice,
  type PracticeClient,
  type PracticeKey,
  type PracticeServer,
  type ReadyFile,
} from './practice-server.js';
export { FLAVOUR_NAMES, FLAVOUR_SOURCES } from './sources.js';
export { SAMPLE_DATA, LAUNCH_PATIENT } from './fhir-data.js';
