/**
 * SMART on FHIR scopes: parse, explain in plain words, convert v1 <-> v2, check against the grant
 * and the server's discovery document, and compare requested with granted.
 * Rules: HL7 SMART App Launch 2.x "Scopes and Launch Context" and "Conformance" (capabilities),
 * Bulk Data v1 backend services (system/ scopes); see research/VENDORS.md sections 1.8, 1.9, 1.10.
 *
 * This module is the public API; the code lives in shared/scopes/.
 */

export {
  SMART_SCOPE_URI_PREFIX,
  covers,
  equivalent,
  parseScope,
  parseScopes,
  type ParseOptions,
  type Permission,
  type ScopeContext,
  type ScopeKind,
  type ScopeToken,
  type V1Action,
} from './scopes/parse.js';
export { checkScopes, type ScopeCheckInput } from './scopes/check.js';
export {
  convertScopes,
  type ConversionChange,
  type ConvertedScope,
  type ScopeConversion,
} from './scopes/convert.js';
export { diffScopes, type ScopeComparison, type ScopeNarrowing } from './scopes/compare.js';
