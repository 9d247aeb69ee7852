import type { StateCreator } from 'zustand';
import type { OpsSlice } from './ops.js';
import type { UiSlice } from './ui.js';
import type { SessionSlice } from './session.js';
import type { ProfilesSlice } from './profiles.js';
import type { DiscoverySlice } from './discovery.js';
import type { KeysSlice } from './keys.js';
import type { AssertionSlice } from './assertion.js';
import type { TokenRequestSlice } from './token-request.js';
import type { TokensSlice } from './tokens.js';
import type { ResourceSlice } from './resource.js';
import type { InspectorSlice } from './inspector.js';
import type { TimelineSlice } from './timeline.js';
import type { RegistrationSlice } from './registration.js';
import type { AuthorizationSlice } from './authorization.js';
import type { DeviceSlice } from './device.js';
import type { WorkspaceSlice } from './workspace.js';
import type { TeachingSlice } from './teaching.js';
import type { BreakItSlice } from './break-it.js';
import type { PracticeSlice } from './practice.js';
import type { SettingsSlice } from './settings.js';

export type AppState = OpsSlice &
  UiSlice &
  SessionSlice &
  ProfilesSlice &
  DiscoverySlice &
  KeysSlice &
  AssertionSlice &
  TokenRequestSlice &
  TokensSlice &
  ResourceSlice &
  InspectorSlice &
  TimelineSlice &
  RegistrationSlice &
  AuthorizationSlice &
  DeviceSlice &
  WorkspaceSlice &
  TeachingSlice &
  BreakItSlice &
  PracticeSlice &
  SettingsSlice;

export type SliceCreator<T> = StateCreator<AppState, [], [], T>;
