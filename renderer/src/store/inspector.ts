import type { InspectEvidenceInput, InspectReport } from '../../../shared/types.js';
import { api } from './bridge.js';
import { runOp } from './ops.js';
import type { SliceCreator } from './types.js';

export interface InspectorSlice {
  inspectReport: InspectReport | null;
  /** The input of the last run, so another HAR entry can be diagnosed without re-pasting. */
  inspectInput: InspectEvidenceInput | null;
  inspect(input: InspectEvidenceInput): Promise<void>;
  clearInspection(): void;
}

/** Drops blank optional fields and empty items so the engine sees only what the user gave. */
function compact(input: InspectEvidenceInput): InspectEvidenceInput {
  const out: InspectEvidenceInput = {
    items: input.items
      .filter((i) => i.text.trim())
      .map((i) => (i.name?.trim() ? { text: i.text, name: i.name.trim() } : { text: i.text })),
  };
  for (const k of ['preset', 'jwks', 'jwksUrl', 'tokenUrl', 'clientId'] as const) {
    const v = input[k]?.trim();
    if (v) out[k] = v;
  }
  if (input.status !== undefined && Number.isFinite(input.status)) out.status = input.status;
  if (input.harEntry !== undefined) out.harEntry = input.harEntry;
  return out;
}

export const createInspectorSlice: SliceCreator<InspectorSlice> = (set) => ({
  inspectReport: null,
  inspectInput: null,
  inspect: async (input) => {
    const clean = compact(input);
    const r = await runOp(set, 'inspect', () => api().inspect(clean));
    set(r.ok ? { inspectReport: r.value, inspectInput: clean } : { inspectReport: null });
  },
  clearInspection: () => set({ inspectReport: null, inspectInput: null }),
});
