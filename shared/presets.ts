/**
 * Vendor presets as data (STYLE.md habit 13): endpoint templates, defaults per flow, accepted
 * algorithms, the assertion aud rule, token lifetimes, setup steps outside the protocol, known bugs
 * and error shapes, each fact with its source. Facts and tags: research/VENDORS.md sections 1, 4, 5
 * and 9; the future diagnosis engine reads the same tables.
 *
 * This module is the public API; the code lives in shared/vendors/ (sources, types, one folder per
 * preset, the registry and the profile-from-preset helpers).
 */

export {
  SOURCES,
  sourceText,
  src,
  type SourceConfidence,
  type SourceRef,
  type SourceTag,
  type Sources,
} from './vendors/sources.js';
export {
  ENDPOINT_FIELDS,
  PRESET_IDS,
  type AudRule,
  type DiscoveryDoc,
  type DiscoveryKind,
  type EndpointField,
  type ErrorShape,
  type Fact,
  type FlowDefaults,
  type KnownBug,
  type PresetId,
  type PresetParam,
  type RegistrationNextStep,
  type SetupStep,
  type Template,
  type TokenLifetime,
  type VendorPreset,
  type VendorTraits,
} from './vendors/preset-types.js';
export {
  PRESETS,
  PRESET_LIST,
  getPreset,
  isPresetId,
  presetFlows,
  presetOfServer,
} from './vendors/registry.js';
export {
  PresetParamsError,
  expectedAssertionAudiences,
  explainProfileDefaults,
  fillTemplate,
  presetDiscoveryUrls,
  presetEndpoints,
  presetParamErrors,
  profileFromPreset,
  type DefaultExplanation,
  type PresetParamValues,
} from './vendors/preset-params.js';
