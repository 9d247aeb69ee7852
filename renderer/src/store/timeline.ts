import { applyExchangesPush } from '../../../shared/exchanges-push.js';
import type {
  DiffSide,
  ExchangesPush,
  HarExport,
  HttpExchange,
  RunDiff,
} from '../../../shared/types.js';
import type { AppError, Result } from '../../../shared/result.js';
import { api } from './bridge.js';
import { failOp, runOp } from './ops.js';
import type { AppState, SliceCreator } from './types.js';

/** What the timeline shows: every field empty shows everything. */
export interface TimelineFilter {
  /** A profile id, or '' for all. */
  profile: string;
  /** An endpoint (the exchange's step), or '' for all. */
  step: string;
  status: '' | 'ok' | '4xx' | '5xx' | 'error';
  text: string;
}

export const NO_FILTER: TimelineFilter = Object.freeze({
  profile: '',
  step: '',
  status: '',
  text: '',
}) as TimelineFilter;

/** The runs (listRuns) live in the teaching slice (`runs`, `loadRuns`): one list for both. */
export interface TimelineSlice {
  exchanges: HttpExchange[];
  timelineFilter: TimelineFilter;
  /** The last clear, while it can still be undone. */
  lastClear: { undoId: string; cleared: number } | null;
  runDiff: RunDiff | null;
  /** A pushed or listed snapshot of the exchanges; loads the runs when one is new. */
  applyExchanges(exchanges: HttpExchange[]): void;
  /** True while the exchanges are listed page by page (pushes wait for the listing). */
  loadingExchanges: boolean;
  /** While a listing is drawn before its end: how far it has come. */
  exchangesListed: { listed: number; total: number } | null;
  /**
   * Lists the exchanges page by page: the first page is drawn at once, the rest as they come (at
   * most every 150 ms); a saved timeline of thousands never parses or renders in one long task. A newer call supersedes an older one.
   */
  loadExchanges(): Promise<void>;
  /** An "exchanges" push: applied, or when one was missed, the exchanges listed again. */
  applyExchangesPushed(push: ExchangesPush): void;
  setTimelineFilter(patch: Partial<TimelineFilter>): void;
  clearExchanges(): Promise<void>;
  undoClear(): Promise<void>;
  /** The HAR for download (redacted unless asked); null when the call failed (see the op). */
  exportHar(input: { runIds?: string[]; redacted: boolean }): Promise<HarExport | null>;
  exportBundle(runId: string): Promise<{ text: string; fileName: string } | null>;
  diffRuns(a: DiffSide, b: DiffSide): Promise<void>;
  /** Explicit reveal: the exchange's curl with its real values. */
  runnableCurl(exchangeId: string): Promise<{ curl: string; holds: string[] } | null>;
}

/** The first page of a listing: drawn at once. */
const FIRST_PAGE = 500;
/** The pages after it (the engine also ends a page at about 1.5 MB of JSON). */
const NEXT_PAGE = 5000;
/** While listing, the list is drawn again at most this often. */
const DRAW_EVERY_MS = 400;

/** A push of more exchanges than this is drawn in a task of its own. */
const LARGE_PUSH = 1000;
/** Pushes waiting behind a large one, in order (null: none waiting). */
let queuedPushes: ExchangesPush[] | null = null;

const nextTask = () => new Promise<void>((done) => setTimeout(done, 0));

/** One push applied; when one was missed, the exchanges listed again. */
function applyPushed(get: () => AppState, push: ExchangesPush): void {
  // A listing in progress reads the engine as it is; it reads on once more for this push.
  if (get().loadingExchanges) {
    pushedWhileListing = true;
    return;
  }
  const next = applyExchangesPush(get().exchanges, push);
  if (next) get().applyExchanges(next);
  else void get().loadExchanges();
}

/** The listing in progress: a newer one supersedes it. */
let listing = 0;
/** A push came while listing (see loadExchanges). */
let pushedWhileListing = false;

export const createTimelineSlice: SliceCreator<TimelineSlice> = (set, get) => ({
  exchanges: [],
  loadingExchanges: false,
  exchangesListed: null,
  timelineFilter: NO_FILTER,
  lastClear: null,
  runDiff: null,

  applyExchanges: (exchanges) => {
    set({ exchanges });
    const known = new Set(get().runs.map((r) => r.id));
    if (exchanges.some((x) => x.runId && !known.has(x.runId)))
      void get()
        .loadRuns()
        .catch(() => undefined);
  },

  loadExchanges: async () => {
    const mine = ++listing;
    pushedWhileListing = false;
    set((s) => ({
      loadingExchanges: true,
      exchangesListed: null,
      ops: { ...s.ops, listExchanges: { busy: true, error: null } },
    }));
    const ask = (after?: string) =>
      api()
        .listExchangesPage(after ? { after, limit: NEXT_PAGE } : { limit: FIRST_PAGE })
        .catch((e: unknown): Result<never> => ({
          ok: false,
          error: {
            code: 'INTERNAL',
            message: `The timeline could not be listed: ${e instanceof Error ? e.message : String(e)}`,
            fix: 'Reload the page; the saved runs are kept.',
          },
        }));
    let list: HttpExchange[] = [];
    /** How many of `list` are drawn (-1: none of this listing yet). */
    let drawn = -1;
    let drawnAt = 0;
    let failed: AppError | null = null;
    const draw = (total: number | null) => {
      get().applyExchanges(list);
      set({ exchangesListed: total === null ? null : { listed: list.length, total } });
      drawn = list.length;
      drawnAt = performance.now();
    };
    let next = ask();
    // A page whose `after` went away (cleared, trimmed) starts the listing again, a few times.
    for (let restarts = 0; restarts < 3;) {
      const r = await next;
      if (mine !== listing) return;
      if (!r.ok) {
        if (r.error.code !== 'NOT_FOUND' || !list.length) {
          failed = r.error;
          break;
        }
        restarts++;
        list = [];
        drawn = -1;
        next = ask();
        continue;
      }
      // A push that came while this page was on its way may name what it did not hold yet (the
      // socket and the request are not ordered): read once more from the last one.
      const pushed = pushedWhileListing;
      pushedWhileListing = false;
      const more = r.value.more || pushed;
      list = list.length ? list.concat(r.value.exchanges) : r.value.exchanges;
      // The next page is asked for before this one is drawn: the engine serves it meanwhile.
      if (more) next = ask(list.at(-1)?.id);
      // The first page is drawn at once, the rest at most every DRAW_EVERY_MS: each drawing
      // groups the whole list again, so drawing every page would cost the sum of them all.
      if (!more) break;
      if (!drawnAt || performance.now() - drawnAt >= DRAW_EVERY_MS) {
        // Parsed in this task, drawn in the next: not one long task for both.
        await nextTask();
        if (mine !== listing) return;
        draw(r.value.total);
        // Let the page paint (and stay responsive) before the next page is parsed.
        await nextTask();
        if (mine !== listing) return;
      }
    }
    if (drawn !== list.length) {
      await nextTask();
      if (mine !== listing) return;
    }
    // A failed listing keeps what it drew (or, having drawn nothing, what the page held) and says
    // why the rest is missing.
    if (drawn !== list.length && (list.length || !failed)) draw(null);
    set({ exchangesListed: null, loadingExchanges: false });
    failOp(set, 'listExchanges', failed ?? null);
  },

  applyExchangesPushed: (push) => {
    // A large push (an undo of a clear: thousands) is drawn in the task after the one that parsed
    // it; the pushes after it wait their turn, in order.
    if (queuedPushes) return void queuedPushes.push(push);
    if ((push.all?.length ?? 0) + (push.appended?.length ?? 0) <= LARGE_PUSH)
      return applyPushed(get, push);
    queuedPushes = [push];
    setTimeout(() => {
      const pushes = queuedPushes ?? [];
      queuedPushes = null;
      for (const p of pushes) applyPushed(get, p);
    }, 0);
  },

  setTimelineFilter: (patch) => set((s) => ({ timelineFilter: { ...s.timelineFilter, ...patch } })),

  clearExchanges: async () => {
    const r = await runOp(set, 'clearExchanges', () => api().clearExchanges());
    if (!r.ok) return;
    set({
      exchanges: [],
      runDiff: null,
      lastClear: r.value.undoId ? { undoId: r.value.undoId, cleared: r.value.cleared } : null,
    });
    await get().loadRuns();
  },

  undoClear: async () => {
    const held = get().lastClear;
    if (!held) return;
    const r = await runOp(set, 'restoreExchanges', () =>
      api().restoreExchanges({ undoId: held.undoId }),
    );
    set({ lastClear: null });
    if (!r.ok) return;
    await get().loadExchanges();
    await get().loadRuns();
  },

  exportHar: async (input) => {
    const r = await runOp(set, 'exportHar', () => api().exportHar(input));
    return r.ok ? r.value : null;
  },

  exportBundle: async (runId) => {
    const r = await runOp(set, 'exportBundle', () => api().exportBundle({ runId }));
    return r.ok ? r.value : null;
  },

  diffRuns: async (a, b) => {
    set({ runDiff: null });
    const r = await runOp(set, 'diffRuns', () => api().diffRuns({ a, b }));
    if (r.ok) set({ runDiff: r.value });
  },

  runnableCurl: async (exchangeId) => {
    const r = await runOp(set, 'runnableCurl', () => api().runnableCurl({ exchangeId }));
    return r.ok ? r.value : null;
  },
});
