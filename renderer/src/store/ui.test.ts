import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetApp, useApp } from './index.js';
import { usedSteps } from './step-status.js';
import { STEPS } from './steps.js';

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

describe('next and previous step', () => {
  afterEach(() => resetApp());

  it('moves through the steps the profile uses, in rail order, and stops at the ends', () => {
    const order = usedSteps(useApp.getState()).map((s) => s.id);
    // No profile: neither sign-in step is used.
    expect(order).not.toContain('authorize');
    expect(order).not.toContain('device');
    const seen = [useApp.getState().step];
    for (let i = 0; i < order.length + 2; i++) {
      useApp.getState().stepBy(1);
      if (useApp.getState().step !== seen.at(-1)) seen.push(useApp.getState().step);
    }
    expect(seen).toEqual(order);
    useApp.getState().stepBy(-1);
    expect(useApp.getState().step).toBe(order.at(-2));
    useApp.getState().goTo(order[0]!);
    useApp.getState().stepBy(-1);
    expect(useApp.getState().step).toBe(order[0]);
  });

  it('from a step the profile does not use, goes to its used neighbours in the rail', () => {
    const at = STEPS.findIndex((s) => s.id === 'device');
    const used = usedSteps(useApp.getState());
    const after = used.find((s) => STEPS.indexOf(s) > at)!;
    const before = used.filter((s) => STEPS.indexOf(s) < at).at(-1)!;
    useApp.getState().goTo('device');
    useApp.getState().stepBy(1);
    expect(useApp.getState().step).toBe(after.id);
    useApp.getState().goTo('device');
    useApp.getState().stepBy(-1);
    expect(useApp.getState().step).toBe(before.id);
    expect(after.id).not.toBe('authorize');
    expect(before.id).not.toBe('authorize');
  });

  it('opens and closes the shortcuts overlay', () => {
    expect(useApp.getState().shortcutsOpen).toBe(false);
    useApp.getState().setShortcutsOpen(true);
    expect(useApp.getState().shortcutsOpen).toBe(true);
    useApp.getState().setShortcutsOpen(false);
    expect(useApp.getState().shortcutsOpen).toBe(false);
  });
});
