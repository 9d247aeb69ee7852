/** The diagnosis: one pipeline for the engine, the Inspector and the CLI (see pipeline.ts). */
export { CATALOG, finding } from './catalog.js';
export { BASES, CAUSE_CODES } from './codes.js';
export type { Basis, CauseCode, Finding, Severity } from './codes.js';
export { BASIS_MEANING, basisWords } from './basis.js';
export { diagnose } from './pipeline.js';
export type { Diagnosis, DiagnosisInput } from './pipeline.js';
export { rankFindings } from './rank.js';
export type { ServerStatement } from './statement.js';
export {
  attemptContext,
  CLOCK_SKEW_WARN_SEC,
  lintTokenResponse,
  scopeDiff,
  transportFinding,
  vendorPreflight,
} from './token-response.js';
export type { TokenAttempt, TransportError, VendorAttempt } from './token-response.js';
