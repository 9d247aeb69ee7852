import type { Timer } from '../core/ports.js';

/**
 * A timer for tests: nothing fires until the test says so (`runDue` after moving its clock, or
 * `runNext`), so a 5-second poll interval or a 15-minute timeout costs no real time.
 */
export function manualTimer(clock: { now(): number }) {
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timer: Timer & {
    pending(): number;
    nextAt(): number | undefined;
    runNext(): boolean;
    runDue(): number;
  } = {
    after(ms, fn) {
      const id = ++seq;
      pending.set(id, { at: clock.now() + ms, fn });
      return { id };
    },
    cancel(handle) {
      pending.delete(handle.id as number);
    },
    pending: () => pending.size,
    nextAt: () => Math.min(...[...pending.values()].map((p) => p.at)),
    /** Fires the earliest timer (whatever its time); false when none is set. */
    runNext() {
      const next = [...pending].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) return false;
      pending.delete(next[0]);
      next[1].fn();
      return true;
    },
    /** Fires every timer whose time has come on the clock. */
    runDue() {
      const due = [...pending].filter(([, p]) => p.at <= clock.now());
      for (const [id, p] of due) {
        pending.delete(id);
        p.fn();
      }
      return due.length;
    },
  };
  return timer;
}
