import { usedSteps } from './step-status.js';
import { STEPS, type StepId } from './steps.js';
import type { SliceCreator } from './types.js';

export type Theme = 'light' | 'dark';

export interface UiSlice {
  step: StepId;
  theme: Theme;
  goTo(step: StepId): void;
  /**
   * Moves to the next (1) or previous (-1) step of the rail for the active profile, skipping
   * the steps it does not use.
   */
  stepBy(delta: 1 | -1): void;
  /** The keyboard shortcuts overlay ("?") is open. */
  shortcutsOpen: boolean;
  setShortcutsOpen(open: boolean): void;
  /** Reads the saved choice or the system preference; call once at start. */
  initTheme(): void;
  toggleTheme(): void;
  /** The Settings dialog's theme: fixed, or 'system' to follow the OS again (store/settings.ts). */
  setThemeChoice(choice: Theme | 'system'): void;
}

const THEME_KEY = 'ofd-theme';

function systemTheme(): Theme {
  try {
    return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}

function savedTheme(): Theme | null {
  try {
    const v = window.localStorage.getItem(THEME_KEY);
    return v === 'dark' || v === 'light' ? v : null;
  } catch {
    return null;
  }
}

function applyTheme(theme: Theme) {
  document.documentElement.dataset.theme = theme;
}

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  step: 'profile',
  theme: 'light',
  goTo: (step) => set({ step }),
  stepBy: (delta) => {
    const state = get();
    // By rail position, so it also works from a step the profile does not use (opened before).
    const at = STEPS.findIndex((s) => s.id === state.step);
    const used = usedSteps(state).filter((s) => (STEPS.indexOf(s) - at) * delta > 0);
    const next = delta > 0 ? used[0] : used.at(-1);
    if (next) set({ step: next.id });
  },
  shortcutsOpen: false,
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
  initTheme: () => {
    const saved = savedTheme();
    if (saved) applyTheme(saved);
    set({ theme: saved ?? systemTheme() });
    // Until the user picks a theme, follow the OS as it changes (so the toggle's label stays true).
    try {
      window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener('change', () => {
        if (!savedTheme()) set({ theme: systemTheme() });
      });
    } catch {
      // No matchMedia (old engines, tests): the theme stays as read at start.
    }
  },
  toggleTheme: () => {
    const theme: Theme = get().theme === 'dark' ? 'light' : 'dark';
    applyTheme(theme);
    try {
      window.localStorage.setItem(THEME_KEY, theme);
    } catch {
      // Storage may be unavailable; the choice then lasts for this window only.
    }
    set({ theme });
    get().rememberTheme(theme);
  },
  setThemeChoice: (choice) => {
    try {
      if (choice === 'system') window.localStorage.removeItem(THEME_KEY);
      else window.localStorage.setItem(THEME_KEY, choice);
    } catch {
      // Storage may be unavailable; the engine keeps the choice (settings).
    }
    if (choice === 'system') delete document.documentElement.dataset.theme;
    else applyTheme(choice);
    set({ theme: choice === 'system' ? systemTheme() : choice });
  },
});
