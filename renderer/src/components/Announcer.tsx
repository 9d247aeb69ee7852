import { useEffect, useRef } from 'react';
import { useApp } from '../store/index.js';
import { watchActions } from './use-result-focus.js';

/**
 * The page's polite live region: the outcome of each action ("Send request: 3 findings. First:
 * …"), said once by screen readers without moving them. Watches the store (see watchActions),
 * so the steps need no code of their own.
 */
export function Announcer() {
  const region = useRef<HTMLDivElement>(null);
  useEffect(
    () =>
      watchActions(useApp, (text) => {
        const el = region.current;
        if (!el) return;
        // A new node each time, so the same words said twice (Send, Send) are read twice.
        const line = document.createElement('p');
        line.textContent = text;
        el.replaceChildren(line);
      }),
    [],
  );
  return (
    <div
      ref={region}
      className="sr-only"
      role="status"
      aria-live="polite"
      aria-atomic="true"
      aria-label="Announcements"
    />
  );
}
