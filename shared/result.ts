/** Stable error codes that cross the contract. The UI branches on these, never on message text. */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'JWT_MALFORMED'
  | 'KEY_INVALID'
  | 'JWKS_INVALID'
  | 'JSON_INVALID'
  | 'PROFILE_INVALID'
  | 'FILE_ERROR'
  /** The target file exists and was left as it is (a key is never overwritten without asking). */
  | 'FILE_EXISTS'
  /** A port on this machine is taken by another program (JWKS host, loopback listener). */
  | 'PORT_IN_USE'
  | 'NETWORK_ERROR'
  /** The user cancelled the request before the server answered (nothing is known about the server). */
  | 'CANCELLED'
  | 'SECRET_UNAVAILABLE'
  /** The store file could not be migrated or is from a newer version: it is open read-only. */
  | 'STORE_READ_ONLY'
  /** The workspace is protected by a passphrase and not unlocked yet. */
  | 'WORKSPACE_LOCKED'
  /** The passphrase given does not open the workspace (nothing was changed). */
  | 'PASSPHRASE_WRONG'
  | 'FORBIDDEN'
  /** What was given matches something already here (error.conflict says what); nothing changed. */
  | 'CONFLICT'
  | 'INTERNAL';

export interface AppError {
  code: ErrorCode;
  message: string;
  /** What the user should do about it. */
  fix?: string;
  /**
   * INVALID_INPUT from the input parser: each refused field by its path (without the argument's
   * position: "fhirBaseUrl", "auth.clientSecret"), so a form can show the message at the field.
   */
  fields?: { path: string; message: string }[];
  /** CONFLICT: the thing already here, why it matches, and how to go on without asking again. */
  conflict?: {
    id: string;
    name: string;
    /** e.g. 'name' or 'server-client' (importProfile). */
    match: string;
    /** A free name to use instead, e.g. "Acme (2)". */
    suggestedName: string;
    /** Names the held-back input, to decide on it without sending it again. */
    pendingId: string;
  };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Wraps a value as a successful Result. */
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** Builds a failed Result with a stable code. */
export const err = <T = never>(code: ErrorCode, message: string, fix?: string): Result<T> => ({
  ok: false,
  error: fix ? { code, message, fix } : { code, message },
});

/** Thrown inside the engine to turn into an error Result at the contract boundary. */
export class AppFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'AppFailure';
  }
}
