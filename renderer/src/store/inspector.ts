import type { InspectInput, InspectResult } from '../../../shared/types.js';
import { api } from './bridge.js';
import { runOp } from './ops.js';
import type { SliceCreator } from './types.js';

export interface InspectorSlice {
  inspection: InspectResult | null;
  inspectAssertion(input: InspectInput): Promise<void>;
}

/** Drops blank optional fields so the engine sees only what the user gave. */
function compact(input: InspectInput): InspectInput {
  const out: InspectInput = { jwt: input.jwt.trim() };
  for (const k of ['jwks', 'jwksUrl', 'tokenUrl', 'clientId'] as const) {
    const v = input[k]?.trim();
    if (v) out[k] = v;
  }
  if (input.acceptedAlgs?.length) out.acceptedAlgs = input.acceptedAlgs;
  return out;
}

export const createInspectorSlice: SliceCreator<InspectorSlice> = (set) => ({
  inspection: null,
  inspectAssertion: async (input) => {
    const r = await runOp(set, 'inspectAssertion', () => api().inspectAssertion(compact(input)));
    set({ inspection: r.ok ? r.value : null });
  },
});
