import type { CauseCode, Finding } from '../../../shared/diagnosis/codes.js';
import type { GrantType } from '../../../shared/types.js';
import type { Core } from '../core.js';
import type { Draft, PendingCode, StoredProfile } from '../model.js';
import type { HeldTokens } from '../token-set.js';

/** What a grant module is handed to build its parameters. */
export interface GrantInput {
  c: Core;
  p: StoredProfile;
  /** refresh_token: a token given by the caller (the CLI) instead of the held one. */
  refreshToken?: string;
  /** The device_code of the device authorization being polled (RFC 8628 §3.4). */
  deviceCode?: string;
}

/** A grant's parameters; secret values sit behind {{placeholders}} in `fill`. */
export interface GrantParams {
  params: [string, string][];
  fill: Map<string, string>;
  /** Pre-flight findings of the grant itself (a code already used, the password grant…). */
  notes: Finding[];
  /** authorization_code: the code being redeemed (what is sent is compared with it). */
  pending?: PendingCode;
}

/** What the engine knows when the server has answered a request of this grant. */
export interface AnswerInput {
  c: Core;
  draft: Draft;
  /** Parameters as sent, secrets filled in. */
  sent: [string, string][];
  /** The answer carried an access token. */
  ok: boolean;
  error?: string;
  /** What the server said, in one line. */
  said: string;
  /** authorization_code: the code had been sent before this request. */
  wasRedeemed: boolean;
}

/**
 * One grant type: its parameters, its checks of what is sent, what the engine adds to the
 * diagnosis of an answer, and how its tokens are read. The token request, the diagnosis and
 * registration take everything grant-specific from here (electron/core/grants/index.ts).
 */
export interface GrantHandler {
  readonly grant: GrantType;
  /** Label of the exchange in the timeline. */
  readonly step: string;
  /** Parameter names whose values are secrets even when typed in by hand. */
  readonly secretParams: readonly string[];
  /** RFC 7591 grant_types and response_types registered for a client of this flow. */
  readonly registers?: { grantTypes: string[]; responseTypes: string[] };
  params(x: GrantInput): Promise<GrantParams>;
  /** Checks of the request as finally sent (after the user's edits). */
  sendChecks?(sent: [string, string][]): Finding[];
  /** The engine's own findings about an answer (the authorization, earlier uses of a token). */
  answerFindings?(x: AnswerInput): Finding[];
  /** Causes compared here and found fine, so no candidate of the diagnosis. */
  ruledOut?(x: { draft: Draft; sent: [string, string][] }): CauseCode[];
  /**
   * An answer that is not a result yet (RFC 8628 authorization_pending, slow_down): not recorded
   * in the run's history of token requests, and the caller asks again.
   */
  interim?(error: string | undefined): boolean;
  /** The scope asked for, to compare with the granted one when none was sent. */
  requestedScope(p: StoredProfile, prev: HeldTokens | undefined): string;
  /** A refresh token is to be expected when offline access was asked for. */
  readonly refreshExpected: boolean;
}
