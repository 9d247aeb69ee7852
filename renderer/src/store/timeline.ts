import { applyExchangesPush } from '../../../shared/exchanges-push.js';
import type {
  DiffSide,
  ExchangesPush,
  HarExport,
  HttpExchange,
  RunDiff,
} from '../../../shared/types.js';
import { api } from './bridge.js';
import { runOp } from './ops.js';
import type { SliceCreator } from './types.js';

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
  /**
   * Lists the exchanges page by page, drawing each page as it comes: a saved timeline of
   * thousands never parses or renders in one long task. A newer call supersedes an older one.
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

/** The listing in progress: a newer one supersedes it. */
let listing = 0;
/** A push came while listing (see loadExchanges). */
let pushedWhileListing = false;

export const createTimelineSlice: SliceCreator<TimelineSlice> = (set, get) => ({
  exchanges: [],
  loadingExchanges: false,
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
    set({ loadingExchanges: true });
    let list: HttpExchange[] = [];
    let after: string | undefined;
    // A page whose `after` went away (cleared, trimmed) starts the listing again, a few times.
    for (let restarts = 0; restarts < 3;) {
      const r = await api().listExchangesPage(after ? { after } : {});
      if (mine !== listing) return;
      if (!r.ok) {
        if (r.error.code !== 'NOT_FOUND' || !after) break;
        restarts++;
        list = [];
        after = undefined;
        continue;
      }
      list = list.concat(r.value.exchanges);
      get().applyExchanges(list);
      // A push that came while the last page was on its way may name what it did not hold yet
      // (the socket and the request are not ordered): read once more from the last one.
      const pushed = pushedWhileListing;
      pushedWhileListing = false;
      if (!r.value.more && !pushed) break;
      after = list.length ? list[list.length - 1]!.id : undefined;
      // Let the page draw (and stay responsive) between pages.
      await new Promise((done) => setTimeout(done, 0));
      if (mine !== listing) return;
    }
    set({ loadingExchanges: false });
  },

  applyExchangesPushed: (push) => {
    // A listing in progress reads the engine as it is; it reads on once more for this push.
    if (get().loadingExchanges) {
      pushedWhileListing = true;
      return;
    }
    const next = applyExchangesPush(get().exchanges, push);
    if (next) get().applyExchanges(next);
    else void get().loadExchanges();
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
