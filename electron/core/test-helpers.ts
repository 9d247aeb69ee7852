import { Engine } from './engine.js';
import { nodePorts } from './node-ports.js';
import type { Result } from '../../shared/result.js';

/** An engine with in-memory ports, for tests. */
export function testEngine(opts: { now?: () => number; timeoutMs?: number } = {}) {
  const ports = nodePorts({ ephemeral: true });
  if (opts.now) ports.clock = { now: opts.now };
  if (opts.timeoutMs) ports.http = { timeoutMs: opts.timeoutMs };
  return new Engine(ports);
}

/** Unwraps a Result in a test, failing with the error text. */
export function must<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
