/**
 * The engine's requests in flight: every HTTP request the recorder sends is registered here with
 * its own AbortController, tagged with the profile of the call that made it, so the user can
 * cancel what is waiting on a server that never answers (cancelRequests).
 *
 * A contract call runs in a call scope (AsyncLocalStorage, like runs.ts): once a request of the
 * call is cancelled, the call's later requests are not sent at all (a discovery that would try the
 * next document stops), and the call's Result becomes CANCELLED however the feature read the
 * failed exchange.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { err, type Result } from '../../shared/result.js';

/** The words of a cancelled exchange and of the CANCELLED Result. */
export const CANCELLED_MESSAGE = 'Cancelled by you before the server answered.';
export const CANCELLED_FIX =
  'Nothing is known about the server from this attempt. Send it again when you are ready; if the server never answers, check the URL, the network or the proxy.';

interface CallScope {
  cancelled: boolean;
  /** False once the call has returned: background work it started stands on its own. */
  open: boolean;
}

interface Entry {
  controller: AbortController;
  profileId?: string;
  scope?: CallScope;
}

/** One registered request: its signal, and end() once it has an answer (or failed). */
export interface Flight {
  signal: AbortSignal;
  /** True when cancelRequests aborted it (not a timeout). */
  cancelled(): boolean;
  end(): void;
}

export class InFlight {
  private readonly als = new AsyncLocalStorage<CallScope>();
  private readonly live = new Set<Entry>();

  /** Runs one contract call in its own scope; a cancel during it turns its Result into CANCELLED. */
  async call<T>(fn: () => Promise<Result<T>> | Result<T>): Promise<Result<T>> {
    const scope: CallScope = { cancelled: false, open: true };
    try {
      const r = await this.als.run(scope, fn);
      // Whatever the feature made of the failed exchange (an ok Result with a NETWORK_ERROR
      // finding, or an error), the call was cancelled: it must not read as the server's answer.
      if (scope.cancelled && !(r.ok === false && r.error.code === 'CANCELLED'))
        return err('CANCELLED', CANCELLED_MESSAGE, CANCELLED_FIX);
      return r;
    } finally {
      scope.open = false;
    }
  }

  /** Registers a request; its signal aborts on cancel (or at once when its call was cancelled). */
  begin(profileId?: string): Flight {
    const scope = this.als.getStore();
    const entry: Entry = {
      controller: new AbortController(),
      ...(profileId ? { profileId } : {}),
      ...(scope?.open ? { scope } : {}),
    };
    if (entry.scope?.cancelled) entry.controller.abort();
    else this.live.add(entry);
    return {
      signal: entry.controller.signal,
      cancelled: () => entry.controller.signal.aborted,
      end: () => this.live.delete(entry),
    };
  }

  /** How many requests are waiting for an answer (of one profile, or all). */
  count(profileId?: string): number {
    let n = 0;
    for (const e of this.live) if (!profileId || e.profileId === profileId) n++;
    return n;
  }

  /** Aborts the requests in flight (of one profile, or all) and says how many. */
  cancel(profileId?: string): number {
    let n = 0;
    for (const e of [...this.live]) {
      if (profileId && e.profileId !== profileId) continue;
      this.live.delete(e);
      if (e.scope?.open) e.scope.cancelled = true;
      e.controller.abort();
      n++;
    }
    return n;
  }
}
