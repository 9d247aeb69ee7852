import { vi, type Mock } from 'vitest';
import { API_METHODS } from '../../../shared/api/contract.js';
import type {
  ApiMethod,
  DebuggerApi,
  DebuggerBridge,
  DebuggerEvents,
  EventName,
} from '../../../shared/api/contract.js';

/**
 * A DebuggerBridge of vi.fn() stubs, for the states no server can produce (an INTERNAL error, a
 * response that never comes). It has no behaviour of its own: each method answers what the test
 * gives it (`stub.discover.mockResolvedValue(...)`), and otherwise passes the call to `base` —
 * the real engine in the component tests — or answers that it was not stubbed. Every call is
 * recorded (`stub.saveProfile.mock.calls`).
 */
export type StubApi = DebuggerBridge & { [M in ApiMethod]: Mock<DebuggerApi[M]> } & {
  on: Mock<DebuggerBridge['on']>;
  /** Pushes an event to the page's listeners (only without a base; with one, the engine does). */
  emit<E extends EventName>(event: E, payload: DebuggerEvents[E]): void;
};

export function createStubApi(base?: DebuggerBridge): StubApi {
  const stub = {} as Record<string, unknown>;
  for (const method of API_METHODS) {
    stub[method] = vi.fn(
      base
        ? (...args: unknown[]) => (base[method] as (...a: unknown[]) => unknown)(...args)
        : async () => ({
            ok: false,
            error: { code: 'INTERNAL', message: `The stub has no answer for ${method}.` },
          }),
    );
  }
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  stub.on = vi.fn(
    <E extends EventName>(event: E, listener: (payload: DebuggerEvents[E]) => void) => {
      if (base) return base.on(event, listener);
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => void set.delete(listener as (payload: never) => void);
    },
  );
  stub.emit = <E extends EventName>(event: E, payload: DebuggerEvents[E]) => {
    for (const l of listeners.get(event) ?? []) l(payload as never);
  };
  return stub as unknown as StubApi;
}
