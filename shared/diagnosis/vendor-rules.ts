/** The vendor diagnosis rules' public API, re-exported from shared/vendors/ where they now live. */
export {
  GENERIC_LIKELIHOOD,
  LOCAL_LIKELIHOOD,
  STRONG_LIKELIHOOD,
  decodeCernerErrorUri,
  expectedAudiences,
  matchesShape,
  type CernerErrorUri,
  type DiagnosisContext,
  type RankedFinding,
  type VendorRule,
} from '../vendors/rule-context.js';
export {
  answerContext,
  presetFor,
  registrationFindings,
  resourceFindings,
  responseContext,
  vendorFindings,
  type Answer,
} from '../vendors/rule-engine.js';
export { VENDOR_RULES } from '../vendors/rules.js';
