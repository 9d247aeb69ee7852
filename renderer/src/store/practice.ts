import type { AppError } from '../../../shared/result.js';
import type { PracticeFlavour, PracticeServerView } from '../../../shared/types.js';
import { api } from './bridge.js';
import { perProfileReset } from './profiles.js';
import type { SliceCreator } from './types.js';
import { upsert } from './util.js';

/**
 * The practice server (issue 12 §1): started from the Profile step, it creates ready profiles in
 * the workspace; the first one becomes the active profile. Its busy flag and last error live here.
 */
export interface PracticeSlice {
  practice: PracticeServerView | null;
  practiceFlavour: PracticeFlavour;
  practiceBusy: boolean;
  practiceError: AppError | null;
  setPracticeFlavour(flavour: PracticeFlavour): void;
  /** Reads whether one runs (after a reload of the page, the engine may still run it). */
  loadPractice(): Promise<void>;
  startPractice(): Promise<PracticeServerView | null>;
  /** Stops it; the profiles it created stay. */
  stopPractice(): Promise<void>;
  dismissPracticeError(): void;
}

export const createPracticeSlice: SliceCreator<PracticeSlice> = (set, get) => {
  /** One call: busy while it runs, its error kept (a thrown one too) for the panel to show. */
  async function call<T>(
    fn: () => Promise<{ ok: true; value: T } | { ok: false; error: AppError }>,
  ): Promise<T | null> {
    set({ practiceBusy: true, practiceError: null });
    try {
      const r = await fn();
      set({ practiceBusy: false, practiceError: r.ok ? null : r.error });
      return r.ok ? r.value : null;
    } catch (e) {
      set({
        practiceBusy: false,
        practiceError: {
          code: 'INTERNAL',
          message: e instanceof Error ? e.message : String(e),
          fix: 'This is a bug in the debugger; try again, or start it with oauth-flow-debugger demo.',
        },
      });
      return null;
    }
  }

  return {
    practice: null,
    practiceFlavour: 'standard',
    practiceBusy: false,
    practiceError: null,
    setPracticeFlavour: (flavour) => set({ practiceFlavour: flavour }),
    dismissPracticeError: () => set({ practiceError: null }),

    loadPractice: async () => {
      const r = await api()
        .getPracticeServer()
        .catch(() => null);
      if (r?.ok) set({ practice: r.value.server });
    },

    startPractice: async () => {
      const view = await call(() => api().startPracticeServer({ flavour: get().practiceFlavour }));
      if (!view) return null;
      // Its keys were imported into the keyring: the Keys step lists them.
      const keys = await api()
        .listKeys()
        .catch(() => null);
      const first = view.profiles[0];
      set((s) => ({
        practice: view,
        profiles: view.profiles.reduce((list, p) => upsert(list, p), s.profiles),
        ...(keys?.ok ? { keys: keys.value, jwks: null } : {}),
        ...(first && first.id !== s.activeProfileId
          ? { ...perProfileReset(s), activeProfileId: first.id }
          : {}),
      }));
      return view;
    },

    stopPractice: async () => {
      const r = await call(() => api().stopPracticeServer());
      if (r) set({ practice: null });
    },
  };
};
