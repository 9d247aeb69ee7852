/**
 * Runs: which attempt at a flow each exchange belongs to. The engine facade enters a run context
 * around every contract call that names a profile (AsyncLocalStorage, so the background work a
 * call starts — device polling, the loopback callback and its code exchange, auto-refresh — stays
 * in the run that started it); the HTTP recorder stamps each exchange with it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RunView } from '../../shared/types.js';

let counter = 0;
const nextRunId = () => `r${Date.now().toString(36)}${(++counter).toString(36)}`;

export interface RunContext {
  runId: string;
  profileId: string;
}

export class RunTracker {
  private readonly als = new AsyncLocalStorage<RunContext>();
  /** Every run, oldest first. */
  readonly runs: RunView[] = [];
  /** The run exchanges of each profile join until another one begins. */
  private readonly current = new Map<string, string>();

  constructor(
    private readonly now: () => number,
    private readonly profile: (id: string) => { name: string; flow?: string } | undefined,
  ) {}

  /** A new run for the profile; later calls for it join this one. */
  begin(profileId: string, flow: string): RunView {
    const run: RunView = {
      id: nextRunId(),
      profileId,
      ...(this.profile(profileId) ? { profileName: this.profile(profileId)!.name } : {}),
      flow,
      startedAt: new Date(this.now()).toISOString(),
    };
    this.runs.push(run);
    this.current.set(profileId, run.id);
    return run;
  }

  /** The profile's flow, the name of a run that begins with no more specific start. */
  flowOf(profileId: string): string {
    return this.profile(profileId)?.flow ?? 'profile';
  }

  currentOf(profileId: string): string | undefined {
    return this.current.get(profileId);
  }

  /** The profile's current run, or a new one when it has none. */
  runOf(profileId: string): string {
    return this.current.get(profileId) ?? this.begin(profileId, this.flowOf(profileId)).id;
  }

  /** Runs fn with the profile's run as the context of every exchange it (and what it starts) makes. */
  within<T>(profileId: string, begin: string | undefined, fn: () => T): T {
    const runId = begin ? this.begin(profileId, begin).id : this.runOf(profileId);
    return this.als.run({ runId, profileId }, fn);
  }

  /** The run of the call being served (undefined outside one: no profile). */
  context(): RunContext | undefined {
    return this.als.getStore();
  }

  find(id: string): RunView | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /** Forgets the runs no exchange refers to any more (after a clear or trimming). */
  prune(keep: ReadonlySet<string>): void {
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const r = this.runs[i]!;
      if (!keep.has(r.id) && this.current.get(r.profileId ?? '') !== r.id) this.runs.splice(i, 1);
    }
  }

  /** Adds runs read back from the store (saved runs), keeping ids unique. */
  restore(runs: RunView[]): void {
    const have = new Set(this.runs.map((r) => r.id));
    this.runs.unshift(...runs.filter((r) => !have.has(r.id)));
  }
}
