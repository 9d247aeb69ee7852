import { useEffect, useId, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useApp } from '../store/index.js';
import { IS_MAC } from './use-shortcuts.js';
import { keepFocusInside } from './focus-trap.js';

const MOD = IS_MAC ? '⌘' : 'Ctrl';
const ALT = IS_MAC ? 'Option' : 'Alt';

/** The shortcuts, as shown: keys (each a <kbd>) and what they do. */
export const SHORTCUTS: { keys: string[]; what: string }[] = [
  {
    keys: [MOD, 'Enter'],
    what: 'Run the step’s main action (Send, Discover, Build assertion…), also from a text field',
  },
  { keys: [ALT, '↓'], what: 'Next step' },
  { keys: [ALT, '↑'], what: 'Previous step' },
  { keys: ['↑', '↓'], what: 'In the step rail: move between the steps (Enter opens one)' },
  { keys: ['?'], what: 'Show this list (outside text fields)' },
  { keys: ['Tab'], what: 'From the top of the page: “Skip to the step”, then Enter' },
  { keys: ['Escape'], what: 'Close a dialog (this list, the glossary)' },
];

/** The "?" overlay: a modal dialog listing the keyboard shortcuts; focus returns on close. */
export function ShortcutsHelp() {
  const open = useApp((s) => s.shortcutsOpen);
  const setOpen = useApp((s) => s.setShortcutsOpen);
  const titleId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (open) {
      const active = document.activeElement;
      returnTo.current = active instanceof HTMLElement && active !== document.body ? active : null;
      closeRef.current?.focus();
    } else if (returnTo.current) {
      if (returnTo.current.isConnected) returnTo.current.focus();
      returnTo.current = null;
    }
  }, [open]);
  if (!open) return null;
  return createPortal(
    <div
      className="shortcuts-overlay"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          setOpen(false);
        }
        if (e.key === 'Tab') keepFocusInside(e);
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) setOpen(false);
      }}
    >
      <div role="dialog" aria-modal="true" aria-labelledby={titleId} className="shortcuts-dialog">
        <div className="shortcuts-header">
          <h2 id={titleId}>Keyboard shortcuts</h2>
          <button
            ref={closeRef}
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => setOpen(false)}
          >
            Close
          </button>
        </div>
        <table className="table shortcuts-table">
          <caption className="sr-only">Keyboard shortcuts</caption>
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">Does</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.what}>
                <td className="shortcuts-keys">
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && ' + '}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </td>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>,
    document.body,
  );
}
