import { localDate } from './format.js';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HttpExchange, RunView } from '../../../shared/types.js';
import { useApp, useOp } from '../store/index.js';
import { ActionButton } from './ActionButton.js';
import { copyText } from './clipboard.js';
import { CopyButton } from './CopyButton.js';
import { ErrorAlert, OpError } from './ErrorAlert.js';
import { RunDiffView } from './RunDiffView.js';
import { EXACT_COPY_TITLE, SafeText } from './SafeText.js';
import { downloadText, HarExportPanel, TimelineFilters } from './TimelineTools.js';
import {
  groupRuns,
  markName,
  rowsOf,
  runTitle,
  type Row,
  type RunGroup,
  type RunOutcome,
} from './timeline-rows.js';
import { useWindowedRows } from './use-windowed-rows.js';

const headerLines = (headers: [string, string][]) => headers.map(([n, v]) => `${n}: ${v}`);

/** The request as text: request line, headers, blank line, body. */
export function rawRequest(x: HttpExchange): string {
  const lines = [`${x.request.method} ${x.request.url}`, ...headerLines(x.request.headers)];
  return x.request.body ? `${lines.join('\n')}\n\n${x.request.body}` : lines.join('\n');
}

/** The response as text: status line, headers, blank line, body; or the failure. */
export function rawResponse(x: HttpExchange): string {
  if (!x.response && x.channel === 'front') {
    return 'No response here: the browser made this request, so the app saw only its address.';
  }
  if (!x.response) {
    return x.error ? `No response: ${x.error.code} — ${x.error.message}` : 'No response.';
  }
  const r = x.response;
  const lines = [`HTTP ${r.status} ${r.statusText}`.trim(), ...headerLines(r.headers)];
  let body = r.body;
  if (r.truncated) body += `\n\n[body truncated: ${r.bodyBytes} bytes in total]`;
  return body ? `${lines.join('\n')}\n\n${body}` : lines.join('\n');
}

function statusBadge(x: HttpExchange) {
  if (x.error) return <span className="badge badge-error">{x.error.code}</span>;
  // A browser hop has no response the app could see: nothing is pending.
  if (!x.response && x.channel === 'front') return null;
  if (!x.response) return <span className="badge badge-info">pending</span>;
  const s = x.response.status;
  const tone = s >= 500 ? 'error' : s >= 400 ? 'error' : s >= 300 ? 'warning' : 'ok';
  return <span className={`badge badge-${tone}`}>{s}</span>;
}

const OUTCOME: Record<RunOutcome, { label: string; tone: string }> = {
  tokens: { label: 'tokens', tone: 'ok' },
  refused: { label: 'refused', tone: 'error' },
  failed: { label: 'failed', tone: 'error' },
  open: { label: 'open', tone: 'info' },
};

/**
 * "Copy runnable curl": the real values go to the clipboard only after the user confirmed, having
 * read which secrets the command will hold.
 */
function RunnableCurl({ x }: { x: HttpExchange }) {
  const runnableCurl = useApp((s) => s.runnableCurl);
  const { busy } = useOp('runnableCurl');
  const [state, setState] = useState<
    | { step: 'idle' }
    | { step: 'asking' }
    | { step: 'copied'; holds: string[]; copied: boolean; curl: string }
    | { step: 'failed'; error: NonNullable<ReturnType<typeof useOp>['error']> }
  >({ step: 'idle' });
  const kinds = Object.keys(x.marks ?? {}).map(markName);
  // Presenter mode shows no secret at all, and offers no reveal either.
  const presenter = useApp((s) => s.presenter);
  if (presenter) return null;

  async function reveal() {
    const r = await runnableCurl(x.id);
    if (!r) {
      const error = useApp.getState().ops.runnableCurl?.error;
      if (error) setState({ step: 'failed', error });
      useApp.getState().dismissError('runnableCurl');
      return;
    }
    setState({ step: 'copied', holds: r.holds, copied: await copyText(r.curl), curl: r.curl });
  }

  if (state.step === 'asking')
    return (
      <div className="confirm-delete" role="group" aria-label="Copy runnable curl">
        <p>
          The runnable curl holds the real values
          {kinds.length ? <> of {kinds.join(', ')}</> : null}: anyone who sees the clipboard, or
          where you paste it, can use them. Copy it only to replay the request yourself.
        </p>
        <div className="inline-actions">
          <ActionButton small variant="danger" busy={busy} onClick={() => void reveal()}>
            Reveal and copy
          </ActionButton>
          <button
            type="button"
            className="btn btn-small btn-secondary"
            onClick={() => setState({ step: 'idle' })}
          >
            Cancel
          </button>
        </div>
      </div>
    );
  return (
    <>
      <button type="button" className="btn btn-small" onClick={() => setState({ step: 'asking' })}>
        Copy runnable curl…
      </button>
      {state.step === 'copied' && (
        <p role="status" className="warn-text">
          {state.copied
            ? `Copied a runnable curl${state.holds.length ? ` holding ${state.holds.join(', ')} in the clear` : ''}.`
            : 'The clipboard refused the runnable curl; nothing was copied.'}
        </p>
      )}
      {state.step === 'failed' && (
        <ErrorAlert error={state.error} onDismiss={() => setState({ step: 'idle' })} />
      )}
    </>
  );
}

const ExchangeItem = memo(function ExchangeItem({
  x,
  open,
  onToggle,
  position,
  size,
  measure,
}: {
  x: HttpExchange;
  open: boolean;
  onToggle: (id: string) => void;
  position: number;
  size: number;
  measure: (key: string, el: HTMLElement | null) => void;
}) {
  const panelId = `exchange-${x.id}`;
  const ref = useCallback((el: HTMLLIElement | null) => measure(x.id, el), [measure, x.id]);
  return (
    <li
      className={`exchange${x.channel === 'front' ? ' exchange-front' : ''}`}
      ref={ref}
      aria-posinset={position}
      aria-setsize={size}
      data-exchange-id={x.id}
    >
      <button
        type="button"
        className="exchange-summary"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => onToggle(x.id)}
      >
        <span className="exchange-method">{x.request.method}</span>
        <span className="exchange-url">
          <SafeText text={x.request.url} />
        </span>
        <span className="exchange-meta">
          {statusBadge(x)}
          {x.channel === 'front' && (
            <span
              className="badge badge-info"
              title="The browser made this request: the app saw its address, not its answer."
            >
              browser hop
            </span>
          )}
          {x.tls?.warning && (
            <span className="badge badge-warning" title={x.tls.warning}>
              TLS checks off
            </span>
          )}
          {!(x.channel === 'front' && !x.response) && (
            <span className="exchange-duration">{Math.round(x.durationMs)} ms</span>
          )}
          <span className="exchange-step">{x.step}</span>
        </span>
      </button>
      {open && <ExchangeDetails x={x} panelId={panelId} />}
    </li>
  );
});

function ExchangeDetails({ x, panelId }: { x: HttpExchange; panelId: string }) {
  const request = rawRequest(x);
  const response = rawResponse(x);
  return (
    <div id={panelId} className="exchange-raw">
      {x.channel === 'front' && (
        <p className="muted">
          A hop the browser made, not the app: what the app saw of it (the authorize redirect or the
          callback).
        </p>
      )}
      {x.error && (
        <p className="alert-inline">
          <SafeText text={`${x.error.code}: ${x.error.message}`} />
        </p>
      )}
      {x.tls?.warning && (
        <p className="warn-text">
          TLS: <SafeText text={x.tls.warning} />
        </p>
      )}
      {x.response?.redirectNotFollowed && (
        <p className="warn-text">
          Redirect to{' '}
          <code className="wrap">
            <SafeText text={x.response.redirectNotFollowed} />
          </code>{' '}
          was not followed.
        </p>
      )}
      <h3 className="raw-title" id={`${panelId}-req`}>
        Request
      </h3>
      <pre className="code" role="group" tabIndex={0} aria-labelledby={`${panelId}-req`}>
        <SafeText text={request} />
      </pre>
      <h3 className="raw-title" id={`${panelId}-res`}>
        Response
      </h3>
      <pre className="code" role="group" tabIndex={0} aria-labelledby={`${panelId}-res`}>
        <SafeText text={response} />
      </pre>
      <div className="inline-actions">
        <CopyButton text={x.curl} label="Copy as curl" title={EXACT_COPY_TITLE} />
        <CopyButton
          text={`${request}\n\n${response}`}
          what="request and response"
          title={EXACT_COPY_TITLE}
        />
        <RunnableCurl x={x} />
      </div>
    </div>
  );
}

function RunHeader({
  group,
  run,
  measure,
  position,
  size,
}: {
  group: RunGroup;
  run: RunView | undefined;
  measure: (key: string, el: HTMLElement | null) => void;
  position: number;
  size: number;
}) {
  const exportBundle = useApp((s) => s.exportBundle);
  const { busy } = useOp('exportBundle');
  const key = `run:${group.id}`;
  const ref = useCallback((el: HTMLLIElement | null) => measure(key, el), [measure, key]);
  const title = runTitle(group, run);
  const count =
    group.exchanges.length === group.total
      ? `${group.total} ${group.total === 1 ? 'exchange' : 'exchanges'}`
      : `${group.exchanges.length} of ${group.total} exchanges`;
  const outcome = OUTCOME[group.outcome];
  return (
    <li className="run-row" ref={ref} aria-posinset={position} aria-setsize={size}>
      <h3 className="run-title">
        {title}
        {run ? <span className="run-flow"> · {run.flow}</span> : null}
      </h3>
      <p className="run-meta">
        {run && <span>{localDate(run.startedAt)}</span>}
        <span>{count}</span>
        {group.id && (
          <span className={`badge badge-${outcome.tone}`} title="How the run ended">
            {outcome.label}
          </span>
        )}
        {group.id && (
          <ActionButton
            small
            variant="secondary"
            busy={busy}
            onClick={async () => {
              const b = await exportBundle(group.id);
              if (b) downloadText(b.text, b.fileName);
            }}
          >
            <span className="offscreen">{`${title} ${run?.flow ?? ''}: `}</span>Export case bundle
          </ActionButton>
        )}
      </p>
    </li>
  );
}

const estimate = (rows: Row[]) => (i: number) => (rows[i]!.kind === 'run' ? 62 : 58);

/** The note the bounded saved timeline leaves when it dropped older runs. */
function droppedNote(runs: RunView[]): string | null {
  const d = runs.find((r) => r.droppedBefore)?.droppedBefore;
  if (!d || !d.exchanges) return null;
  return `${d.exchanges} older ${d.exchanges === 1 ? 'exchange' : 'exchanges'} dropped: the saved timeline keeps the last 100 runs or 5,000 exchanges.`;
}

/** Clear asks first, then offers Undo (the engine keeps what it cleared under an undo id). */
function ClearControl({ count }: { count: number }) {
  const clearExchanges = useApp((s) => s.clearExchanges);
  const undoClear = useApp((s) => s.undoClear);
  const lastClear = useApp((s) => s.lastClear);
  const { busy } = useOp('clearExchanges');
  const restoring = useOp('restoreExchanges').busy;
  const [asking, setAsking] = useState(false);
  return (
    <>
      <ActionButton
        small
        variant="secondary"
        busy={busy}
        disabled={count === 0 || asking}
        onClick={() => setAsking(true)}
      >
        Clear
      </ActionButton>
      {asking && (
        <div className="confirm-delete timeline-wide" role="group" aria-label="Clear the timeline">
          <p>
            Clear all {count} {count === 1 ? 'exchange' : 'exchanges'} from the timeline and from
            the saved runs? You can undo it right after.
          </p>
          <div className="inline-actions">
            <ActionButton
              small
              variant="danger"
              busy={busy}
              onClick={async () => {
                await clearExchanges();
                setAsking(false);
              }}
            >
              Clear timeline
            </ActionButton>
            <button
              type="button"
              className="btn btn-small btn-secondary"
              onClick={() => setAsking(false)}
            >
              Keep them
            </button>
          </div>
        </div>
      )}
      {lastClear && !asking && (
        <p className="timeline-wide inline-actions" role="status">
          Cleared {lastClear.cleared} {lastClear.cleared === 1 ? 'exchange' : 'exchanges'}.
          <ActionButton small variant="secondary" busy={restoring} onClick={undoClear}>
            Undo
          </ActionButton>
        </p>
      )}
    </>
  );
}

/** Every HTTP exchange, grouped by run, filtered, windowed: only the rows in view are drawn. */
export function Timeline() {
  const exchanges = useApp((s) => s.exchanges);
  const runs = useApp((s) => s.runs);
  const filter = useApp((s) => s.timelineFilter);
  const listed = useApp((s) => s.exchangesListed);
  const setFilter = useApp((s) => s.setTimelineFilter);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const [panel, setPanel] = useState<'none' | 'har' | 'compare'>('none');
  const scrollRef = useRef<HTMLElement>(null);
  const listRef = useRef<HTMLOListElement>(null);

  const groups = useMemo(() => groupRuns(exchanges, filter), [exchanges, filter]);
  const runById = useMemo(() => new Map(runs.map((r) => [r.id, r])), [runs]);
  const rows = useMemo(() => rowsOf(groups), [groups]);
  const keys = useMemo(() => rows.map((r) => r.key), [rows]);
  const estimateRow = useMemo(() => estimate(rows), [rows]);
  const win = useWindowedRows(keys, estimateRow, scrollRef, listRef);
  const shown = groups.reduce((n, g) => n + g.exchanges.length, 0);
  const note = droppedNote(runs);

  const toggle = useCallback(
    (id: string) =>
      setOpen((prev) => {
        const next = new Set(prev);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );

  // An exchange picked elsewhere (the sequence diagram): shown (filters off if they hide it),
  // opened, scrolled to and focused.
  const pending = useRef<string | null>(null);
  useEffect(
    () =>
      useApp.subscribe((s, prev) => {
        const picked = s.focusedExchange;
        if (!picked || picked === prev.focusedExchange) return;
        pending.current = picked.id;
        setOpen((was) => new Set(was).add(picked.id));
        const f = s.timelineFilter;
        if (f.profile || f.step || f.status || f.text)
          s.setTimelineFilter({ profile: '', step: '', status: '', text: '' });
      }),
    [],
  );
  useEffect(() => {
    const id = pending.current;
    if (!id) return;
    const index = keys.indexOf(id);
    if (index < 0) return;
    const el = [
      ...(listRef.current?.querySelectorAll<HTMLElement>('[data-exchange-id]') ?? []),
    ].find((li) => li.dataset.exchangeId === id);
    if (!el) {
      if (scrollRef.current)
        scrollRef.current.scrollTop = (listRef.current?.offsetTop ?? 0) + win.offsetOf(index);
      return;
    }
    pending.current = null;
    el.scrollIntoView?.({ block: 'nearest' });
    el.querySelector<HTMLElement>('.exchange-summary')?.focus();
  });

  const visibleRunIds = groups.map((g) => g.id).filter(Boolean);
  const filtered = !!(filter.profile || filter.step || filter.status || filter.text.trim());

  return (
    <aside className="timeline" aria-labelledby="timeline-title" ref={scrollRef}>
      <header className="timeline-header">
        <h2 id="timeline-title">Timeline</h2>
        <span className="muted" aria-live="polite">
          {listed
            ? `Listing the saved exchanges: ${listed.listed} of ${listed.total}…`
            : filtered
              ? `${shown} of ${exchanges.length} exchanges`
              : `${exchanges.length} ${exchanges.length === 1 ? 'exchange' : 'exchanges'}`}
        </span>
        <span className="timeline-actions">
          <button
            type="button"
            className="btn btn-secondary btn-small"
            aria-expanded={panel === 'har'}
            disabled={exchanges.length === 0}
            onClick={() => setPanel(panel === 'har' ? 'none' : 'har')}
          >
            Export HAR…
          </button>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            aria-expanded={panel === 'compare'}
            disabled={runs.length === 0}
            onClick={() => setPanel(panel === 'compare' ? 'none' : 'compare')}
          >
            Compare runs
          </button>
          <ClearControl count={exchanges.length} />
        </span>
      </header>
      <OpError op="listExchanges" />
      <OpError op="clearExchanges" />
      <OpError op="restoreExchanges" />
      <OpError op="exportBundle" />
      {panel === 'har' && (
        <HarExportPanel
          exchanges={exchanges}
          visibleRunIds={filtered ? visibleRunIds : undefined}
          onClose={() => setPanel('none')}
        />
      )}
      {panel === 'compare' && <RunDiffView onClose={() => setPanel('none')} />}
      {exchanges.length > 0 && <TimelineFilters exchanges={exchanges} runs={runs} />}
      {note && <p className="muted timeline-note">{note}</p>}
      {exchanges.length === 0 ? (
        <p className="empty">No exchanges yet — run a step to see the requests here.</p>
      ) : rows.length === 0 ? (
        <p className="empty">
          No exchange matches the filter.{' '}
          <button
            type="button"
            className="btn btn-small btn-secondary"
            onClick={() => setFilter({ profile: '', step: '', status: '', text: '' })}
          >
            Show all
          </button>
        </p>
      ) : (
        <ol
          className="exchanges exchanges-windowed"
          aria-label="HTTP exchanges"
          ref={listRef}
          style={{ paddingTop: win.before, paddingBottom: win.after }}
        >
          {rows
            .slice(win.start, win.end)
            .map((row, i) =>
              row.kind === 'run' ? (
                <RunHeader
                  key={row.key}
                  group={row.group}
                  run={runById.get(row.group.id)}
                  measure={win.measure}
                  position={win.start + i + 1}
                  size={rows.length}
                />
              ) : (
                <ExchangeItem
                  key={row.key}
                  x={row.x}
                  open={open.has(row.x.id)}
                  onToggle={toggle}
                  measure={win.measure}
                  position={win.start + i + 1}
                  size={rows.length}
                />
              ),
            )}
        </ol>
      )}
    </aside>
  );
}
