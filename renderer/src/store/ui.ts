import type { StepId } from './steps.js';
import type { SliceCreator } from './types.js';

export type Theme = 'light' | 'dark';

export interface UiSlice {
  step: StepId;
  theme: Theme;
  goTo(step: StepId): void;
  /** Reads the saved choice or the system preference; call once at start. */
  initTheme(): void;
  toggleTheme(): void;
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
  },
});
