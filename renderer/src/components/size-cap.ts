import type { ClipboardEvent } from 'react';

/**
 * The longest token the Tokens step decodes: the engine's cap on a JWT (MAX_JWT_CHARS in
 * shared/jwt-view.ts) and on any pasted text (MAX_TEXT in shared/api/inputs.ts), both 256 KB.
 * Kept here so the page does not load jose or zod for one number; size-limits.test.tsx checks
 * that the three agree.
 */
export const MAX_TOKEN_PASTE = 256 * 1024;

/** A size as a person reads it: "8.0 MB", "300 KB". */
export function sizeText(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** What to do with evidence over its cap (a HAR is the usual one). */
export const EVIDENCE_FIX =
  'Save only the failing requests (DevTools: right-click the request → Copy → Copy as HAR), or open the file from disk with Open files… to see its size before it is read.';

/** What to do with a token over its cap. */
export const TOKEN_FIX =
  'Paste the token itself (a few KB), not the response, log or HAR that holds it; for a file, save only the failing requests and open it from disk in the Inspector.';

/** "Not added: 8.0 MB is more than the 1536 KB <what> may hold. <fix>" */
export function overCapMessage(size: number, cap: number, what: string, fix: string): string {
  return `Not added: ${sizeText(size)} is more than the ${cap / 1024} KB ${what} may hold. ${fix}`;
}

/**
 * A paste handler (on the box or a parent, capture phase) that measures the pasted text before
 * the browser puts it into the box: megabytes in a textarea freeze the page. Over the cap the
 * paste is cancelled and `refuse` gets its size; the box keeps what it had.
 */
export function refuseLongPaste(cap: number, refuse: (size: number) => void) {
  return (e: ClipboardEvent<HTMLElement>) => {
    const size = e.clipboardData.getData('text').length;
    if (size > cap) {
      e.preventDefault();
      refuse(size);
    }
  };
}
