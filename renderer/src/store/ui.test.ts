import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetApp, useApp } from './index.js';

describe('theme', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    window.localStorage.clear();
    resetApp();
  });

  it('follows the OS preference while the user has not chosen, so the toggle label stays true', () => {
    let dark = false;
    const listeners: (() => void)[] = [];
    vi.stubGlobal('matchMedia', (q: string) => ({
      media: q,
      get matches() {
        return dark;
      },
      addEventListener: (_: string, l: () => void) => listeners.push(l),
    }));
    useApp.getState().initTheme();
    expect(useApp.getState().theme).toBe('light');
    dark = true;
    listeners.forEach((l) => l());
    expect(useApp.getState().theme).toBe('dark');
    useApp.getState().toggleTheme();
    expect(useApp.getState().theme).toBe('light');
    listeners.forEach((l) => l());
    expect(useApp.getState().theme).toBe('light');
  });
});
