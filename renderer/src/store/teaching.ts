import type { AppError } from '../../../shared/result.js';
import type { RunView } from '../../../shared/types.js';
import { api } from './bridge.js';
import type { SliceCreator } from './types.js';

/** Teaching aids (issue 12 §3): guided mode, presenter mode, the sequence diagram's state. */
export interface TeachingSlice {
  /** Guided mode: an explanation and its source before each hop, its meaning after. */
  guided: boolean;
  /** Presenter mode: large type, secrets hidden entirely, the diagram beside the step. */
  presenter: boolean;
  /**
   * The exchange the user picked in the sequence diagram; `seq` changes on every pick, so the
   * Timeline opens (and scrolls to) it again even when it is the same one.
   */
  focusedExchange: { id: string; seq: number } | null;
  /** The run the diagram shows; null: the latest one. */
  diagramRunId: string | null;
  /** The runs as the engine names them (listRuns), for the run picker. */
  runs: RunView[];
  runsError: AppError | null;
  /** Reads the saved choices (localStorage); call once at start. */
  initTeaching(): void;
  setGuided(on: boolean): void;
  setPresenter(on: boolean): void;
  focusExchange(id: string): void;
  pickDiagramRun(runId: string | null): void;
  loadRuns(): Promise<void>;
}

const GUIDED_KEY = 'ofd-guided';
const PRESENTER_KEY = 'ofd-presenter';

function saved(key: string): boolean {
  try {
    return window.localStorage.getItem(key) === 'on';
  } catch {
    return false;
  }
}

function save(key: string, on: boolean) {
  try {
    window.localStorage.setItem(key, on ? 'on' : 'off');
  } catch {
    // Storage may be unavailable; the choice then lasts for this window only.
  }
}

let seq = 0;
/** The listRuns on its way, and the one read queued after it. */
let runsLoading: Promise<void> | null = null;
let runsAgain: Promise<void> | null = null;

export const createTeachingSlice: SliceCreator<TeachingSlice> = (set, get) => ({
  guided: false,
  presenter: false,
  focusedExchange: null,
  diagramRunId: null,
  runs: [],
  runsError: null,

  initTeaching: () => set({ guided: saved(GUIDED_KEY), presenter: saved(PRESENTER_KEY) }),

  setGuided: (guided) => {
    save(GUIDED_KEY, guided);
    set({ guided });
  },

  setPresenter: (presenter) => {
    save(PRESENTER_KEY, presenter);
    set({ presenter });
  },

  focusExchange: (id) => set({ focusedExchange: { id, seq: ++seq } }),

  pickDiagramRun: (diagramRunId) => set({ diagramRunId }),

  // Not an op of its own (ops.ts): the picker falls back to the runs the exchanges name.
  // Calls while one is on its way share one more read after it (not one each).
  loadRuns: () => {
    if (runsLoading) return (runsAgain ??= runsLoading.then(() => get().loadRuns()));
    runsLoading = (async () => {
      const r = await api().listRuns();
      if (r.ok) set({ runs: r.value, runsError: null });
      else set({ runsError: r.error });
    })().finally(() => {
      runsLoading = null;
      runsAgain = null;
    });
    return runsLoading;
  },
});
