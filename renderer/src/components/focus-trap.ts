import type { KeyboardEvent } from 'react';

/** What Tab can reach inside a dialog (disabled controls are skipped, as the browser does). */
const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex="0"]';

/**
 * Tab from the last control goes to the first (and Shift+Tab back): a modal dialog keeps the
 * focus. Call it from the dialog's onKeyDown when the key is Tab.
 */
export function keepFocusInside(e: KeyboardEvent<HTMLElement>) {
  const all = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = all[0];
  const last = all.at(-1);
  if (!first || !last) return;
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}
