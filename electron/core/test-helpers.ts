import type { Core } from './core.js';
import { Engine } from './engine.js';
import type { profileSecret } from './model.js';
import { nodePorts } from './node-ports.js';
import type { Result } from '../../shared/result.js';

/** An engine with in-memory ports, for tests. */
export function testEngine(opts: { now?: () => number; timeoutMs?: number } = {}) {
  const ports = nodePorts({ ephemeral: true });
  if (opts.now) ports.clock = { now: opts.now };
  if (opts.timeoutMs) ports.http = { timeoutMs: opts.timeoutMs };
  return new Engine(ports);
}

/**
 * The engine's parts behind the facade, for tests that check or set up what the contract does not
 * show (a held code, a stored secret). Hosts never do this: they hold a DebuggerApi.
 */
export function coreOf(engine: Engine): Core {
  // Element access reaches the private field on purpose; only tests do it.
  return engine['c'];
}

/** Latest authorization code per profile id (see PendingCode): tests hand the engine a code. */
export const pendingCodes = (engine: Engine) => coreOf(engine).s.pendingCodes;

/** The recorded exchanges (the timeline), as the engine holds them. */
export const recordedExchanges = (engine: Engine) => coreOf(engine).http.exchanges;

/** A stored secret of a profile (the contract never returns one). */
export const profileSecretValue = (
  engine: Engine,
  id: string,
  which: keyof typeof profileSecret,
): Promise<string | undefined> => coreOf(engine).profiles.profileSecretValue(id, which);

/** Resolves when the authorization flow ends; rejects with AppFailure for an unknown flow. */
export const waitForAuthorization = (engine: Engine, flowId: string) =>
  coreOf(engine).authz.wait(flowId);

/** Unwraps a Result in a test, failing with the error text. */
export function must<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
