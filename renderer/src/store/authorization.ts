import type { AuthorizationFlowView, AuthorizationStatus } from '../../../shared/types.js';
import { api } from './bridge.js';
import { NO_PROFILE } from './errors.js';
import { failOp, runOp } from './ops.js';
import type { SliceCreator } from './types.js';

export interface AuthorizationSlice {
  /** The latest authorization code flow, kept current by the "authorization" event. */
  authFlow: AuthorizationFlowView | null;
  startAuthorization(input: { autoExchange: boolean }): Promise<AuthorizationFlowView | null>;
  /** The paste fallback: the full URL the browser ended on. */
  completeAuthorization(redirectUrl: string): Promise<boolean>;
  cancelAuthorization(): Promise<void>;
  /** A pushed snapshot: replaces the flow it describes, or a flow started earlier. */
  applyAuthorization(flow: AuthorizationFlowView): void;
}

/** How far a flow has got; a snapshot never moves a flow backwards. */
const PROGRESS: Record<AuthorizationStatus, number> = {
  waiting: 0,
  received: 1,
  exchanging: 2,
  done: 3,
  failed: 3,
  cancelled: 3,
  'timed-out': 3,
};

/** True when `next` should replace `current` in the store. */
export function isNewerFlow(current: AuthorizationFlowView | null, next: AuthorizationFlowView) {
  if (!current) return true;
  if (current.id === next.id) return PROGRESS[next.status] >= PROGRESS[current.status];
  return next.startedAt >= current.startedAt;
}

export const createAuthorizationSlice: SliceCreator<AuthorizationSlice> = (set, get) => ({
  authFlow: null,

  applyAuthorization: (flow) =>
    set((s) => (isNewerFlow(s.authFlow, flow) ? { authFlow: flow } : {})),

  startAuthorization: async ({ autoExchange }) => {
    const profileId = get().activeProfileId;
    if (!profileId) {
      failOp(set, 'startAuthorization', NO_PROFILE);
      return null;
    }
    const r = await runOp(set, 'startAuthorization', () =>
      api().startAuthorization({ profileId, autoExchange }),
    );
    if (!r.ok) return null;
    // An event about this flow may already have arrived with a newer status: keep that one.
    get().applyAuthorization(r.value);
    return r.value;
  },

  completeAuthorization: async (redirectUrl) => {
    const flow = get().authFlow;
    const url = redirectUrl.trim();
    if (!flow) {
      failOp(set, 'completeAuthorization', {
        code: 'INVALID_INPUT',
        message: 'No authorization is waiting for a redirect.',
        fix: 'Press Authorize in browser first.',
      });
      return false;
    }
    if (!url) {
      failOp(set, 'completeAuthorization', {
        code: 'INVALID_INPUT',
        message: 'The redirect URL is empty.',
        fix: 'Copy the whole address from the browser’s address bar after the sign-in (it contains code= and state=) and paste it here.',
      });
      return false;
    }
    const r = await runOp(set, 'completeAuthorization', () =>
      api().completeAuthorization({ flowId: flow.id, redirectUrl: url }),
    );
    if (!r.ok) return false;
    get().applyAuthorization(r.value);
    return true;
  },

  cancelAuthorization: async () => {
    const flow = get().authFlow;
    if (!flow) return;
    const r = await runOp(set, 'cancelAuthorization', () =>
      api().cancelAuthorization({ flowId: flow.id }),
    );
    if (r.ok) get().applyAuthorization(r.value);
  },
});
