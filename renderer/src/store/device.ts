import type { DeviceFlowStatus, DeviceFlowView } from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp } from './ops.js';
import type { SliceCreator } from './types.js';

export interface DeviceSlice {
  /** The latest device authorization (RFC 8628), kept current by the "device" event. */
  deviceFlow: DeviceFlowView | null;
  /** Sends the device authorization request; the engine then polls and pushes every change. */
  startDeviceAuthorization(): Promise<DeviceFlowView | null>;
  cancelDeviceAuthorization(): Promise<void>;
  /** A pushed snapshot: replaces the flow it describes, or a flow started earlier. */
  applyDeviceFlow(flow: DeviceFlowView): void;
}

/** Every status but waiting ends the flow; an ended flow never goes back to waiting. */
const ENDED: Record<DeviceFlowStatus, boolean> = {
  waiting: false,
  done: true,
  denied: true,
  expired: true,
  failed: true,
  cancelled: true,
  'timed-out': true,
};

/** True when `next` should replace `current` in the store. */
export function isNewerDeviceFlow(current: DeviceFlowView | null, next: DeviceFlowView): boolean {
  if (!current) return true;
  if (current.id !== next.id) return next.startedAt >= current.startedAt;
  if (ENDED[current.status]) return ENDED[next.status] && next.polls >= current.polls;
  // Every poll counts: a snapshot with fewer polls is an older one arriving late.
  return ENDED[next.status] || next.polls >= current.polls;
}

export const createDeviceSlice: SliceCreator<DeviceSlice> = (set, get) => ({
  deviceFlow: null,

  applyDeviceFlow: (flow) =>
    set((s) => (isNewerDeviceFlow(s.deviceFlow, flow) ? { deviceFlow: flow } : {})),

  startDeviceAuthorization: async () => {
    const profileId = get().activeProfileId;
    if (!profileId) {
      failOp(set, 'startDeviceAuthorization', NO_PROFILE);
      return null;
    }
    const r = await runOp(set, 'startDeviceAuthorization', () =>
      api().startDeviceAuthorization({ profileId }),
    );
    if (!r.ok) return null;
    // An event about this flow may already have arrived with a newer status: keep that one.
    get().applyDeviceFlow(r.value);
    return r.value;
  },

  cancelDeviceAuthorization: async () => {
    const flow = get().deviceFlow;
    if (!flow) return;
    const r = await runOp(set, 'cancelDeviceAuthorization', () =>
      api().cancelDeviceAuthorization({ flowId: flow.id }),
    );
    if (r.ok) get().applyDeviceFlow(r.value);
  },
});
