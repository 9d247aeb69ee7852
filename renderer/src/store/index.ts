import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ProfileView } from '../../../shared/types.js';
import { setBridge } from './bridge.js';
import { IDLE, type OpKey, type OpState, type OpsSlice } from './ops.js';
import type { AppState, SliceCreator } from './types.js';
import { createUiSlice } from './ui.js';
import { createSessionSlice } from './session.js';
import { createProfilesSlice } from './profiles.js';
import { createDiscoverySlice } from './discovery.js';
import { createKeysSlice } from './keys.js';
import { createAssertionSlice } from './assertion.js';
import { createTokenRequestSlice } from './token-request.js';
import { createTokensSlice } from './tokens.js';
import { createResourceSlice } from './resource.js';
import { createInspectorSlice } from './inspector.js';
import { createTimelineSlice } from './timeline.js';
import { createRegistrationSlice } from './registration.js';
import { createAuthorizationSlice } from './authorization.js';
import { createDeviceSlice } from './device.js';
import { createWorkspaceSlice } from './workspace.js';
import { createTeachingSlice } from './teaching.js';
import { createBreakItSlice } from './break-it.js';
import { createPracticeSlice } from './practice.js';
import { createSettingsSlice } from './settings.js';

export type { AppState } from './types.js';
export type { OpKey, OpState } from './ops.js';

const createOpsSlice: SliceCreator<OpsSlice> = (set) => ({
  ops: {},
  dismissError: (key) =>
    set((s) => ({ ops: { ...s.ops, [key]: { busy: s.ops[key]?.busy ?? false, error: null } } })),
});

/** The one store of the renderer: state and the actions that call the engine live together. */
export const useApp = create<AppState>()((...a) => ({
  ...createOpsSlice(...a),
  ...createUiSlice(...a),
  ...createSessionSlice(...a),
  ...createProfilesSlice(...a),
  ...createDiscoverySlice(...a),
  ...createKeysSlice(...a),
  ...createAssertionSlice(...a),
  ...createTokenRequestSlice(...a),
  ...createTokensSlice(...a),
  ...createResourceSlice(...a),
  ...createInspectorSlice(...a),
  ...createTimelineSlice(...a),
  ...createRegistrationSlice(...a),
  ...createAuthorizationSlice(...a),
  ...createDeviceSlice(...a),
  ...createWorkspaceSlice(...a),
  ...createTeachingSlice(...a),
  ...createBreakItSlice(...a),
  ...createPracticeSlice(...a),
  ...createSettingsSlice(...a),
}));

const initialState = useApp.getState();

/** Back to the first-start state, disconnected from any bridge (tests). */
export function resetApp(): void {
  setBridge(null);
  useApp.setState(initialState, true);
}

// ---- narrow selectors ----

/** Busy flag and last error of one operation. */
export const useOp = (key: OpKey): OpState => useApp((s) => s.ops[key] ?? IDLE);

const selectActiveProfile = (s: AppState): ProfileView | null =>
  s.profiles.find((p) => p.id === s.activeProfileId) ?? null;

export const useActiveProfile = (): ProfileView | null => useApp(selectActiveProfile);

/** The latest authorization flow of the active profile. */
export const useAuthFlow = () =>
  useApp((s) => (s.authFlow && s.authFlow.profileId === s.activeProfileId ? s.authFlow : null));

/** The latest device authorization (RFC 8628) of the active profile. */
export const useDeviceFlow = () =>
  useApp((s) =>
    s.deviceFlow && s.deviceFlow.profileId === s.activeProfileId ? s.deviceFlow : null,
  );

/** Actions never change, so a component can take several without re-rendering. */
export function useActions<K extends keyof AppState>(...keys: K[]): Pick<AppState, K> {
  return useApp(
    useShallow((s) => Object.fromEntries(keys.map((k) => [k, s[k]])) as Pick<AppState, K>),
  );
}
