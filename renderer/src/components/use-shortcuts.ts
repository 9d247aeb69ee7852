import { useEffect } from 'react';
import { useApp } from '../store/index.js';
import { isTextEntry, markShortcutTrigger } from './use-result-focus.js';

/** True on macOS, where ⌘ stands in for Ctrl and Option for Alt. */
export const IS_MAC =
  typeof navigator !== 'undefined' &&
  /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** The region of the step on screen (its h2 is `step-<id>-title`). */
export function stepRegion(step: string): HTMLElement | null {
  return document.getElementById(`step-${step}-title`)?.closest('section') ?? null;
}

/**
 * The step's primary action: a `[data-primary]` button if a step marks one, else the last
 * enabled primary button of the step (steps offer Prepare, then Send: the last is the next thing
 * to do), outside dialogs.
 */
export function primaryAction(region: Element | null): HTMLButtonElement | null {
  if (!region) return null;
  const usable = (b: HTMLButtonElement) =>
    !b.disabled && !b.closest('[role="dialog"], [hidden], [inert]');
  const marked = [...region.querySelectorAll<HTMLElement>('[data-primary]')]
    .map((el) => (el instanceof HTMLButtonElement ? el : el.querySelector('button')))
    .filter((b): b is HTMLButtonElement => !!b && usable(b));
  if (marked[0]) return marked[0];
  const primary = [...region.querySelectorAll<HTMLButtonElement>('button.btn-primary')].filter(
    usable,
  );
  return primary.at(-1) ?? null;
}

/**
 * The app's keyboard shortcuts (listed in ShortcutsHelp): Ctrl+Enter or ⌘+Enter runs the step's
 * primary action (also from a text field, which then keeps focus); Alt+↓ / Alt+↑ go to the next
 * / previous step (not in text fields, where Option+arrows move the caret on macOS, nor in
 * selects, where Alt+↓ opens the list); "?" outside text fields lists them. None is taken by
 * browsers or screen readers (NVDA and JAWS use Insert/CapsLock, VoiceOver Ctrl+Option).
 */
export function useShortcuts(): void {
  const stepBy = useApp((s) => s.stepBy);
  const setShortcutsOpen = useApp((s) => s.setShortcutsOpen);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      // A dialog (the glossary, this list) has its own keys.
      if (document.querySelector('[aria-modal="true"]')) return;
      const target = e.target instanceof Element ? e.target : null;
      const typing = isTextEntry(target);
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        const button = primaryAction(stepRegion(useApp.getState().step));
        if (!button) return;
        e.preventDefault();
        markShortcutTrigger(button, typing);
        button.click();
        return;
      }
      if (
        (e.key === 'ArrowDown' || e.key === 'ArrowUp') &&
        e.altKey &&
        !e.ctrlKey &&
        !e.metaKey &&
        !e.shiftKey
      ) {
        if (typing) return;
        e.preventDefault();
        stepBy(e.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing) {
        e.preventDefault();
        setShortcutsOpen(true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [stepBy, setShortcutsOpen]);
}
