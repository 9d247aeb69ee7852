import type { AppError, Result } from '../../../shared/result.js';
import type {
  AppSettings,
  AppSettingsInput,
  ProfileInput,
  ProfileView,
} from '../../../shared/types.js';
import { api } from './bridge.js';
import type { SliceCreator } from './types.js';
import { upsert } from './util.js';

/**
 * App settings (issue 13): timeout, clock-skew tolerance, proxy and theme, read from the engine
 * once the bridge is up, and saved from the Settings dialog; the per-profile part (TLS trust, a
 * timeout override) is saved with saveProfile. The theme choice is the engine's too: the header's
 * toggle saves it (rememberTheme), and a choice made before settings existed is adopted.
 */
export interface SettingsSlice {
  appSettings: AppSettings | null;
  settingsBusy: boolean;
  /** The last failed settings or profile save, for the dialog to show at its place. */
  settingsError: { where: 'app' | 'profile'; error: AppError } | null;
  loadSettings(): Promise<void>;
  /** Saves the app settings and, when given, the profile's TLS and timeout; true when all saved. */
  saveSettingsAndProfile(app: AppSettingsInput, profile?: ProfileInput): Promise<boolean>;
  /** The header's theme toggle: remembered as the theme setting (failures leave the toggle as is). */
  rememberTheme(theme: 'light' | 'dark'): void;
  dismissSettingsError(): void;
}

const thrown = (e: unknown): AppError => ({
  code: 'INTERNAL',
  message: e instanceof Error ? e.message : String(e),
  fix: 'Try again; if it keeps failing, restart the app.',
});

async function attempt<T>(fn: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await fn();
  } catch (e) {
    return { ok: false, error: thrown(e) };
  }
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => ({
  appSettings: null,
  settingsBusy: false,
  settingsError: null,

  loadSettings: async () => {
    const r = await attempt(() => api().getSettings());
    if (!r.ok) return set({ settingsError: { where: 'app', error: r.error } });
    set({ appSettings: r.value });
    const local = localThemeChoice();
    if (r.value.theme === 'system' && local) get().rememberTheme(local);
    else get().setThemeChoice(r.value.theme);
  },

  saveSettingsAndProfile: async (app, profile) => {
    set({ settingsBusy: true, settingsError: null });
    const r = await attempt(() => api().saveSettings(app));
    if (!r.ok) {
      set({ settingsBusy: false, settingsError: { where: 'app', error: r.error } });
      return false;
    }
    set({ appSettings: r.value });
    get().setThemeChoice(r.value.theme);
    if (profile) {
      const p = await attempt<ProfileView>(() => api().saveProfile(profile));
      if (!p.ok) {
        set({ settingsBusy: false, settingsError: { where: 'profile', error: p.error } });
        return false;
      }
      set((s) => ({ profiles: upsert(s.profiles, p.value) }));
    }
    set({ settingsBusy: false });
    return true;
  },

  rememberTheme: (theme) => {
    void attempt(() => api().saveSettings({ theme })).then((r) => {
      if (r.ok) set({ appSettings: r.value });
    });
  },

  dismissSettingsError: () => set({ settingsError: null }),
});

/** The theme picked with the toggle before the engine kept it (ui.ts keeps it in localStorage). */
function localThemeChoice(): 'light' | 'dark' | null {
  try {
    const v = window.localStorage.getItem('ofd-theme');
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}
