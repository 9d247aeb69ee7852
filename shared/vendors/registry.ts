// The preset registry: all presets by id and in display order, and lookups over them.
import { FLOW_KINDS, type FlowKind } from '../types.js';
import { aidbox } from './aidbox/preset.js';
import { epic } from './epic/preset.js';
import { keycloak } from './keycloak/preset.js';
import { oidc } from './oidc/preset.js';
import { openemr } from './openemr/preset.js';
import { oracleHealth } from './oracle-health/preset.js';
import { PRESET_IDS, type PresetId, type VendorPreset } from './preset-types.js';
import { smartV1 } from './smart-v1/preset.js';
import { smartV2 } from './smart-v2/preset.js';

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
  return FLOW_KINDS.filter((f) => flows[f]);
}

/** The vendor preset that stands for a server's software, when one does. */
export function presetOfServer(server: string): PresetId | undefined {
  return PRESET_LIST.find((p) => p.server === server)?.id;
}
