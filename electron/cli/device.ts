import type { DebuggerApi } from '../../shared/api/contract.js';
import type { DeviceFlowView, TokenKind, TokenResult } from '../../shared/types.js';
import { unwrap, type Emit, type Io } from './common.js';

/** What the device command needs from a host: the contract and its "device" event. */
export interface DeviceDeps {
  api: Pick<
    DebuggerApi,
    'startDeviceAuthorization' | 'cancelDeviceAuthorization' | 'getDeviceAuthorization'
  >;
  onDevice(listener: (view: DeviceFlowView) => void): () => void;
  /** Ctrl-C (SIGINT/SIGTERM by default): calls back once; returns the unsubscribe. */
  onInterrupt(cb: () => void): () => void;
  revealed(): Promise<Partial<Record<TokenKind, string>>>;
  printTokenResult(io: Io, r: TokenResult): void;
  exchanges(): Promise<unknown>;
}

const TERMINAL = new Set(['done', 'denied', 'expired', 'failed', 'cancelled', 'timed-out']);

/** Ctrl-C and SIGTERM of the process. */
export function processInterrupt(cb: () => void): () => void {
  const handler = () => cb();
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * `oauth-flow-debugger device --profile <file> [--timeout S]`: RFC 8628. Prints where to sign in
 * and the user code before the first poll, follows the polls, then prints the tokens (or why
 * there are none) like `authorize` does. Ctrl-C cancels the flow.
 */
export async function runDevice(
  deps: DeviceDeps,
  io: Io,
  emit: Emit,
  input: { profileId: string; timeoutSec?: number; reveal: boolean },
): Promise<number> {
  let latest: DeviceFlowView | undefined;
  let resolveEnd: ((v: DeviceFlowView) => void) | undefined;
  const ended = new Promise<DeviceFlowView>((r) => (resolveEnd = r));
  let intervalSeen: number | undefined;
  const off = deps.onDevice((v) => {
    if (latest && v.id !== latest.id) return;
    latest = v;
    if (intervalSeen !== undefined && v.intervalSec !== intervalSeen)
      io.err(`The server asked to slow down (slow_down): polling every ${v.intervalSec} s now.`);
    intervalSeen = v.intervalSec;
    if (TERMINAL.has(v.status)) resolveEnd?.(v);
  });
  let stopInterrupt = () => {};
  try {
    const flow = unwrap(
      await deps.api.startDeviceAuthorization({
        profileId: input.profileId,
        ...(input.timeoutSec ? { timeoutSec: input.timeoutSec } : {}),
      }),
    );
    latest = flow;
    intervalSeen = flow.intervalSec;
    if (flow.status === 'waiting') {
      io.err(
        `Open ${flow.verificationUri} on any device and enter the code:\n\n    ${flow.userCode}\n`,
      );
      if (flow.verificationUriComplete)
        io.err(`Or open this link, which carries the code:\n${flow.verificationUriComplete}`);
      io.err(
        `Waiting for the sign-in${flow.expiresAt ? ` (the code expires at ${flow.expiresAt})` : ''}: polling every ${flow.intervalSec} s; Ctrl-C cancels ...`,
      );
      stopInterrupt = deps.onInterrupt(() => {
        io.err('Cancelling the device sign-in ...');
        void deps.api.cancelDeviceAuthorization({ flowId: flow.id });
      });
    } else resolveEnd?.(flow);
    // Events carry every change; the final state is read back through the contract.
    const end = await ended;
    const done = unwrap(await deps.api.getDeviceAuthorization({ flowId: end.id }));
    const token = done.token;
    const ok = done.status === 'done' && !!token?.ok;
    const findings = [...done.findings, ...(ok ? (token?.findings ?? []) : [])];
    return emit(
      ok,
      findings,
      {
        status: done.status,
        verificationUri: done.verificationUri ?? null,
        verificationUriComplete: done.verificationUriComplete ?? null,
        userCode: done.userCode ?? null,
        polls: done.polls,
        slowDowns: done.slowDowns,
        intervalSec: done.intervalSec,
        tokenResponse: token?.body ?? null,
        idToken: token?.idToken ?? null,
        refreshToken: token?.refreshToken ?? null,
        ...(input.reveal && ok ? { tokens: await deps.revealed() } : {}),
        exchanges: await deps.exchanges(),
      },
      () => {
        io.out(
          `device authorization: ${done.status} after ${done.polls} poll${done.polls === 1 ? '' : 's'}${done.slowDowns ? ` (${done.slowDowns} slow_down)` : ''}`,
        );
        if (token && ok) deps.printTokenResult(io, token);
      },
    );
  } finally {
    stopInterrupt();
    off();
  }
}
