/** The contract's types for sending requests (issue 13); shared/types.ts re-exports them. */
import type { Finding } from './diagnosis/codes.js';
import type { AssertionView } from './types.js';

/** The client assertion a Send carried: a fresh one per Send, or the draft's own when pinned. */
export interface SentAssertion {
  view: AssertionView;
  /** True: the pinned assertion was re-sent as it is (same jti, iat, exp). */
  pinned: boolean;
}

/** The pre-flight of a draft as Send would run it now, with the user's edits (nothing is sent). */
export interface TokenRequestCheck {
  preflight: Finding[];
  /** The assertion Send would carry (fresh unless pinned); absent without one. */
  assertion?: SentAssertion;
}
