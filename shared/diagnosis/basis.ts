import type { Basis } from './codes.js';

const WORDS: Record<Basis, string> = {
  server: 'The server said',
  check: 'Checked here',
  history: 'Earlier in this run',
  vendor: 'Known for this vendor',
  inference: 'Inferred',
};

/** What each basis means, for a tooltip or a legend. */
export const BASIS_MEANING: Record<Basis, string> = {
  server:
    "The server's own words: its error code, error_description, a vendor code, its WWW-Authenticate challenge or error page.",
  check:
    'Verified here: the request, the assertion, the signature, PKCE or the redirect, checked by this app.',
  history: 'Earlier in this run (or in the HAR): a jti, code or refresh token used before.',
  vendor: 'What this vendor documents: its setup steps, its catch-all answers and what they cover.',
  inference:
    'A guess: the server gave no reason, so the likely causes are ranked from what was sent.',
};

/** How a basis reads in the UI, CLI and report ("the server said…", "checked here…"). */
export function basisWords(b: Basis, where: 'run' | 'evidence' = 'run'): string {
  return b === 'history' && where === 'evidence' ? 'Earlier in the evidence' : WORDS[b];
}
