/** The timeline as rows to window: run headers, each followed by its exchanges, filtered. */
import type { HttpExchange, RunView } from '../../../shared/types.js';
import type { TimelineFilter } from '../store/timeline.js';

export type RunOutcome = 'tokens' | 'refused' | 'failed' | 'open';

export interface RunGroup {
  /** The run id, or '' for exchanges outside any run (no profile). */
  id: string;
  exchanges: HttpExchange[];
  /** Before filtering. */
  total: number;
  outcome: RunOutcome;
}

export type Row =
  | { kind: 'run'; key: string; group: RunGroup }
  | { kind: 'exchange'; key: string; x: HttpExchange; group: RunGroup };

/** A call to the token endpoint: a token request, a device poll or a refresh. */
export const isTokenCall = (x: HttpExchange) =>
  x.request.method === 'POST' &&
  /token|device poll|^refresh/i.test(x.step) &&
  !/introspect|revoc/i.test(x.step);

const PENDING_POLL = /"error"\s*:\s*"(authorization_pending|slow_down)"/;

/**
 * How a run ended, read from its exchanges: tokens issued, refused by the server, failed on the way
 * (network, TLS, timeout), or still open.
 */
export function outcomeOf(exchanges: HttpExchange[]): RunOutcome {
  const tokenCalls = exchanges.filter(isTokenCall);
  const last = tokenCalls.at(-1) ?? exchanges.at(-1);
  if (!last) return 'open';
  if (last.error) return 'failed';
  const status = last.response?.status ?? 0;
  // A device poll told to wait (RFC 8628 §3.5) is the flow going on, not a refusal.
  if (status === 400 && PENDING_POLL.test(last.response!.body)) return 'open';
  if (status >= 400) return 'refused';
  if (
    tokenCalls.length &&
    status >= 200 &&
    status < 300 &&
    /access_token/.test(last.response!.body)
  )
    return 'tokens';
  return 'open';
}

export function statusClass(x: HttpExchange): TimelineFilter['status'] {
  if (x.error || !x.response) return 'error';
  const s = x.response.status;
  if (s >= 500) return '5xx';
  if (s >= 400) return '4xx';
  return 'ok';
}

function matches(x: HttpExchange, f: TimelineFilter, needle: string): boolean {
  if (f.profile && (x.profileId ?? '') !== f.profile) return false;
  if (f.step && x.step !== f.step) return false;
  if (f.status && statusClass(x) !== f.status) return false;
  if (!needle) return true;
  const hay = [
    x.request.method,
    x.request.url,
    x.step,
    x.request.body ?? '',
    x.response ? String(x.response.status) : '',
    x.response?.body ?? '',
    x.error?.message ?? '',
  ];
  return hay.some((h) => h.toLowerCase().includes(needle));
}

/**
 * The exchanges grouped by run (in the order each run first appears), filtered. The run views
 * (listRuns) are joined where the headers are drawn, so their arrival groups nothing again.
 */
export function groupRuns(exchanges: HttpExchange[], filter: TimelineFilter): RunGroup[] {
  const groups = new Map<string, { all: HttpExchange[]; shown: HttpExchange[] }>();
  const needle = filter.text.trim().toLowerCase();
  for (const x of exchanges) {
    const id = x.runId ?? '';
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { all: [], shown: [] }));
    g.all.push(x);
    if (matches(x, filter, needle)) g.shown.push(x);
  }
  const out: RunGroup[] = [];
  for (const [id, g] of groups) {
    if (!g.shown.length) continue;
    out.push({
      id,
      exchanges: g.shown,
      total: g.all.length,
      outcome: outcomeOf(g.all),
    });
  }
  return out;
}

export function rowsOf(groups: RunGroup[]): Row[] {
  const rows: Row[] = [];
  for (const group of groups) {
    rows.push({ kind: 'run', key: `run:${group.id}`, group });
    for (const x of group.exchanges) rows.push({ kind: 'exchange', key: x.id, x, group });
  }
  return rows;
}

/** "client_assertion" from "{{client_assertion}}": what a mark names, for the reveal prompts. */
export const markName = (placeholder: string) => placeholder.replace(/^\{\{|\}\}$/g, '');

/** The kinds of secret the exchanges were masked for (their marks), sorted. */
export function secretKinds(exchanges: HttpExchange[]): string[] {
  const kinds = new Set<string>();
  for (const x of exchanges) for (const p of Object.keys(x.marks ?? {})) kinds.add(markName(p));
  return [...kinds].sort();
}

export function runTitle(g: RunGroup, run: RunView | undefined): string {
  if (!g.id) return 'No profile';
  return run?.profileName ?? g.exchanges[0]?.profileId ?? 'Unknown profile';
}
