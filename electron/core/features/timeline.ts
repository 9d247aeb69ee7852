/**
 * Saved runs (issue 12): the timeline (masked exchanges with their marks, and the runs they belong
 * to) survives a restart through the TimelinePort, bounded to the last 100 runs or 5,000 exchanges,
 * whichever comes first; what is dropped is counted for the note the UI shows. Clear keeps what it
 * cleared under an undo id until restoreExchanges brings it back.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppFailure } from '../../../shared/result.js';
import type { HttpExchange, RunView } from '../../../shared/types.js';
import { exchangesPush } from '../../../shared/exchanges-push.js';
import type { Core } from '../core.js';

export const MAX_RUNS = 100;
export const MAX_EXCHANGES = 5_000;
/** The most of one body the saved file holds; the rest is cut, and the cut is said. */
export const MAX_SAVED_BODY = 64 * 1024;
/** How many clears can be undone (the newest ones). */
const UNDO_DEPTH = 5;

export const TIMELINE_FILE_FORMAT = 'oauth-flow-debugger-timeline';

/** What the engine relies on when it reads the file back: lenient on the exchange's details. */
const savedTimeline = z.object({
  format: z.literal(TIMELINE_FILE_FORMAT),
  version: z.literal(1),
  exchanges: z.array(
    z.looseObject({
      id: z.string().min(1),
      step: z.string(),
      startedAt: z.string(),
      request: z.looseObject({ method: z.string(), url: z.string() }),
    }),
  ),
  runs: z.array(z.looseObject({ id: z.string().min(1), flow: z.string(), startedAt: z.string() })),
  dropped: z.object({ runs: z.number(), exchanges: z.number() }),
});

/** Why data is not a saved timeline, or undefined when it is. */
export function timelineProblem(data: unknown): string | undefined {
  const r = savedTimeline.safeParse(data);
  if (r.success) return undefined;
  return r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

const cutNote = (bytes: number) =>
  `\n\n[cut to ${MAX_SAVED_BODY / 1024} KB when saved: ${bytes} bytes in all]`;

/** The exchange as saved: each body capped, the cut said (a response says it with `truncated`). */
export function forSaving(x: HttpExchange): HttpExchange {
  const req = x.request.body;
  const res = x.response;
  if ((req?.length ?? 0) <= MAX_SAVED_BODY && (res?.body.length ?? 0) <= MAX_SAVED_BODY) return x;
  return {
    ...x,
    request: {
      ...x.request,
      ...(req !== undefined && req.length > MAX_SAVED_BODY
        ? { body: req.slice(0, MAX_SAVED_BODY) + cutNote(Buffer.byteLength(req)) }
        : {}),
    },
    ...(res
      ? {
          response:
            res.body.length > MAX_SAVED_BODY
              ? { ...res, body: res.body.slice(0, MAX_SAVED_BODY), truncated: true }
              : res,
        }
      : {}),
  };
}

export class Timeline {
  /** What the bounds have dropped since the timeline was last cleared (saved with it). */
  private dropped = { runs: 0, exchanges: 0 };
  private readonly undo = new Map<
    string,
    { exchanges: HttpExchange[]; runs: RunView[]; dropped: Timeline['dropped'] }
  >();
  private writing: Promise<void> | undefined;
  /** The ids the last "exchanges" push left the receivers holding. */
  private sent: string[] = [];
  private dirty = false;

  constructor(private readonly c: Core) {}

  /** Reads the saved timeline back (at start); a corrupt file is kept aside with a notice. */
  load(): void {
    const port = this.c.ports.timeline;
    if (!port) return;
    const loaded = port.load(timelineProblem);
    if (loaded.keptAside || loaded.reason) {
      const notice = loaded.keptAside
        ? `The saved timeline could not be read (${loaded.reason}); it was kept as ${loaded.keptAside} and the timeline starts empty.`
        : `The saved timeline could not be read (${loaded.reason}); the timeline starts empty.`;
      const ports = this.c.ports;
      ports.storeStatus = {
        ...ports.storeStatus,
        notices: [...(ports.storeStatus?.notices ?? []), notice],
      };
      if (loaded.keptAside) ports.quarantined = [...(ports.quarantined ?? []), loaded.keptAside];
      return;
    }
    if (loaded.data === undefined) return;
    const data = loaded.data as z.infer<typeof savedTimeline> & {
      exchanges: HttpExchange[];
      runs: RunView[];
    };
    this.dropped = { ...data.dropped };
    this.c.http.exchanges.unshift(...data.exchanges);
    // Receivers list the exchanges when they connect: the first push adds to what was loaded.
    this.sent = this.c.http.exchanges.map((x) => x.id);
    this.c.runs.restore(data.runs.map(({ droppedBefore: _, ...r }) => r));
    // A file written by hand (or an older bound) may hold more than the bounds allow.
    if (this.trim()) this.save();
  }

  /** After every change to the exchanges: keeps the bounds, saves, pushes the snapshot. */
  changed(): void {
    this.trim();
    this.save();
    const now = this.c.http.exchanges;
    this.c.ports.events.emit('exchanges', exchangesPush(this.sent, now));
    this.sent = now.map((x) => x.id);
  }

  /** The runs, oldest first, the oldest carrying what the bounds dropped before it. */
  listRuns(): RunView[] {
    const runs = this.c.runs.runs.map((r) => ({ ...r }));
    if (runs[0] && (this.dropped.exchanges || this.dropped.runs))
      runs[0].droppedBefore = { ...this.dropped };
    return runs;
  }

  /** Clears the timeline and the saved file; the undo id brings both back. */
  clear(): { cleared: number; undoId?: string } {
    const exchanges = [...this.c.http.exchanges];
    const runs = this.c.runs.runs.map((r) => ({ ...r }));
    const dropped = { ...this.dropped };
    this.dropped = { runs: 0, exchanges: 0 };
    // http.clear pushes the empty snapshot through changed(); the save is coalesced after prune.
    const cleared = this.c.http.clear();
    this.c.runs.prune(new Set());
    this.save();
    if (!cleared && !runs.length) return { cleared };
    const undoId = `u-${randomUUID()}`;
    this.undo.set(undoId, { exchanges, runs, dropped });
    for (const id of this.undo.keys()) if (this.undo.size > UNDO_DEPTH) this.undo.delete(id);
    return { cleared, undoId };
  }

  /** Brings back what a clear removed, before anything recorded since (NOT_FOUND when unknown). */
  restore(undoId: string): { restored: number } {
    const held = this.undo.get(undoId);
    if (!held)
      throw new AppFailure(
        'NOT_FOUND',
        'Nothing to undo with this id: it was used already, replaced by newer clears, or the app restarted since.',
        'The cleared exchanges cannot be brought back; run the flow again to record new ones.',
      );
    this.undo.delete(undoId);
    const now = this.c.http.exchanges;
    const have = new Set(now.map((x) => x.id));
    const back = held.exchanges.filter((x) => !have.has(x.id));
    now.unshift(...back);
    this.c.runs.restore(held.runs);
    this.dropped = {
      runs: this.dropped.runs + held.dropped.runs,
      exchanges: this.dropped.exchanges + held.dropped.exchanges,
    };
    this.changed();
    return { restored: back.length };
  }

  /** Waits for the saved file to hold the timeline as it is now (host shutdown, tests). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Drops the oldest runs and exchanges past the bounds; true when something was dropped. */
  private trim(): boolean {
    const runs = this.c.runs.runs;
    const exchanges = this.c.http.exchanges;
    if (runs.length <= MAX_RUNS && exchanges.length <= MAX_EXCHANGES) return false;
    // A profile's current run stays: its next exchanges join it.
    const current = (r: RunView) => this.c.runs.currentOf(r.profileId ?? '') === r.id;
    const gone = new Set(
      runs
        .slice(0, Math.max(0, runs.length - MAX_RUNS))
        .filter((r) => !current(r))
        .map((r) => r.id),
    );
    const kept = gone.size ? exchanges.filter((x) => !gone.has(x.runId ?? '')) : [...exchanges];
    const over = Math.max(0, kept.length - MAX_EXCHANGES);
    const touched = new Set(kept.slice(0, over).map((x) => x.runId ?? ''));
    kept.splice(0, over);
    const left = new Set(kept.map((x) => x.runId ?? ''));
    // A run whose last exchanges were dropped goes too.
    for (const r of runs) if (touched.has(r.id) && !left.has(r.id) && !current(r)) gone.add(r.id);
    const droppedExchanges = exchanges.length - kept.length;
    if (!gone.size && !droppedExchanges) return false;
    // The real values held for a dropped exchange's runnable curl go with it.
    const keptIds = new Set(kept.map((x) => x.id));
    for (const x of exchanges) if (!keptIds.has(x.id)) this.c.http.heldValues.delete(x.id);
    exchanges.splice(0, exchanges.length, ...kept);
    const before = runs.length;
    for (let i = runs.length - 1; i >= 0; i--) if (gone.has(runs[i]!.id)) runs.splice(i, 1);
    this.dropped.runs += before - runs.length;
    this.dropped.exchanges += droppedExchanges;
    return true;
  }

  /** Coalesced write-behind: one write at a time, the next one holding every change since. */
  private save(): void {
    const port = this.c.ports.timeline;
    if (!port) return;
    this.dirty = true;
    if (this.writing) return;
    const write = async () => {
      // Let the changes of this tick (a clear and its prune, a burst of exchanges) join one write.
      await new Promise((r) => setImmediate(r));
      while (this.dirty) {
        this.dirty = false;
        try {
          await port.save(this.snapshot());
        } catch (e) {
          // A failed write leaves the previous file whole (atomic); the next change tries again.
          console.warn(`The timeline could not be saved: ${(e as Error).message}`);
        }
      }
      this.writing = undefined;
    };
    this.writing = write();
  }

  private snapshot() {
    return {
      format: TIMELINE_FILE_FORMAT,
      version: 1,
      exchanges: this.c.http.exchanges.map(forSaving),
      runs: this.c.runs.runs,
      dropped: this.dropped,
    };
  }
}
