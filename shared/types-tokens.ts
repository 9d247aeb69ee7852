/** The contract's types for the held tokens' server status (issue 13); shared/types.ts re-exports them. */

/** What the server last said of a held token. */
export type TokenServerState = 'active' | 'inactive' | 'revoked' | 'unknown';

/**
 * A held token's status as re-checked after a revoke or a failed use: by introspection (RFC 7662)
 * when the server has an endpoint for it, else unknown (never "valid" by the local clock alone).
 */
export interface TokenServerStatus {
  state: TokenServerState;
  /** The badge words: "revoked (server)", "inactive (server)", "active (server)", "unknown since the revoke". */
  label: string;
  /** What the status rests on, e.g. "introspection said active: false" (the time is `at`). */
  basis: string;
  /** ISO time of the check. */
  at: string;
  /** What caused the re-check. */
  after: 'revoke' | 'failed-use';
  /** The introspection exchange in the timeline, when one was made. */
  exchangeId?: string;
  /** More context, e.g. RFC 7009 §2.1 on revoking related tokens. */
  note?: string;
}

/** Re-checked statuses of the held access and refresh tokens. */
export type TokenStatuses = Partial<Record<'access_token' | 'refresh_token', TokenServerStatus>>;
