import type { AppError } from '../../../shared/result.js';
import type {
  ImportConflictChoice,
  ProfileImportInput,
  ProfileInput,
  ProfileView,
} from '../../../shared/types.js';
import { api } from './bridge.js';
import { failOp, runOp } from './ops.js';
import { PROFILE_OPS } from './step-status.js';
import { upsert } from './util.js';
import type { AppState, SliceCreator } from './types.js';

/** An import held back because it matches a profile here: the user renames, replaces or cancels. */
export interface ImportConflict {
  message: string;
  conflict: NonNullable<AppError['conflict']>;
}

/** What importProfile ended in: saved, held back for a conflict, or refused (the op's error). */
export type ImportOutcome = 'imported' | 'conflict' | 'failed';

export interface ProfilesSlice {
  profiles: ProfileView[];
  activeProfileId: string | null;
  exportedProfile: { profileId: string; json: string } | null;
  /** The import waiting for Rename / Replace / Cancel. */
  importConflict: ImportConflict | null;
  /** The profile deleted last, which Undo brings back (this session only). */
  lastDeleted: { undoId: string; name: string } | null;
  /** Where Save to file… wrote the profile (desktop). */
  savedProfileFile: { profileId: string; path: string; clientSecret: boolean } | null;
  /** Siblings updated by Apply to the other environments. */
  appliedToEnvironments: { profileId: string; names: string[] } | null;
  selectProfile(id: string | null): void;
  saveProfile(input: ProfileInput): Promise<ProfileView | null>;
  deleteProfile(id: string): Promise<void>;
  restoreProfile(): Promise<void>;
  dismissUndo(): void;
  duplicateProfile(id: string): Promise<void>;
  exportProfile(id: string): Promise<void>;
  /** Desktop: the main process's save dialog. */
  saveProfileFile(id: string, includeSecret: boolean): Promise<void>;
  /** Text (pasted or read from a file input), or { dialog: true } on the desktop. */
  importProfile(input: string | ProfileImportInput): Promise<ImportOutcome>;
  resolveImportConflict(choice: Exclude<ImportConflictChoice, 'ask'> | 'cancel'): Promise<void>;
  applyToEnvironments(id: string): Promise<void>;
}

/** State that belongs to one profile's run and is cleared when another profile is chosen. */
const PER_PROFILE_RESET: Partial<AppState> = {
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
  draftOverrides: undefined,
};

/**
 * What switching to another profile resets: its results (PER_PROFILE_RESET) and the errors of
 * the calls made for the profile left, so no failed attempt of one profile shows on another.
 */
export function perProfileReset(s: AppState): Partial<AppState> {
  const ops = { ...s.ops };
  for (const k of PROFILE_OPS) if (ops[k] && !ops[k].busy) delete ops[k];
  return { ...PER_PROFILE_RESET, ops };
}

export const createProfilesSlice: SliceCreator<ProfilesSlice> = (set, get) => {
  /** A saved import becomes the active profile. */
  const activate = (view: ProfileView) =>
    set((s) => ({
      ...perProfileReset(s),
      profiles: upsert(s.profiles, view),
      activeProfileId: view.id,
      importConflict: null,
    }));

  return {
    profiles: [],
    activeProfileId: null,
    exportedProfile: null,
    importConflict: null,
    lastDeleted: null,
    savedProfileFile: null,
    appliedToEnvironments: null,

    selectProfile: (id) => {
      if (id === get().activeProfileId) return;
      set((s) => ({ ...perProfileReset(s), activeProfileId: id }));
    },

    saveProfile: async (input) => {
      const r = await runOp(set, 'saveProfile', () => api().saveProfile(input));
      if (!r.ok) return null;
      const switching = r.value.id !== get().activeProfileId;
      set((s) => ({
        ...(switching ? perProfileReset(s) : {}),
        profiles: upsert(s.profiles, r.value),
        activeProfileId: r.value.id,
      }));
      return r.value;
    },

    deleteProfile: async (id) => {
      const name = get().profiles.find((p) => p.id === id)?.name ?? id;
      const r = await runOp(set, 'deleteProfile', () => api().deleteProfile(id));
      if (!r.ok) return;
      set((s) => {
        const profiles = s.profiles.filter((p) => p.id !== id);
        const lastDeleted = { undoId: r.value.undoId, name };
        if (s.activeProfileId !== id) return { profiles, lastDeleted };
        return {
          ...perProfileReset(s),
          profiles,
          lastDeleted,
          activeProfileId: profiles[0]?.id ?? null,
        };
      });
    },

    restoreProfile: async () => {
      const held = get().lastDeleted;
      if (!held) return;
      const r = await runOp(set, 'restoreProfile', () =>
        api().restoreProfile({ undoId: held.undoId }),
      );
      if (!r.ok) return;
      set((s) => ({
        ...perProfileReset(s),
        profiles: upsert(s.profiles, r.value),
        activeProfileId: r.value.id,
        lastDeleted: null,
      }));
    },

    dismissUndo: () => set({ lastDeleted: null }),

    duplicateProfile: async (id) => {
      const r = await runOp(set, 'duplicateProfile', () =>
        api().duplicateProfile({ profileId: id }),
      );
      if (r.ok) activate(r.value);
    },

    exportProfile: async (id) => {
      const r = await runOp(set, 'exportProfile', () => api().exportProfile(id));
      if (r.ok) set({ exportedProfile: { profileId: id, json: r.value.json } });
    },

    saveProfileFile: async (id, includeSecret) => {
      const r = await runOp(set, 'exportProfileFile', () =>
        api().exportProfileFile({ profileId: id, dialog: true, includeSecret }),
      );
      if (r.ok) set({ savedProfileFile: { profileId: id, ...r.value } });
    },

    importProfile: async (input) => {
      set({ importConflict: null });
      const r = await runOp(set, 'importProfile', () => api().importProfile(input));
      if (r.ok) {
        activate(r.value);
        return 'imported';
      }
      if (r.error.code === 'CONFLICT' && r.error.conflict) {
        // Not a failure: a question. The conflict card asks it instead of an error alert.
        failOp(set, 'importProfile', null);
        set({ importConflict: { message: r.error.message, conflict: r.error.conflict } });
        return 'conflict';
      }
      return 'failed';
    },

    resolveImportConflict: async (choice) => {
      const held = get().importConflict;
      if (!held) return;
      if (choice === 'cancel') {
        set({ importConflict: null });
        return;
      }
      await get().importProfile({ pendingId: held.conflict.pendingId, onConflict: choice });
    },

    applyToEnvironments: async (id) => {
      const r = await runOp(set, 'applyToEnvironments', () =>
        api().applyToEnvironments({ profileId: id }),
      );
      if (!r.ok) return;
      set((s) => ({
        profiles: r.value.updated.reduce(upsert, s.profiles),
        appliedToEnvironments: { profileId: id, names: r.value.updated.map((p) => p.name) },
      }));
    },
  };
};
