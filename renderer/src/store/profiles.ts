import type { ProfileInput, ProfileView } from '../../../shared/types.js';
import { api } from './bridge.js';
import { runOp } from './ops.js';
import { upsert } from './util.js';
import type { AppState, SliceCreator } from './types.js';

export interface ProfilesSlice {
  profiles: ProfileView[];
  activeProfileId: string | null;
  exportedProfile: { profileId: string; json: string } | null;
  selectProfile(id: string | null): void;
  saveProfile(input: ProfileInput): Promise<ProfileView | null>;
  deleteProfile(id: string): Promise<void>;
  exportProfile(id: string): Promise<void>;
  importProfile(json: string): Promise<boolean>;
}

/** State that belongs to one profile's run and is cleared when another profile is chosen. */
export const PER_PROFILE_RESET: Partial<AppState> = {
  discovery: null,
  assertion: null,
  headerText: '',
  claimsText: '',
  overrides: undefined,
  editError: null,
  revealedAssertion: null,
  draft: null,
  draftUrl: '',
  draftHeaders: [],
  draftParams: [],
  tokenResult: null,
  tokenGrant: null,
  resource: null,
  exportedProfile: null,
  registrationDraft: null,
  registrationText: '',
  registrationUrl: '',
  registrationResult: null,
  tokenOp: null,
};

export const createProfilesSlice: SliceCreator<ProfilesSlice> = (set, get) => ({
  profiles: [],
  activeProfileId: null,
  exportedProfile: null,

  selectProfile: (id) => {
    if (id === get().activeProfileId) return;
    set({ ...PER_PROFILE_RESET, activeProfileId: id });
  },

  saveProfile: async (input) => {
    const r = await runOp(set, 'saveProfile', () => api().saveProfile(input));
    if (!r.ok) return null;
    const switching = r.value.id !== get().activeProfileId;
    set((s) => ({
      ...(switching ? PER_PROFILE_RESET : {}),
      profiles: upsert(s.profiles, r.value),
      activeProfileId: r.value.id,
    }));
    return r.value;
  },

  deleteProfile: async (id) => {
    const r = await runOp(set, 'deleteProfile', () => api().deleteProfile(id));
    if (!r.ok) return;
    set((s) => {
      const profiles = s.profiles.filter((p) => p.id !== id);
      if (s.activeProfileId !== id) return { profiles };
      return { ...PER_PROFILE_RESET, profiles, activeProfileId: profiles[0]?.id ?? null };
    });
  },

  exportProfile: async (id) => {
    const r = await runOp(set, 'exportProfile', () => api().exportProfile(id));
    if (r.ok) set({ exportedProfile: { profileId: id, json: r.value.json } });
  },

  importProfile: async (json) => {
    const r = await runOp(set, 'importProfile', () => api().importProfile(json));
    if (!r.ok) return false;
    set((s) => ({
      ...PER_PROFILE_RESET,
      profiles: upsert(s.profiles, r.value),
      activeProfileId: r.value.id,
    }));
    return true;
  },
});
