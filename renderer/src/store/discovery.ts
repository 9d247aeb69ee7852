import type { DiscoveryResult } from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp } from './ops.js';
import type { SliceCreator } from './types.js';

export interface DiscoverySlice {
  discovery: DiscoveryResult | null;
  discover(): Promise<void>;
}

export const createDiscoverySlice: SliceCreator<DiscoverySlice> = (set, get) => ({
  discovery: null,
  discover: async () => {
    const profileId = get().activeProfileId;
    if (!profileId) return failOp(set, 'discover', NO_PROFILE);
    const r = await runOp(set, 'discover', () => api().discover({ profileId }));
    if (r.ok) set({ discovery: r.value });
  },
});
