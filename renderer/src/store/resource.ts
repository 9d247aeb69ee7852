import type { ResourceResult } from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp } from './ops.js';
import type { SliceCreator } from './types.js';

export interface ResourceSlice {
  resource: ResourceResult | null;
  callResource(
    path: string,
    options?: { token?: 'access_token' | 'id_token'; refreshOnExpiry?: boolean },
  ): Promise<void>;
}

export const createResourceSlice: SliceCreator<ResourceSlice> = (set, get) => ({
  resource: null,
  callResource: async (path, options = {}) => {
    const profileId = get().activeProfileId;
    if (!profileId) return failOp(set, 'callResource', NO_PROFILE);
    const r = await runOp(set, 'callResource', () =>
      api().callResource({ profileId, path: path.trim(), ...options }),
    );
    set({ resource: r.ok ? r.value : null });
  },
});
