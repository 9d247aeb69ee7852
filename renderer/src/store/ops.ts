import type { AppError, Result } from '../../../shared/result.js';

/** Every user-visible call the store makes; each has its own busy flag and last error. */
export type OpKey =
  | 'boot'
  | 'saveProfile'
  | 'deleteProfile'
  | 'exportProfile'
  | 'importProfile'
  | 'restoreProfile'
  | 'duplicateProfile'
  | 'exportProfileFile'
  | 'applyToEnvironments'
  | 'discover'
  | 'generateKey'
  | 'importKey'
  | 'deleteKey'
  | 'applyKeyToProfile'
  | 'exportJwks'
  | 'exportPrivateKey'
  | 'buildAssertion'
  | 'revealAssertion'
  | 'prepareTokenRequest'
  | 'sendTokenRequest'
  | 'checkTokenRequest'
  | 'cancelRequests'
  | 'revealAccessToken'
  | 'decodeToken'
  | 'callResource'
  | 'inspect'
  | 'listExchanges'
  | 'clearExchanges'
  | 'restoreExchanges'
  | 'exportHar'
  | 'exportBundle'
  | 'diffRuns'
  | 'runnableCurl'
  | 'prepareRegistration'
  | 'sendRegistration'
  | 'readRegistration'
  | 'updateRegistration'
  | 'deleteRegistration'
  | 'applyHostedJwks'
  | 'startAuthorization'
  | 'completeAuthorization'
  | 'cancelAuthorization'
  | 'startDeviceAuthorization'
  | 'cancelDeviceAuthorization'
  | 'refreshTokens'
  | 'setAutoRefresh'
  | 'introspectAccess'
  | 'introspectRefresh'
  | 'revokeAccess'
  | 'revokeRefresh'
  | 'callUserinfo'
  | 'endSession'
  | 'revealIdToken'
  | 'revealRefreshToken'
  | 'hostJwks'
  | 'stopJwksHost'
  | 'unlockWorkspace'
  | 'protectWorkspace'
  | 'keepSecretsForSession'
  | 'startNewWorkspace'
  | 'exportWorkspace'
  | 'importWorkspace';

export interface OpState {
  busy: boolean;
  error: AppError | null;
}

export const IDLE: OpState = Object.freeze({ busy: false, error: null }) as OpState;

export interface OpsSlice {
  ops: Partial<Record<OpKey, OpState>>;
  /** Forget the error shown for an operation. */
  dismissError(key: OpKey): void;
}

type SetOps = (fn: (s: OpsSlice) => Partial<OpsSlice>) => void;

/**
 * Runs one API call as operation `key`: marks it busy, turns thrown errors into Results, and
 * records the error (or clears it). Returns the Result for the caller to apply.
 */
export async function runOp<T>(
  set: SetOps,
  key: OpKey,
  call: () => Promise<Result<T>>,
): Promise<Result<T>> {
  set((s) => ({ ops: { ...s.ops, [key]: { busy: true, error: null } } }));
  let result: Result<T>;
  try {
    result = await call();
  } catch (e) {
    result = {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: e instanceof Error ? e.message : String(e),
        fix: 'This is a bug in the debugger; the timeline may show what happened.',
      },
    };
  }
  set((s) => ({
    ops: { ...s.ops, [key]: { busy: false, error: result.ok ? null : result.error } },
  }));
  return result;
}

/** Records an operation's error (null: it ended well) without a call of its own to the engine. */
export function failOp(set: SetOps, key: OpKey, error: AppError | null): void {
  set((s) => ({ ops: { ...s.ops, [key]: { busy: false, error } } }));
}
