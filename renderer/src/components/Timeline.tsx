import { useState } from 'react';
import type { HttpExchange } from '../../../shared/types.js';
import { useApp, useOp } from '../store/index.js';
import { ActionButton } from './ActionButton.js';
import { CopyButton } from './CopyButton.js';
import { OpError } from './ErrorAlert.js';
import { EXACT_COPY_TITLE, SafeText } from './SafeText.js';

const headerLines = (headers: [string, string][]) => headers.map(([n, v]) => `${n}: ${v}`);

/** The request as text: request line, headers, blank line, body. */
export function rawRequest(x: HttpExchange): string {
  const lines = [`${x.request.method} ${x.request.url}`, ...headerLines(x.request.headers)];
  return x.request.body ? `${lines.join('\n')}\n\n${x.request.body}` : lines.join('\n');
}

/** The response as text: status line, headers, blank line, body; or the failure. */
export function rawResponse(x: HttpExchange): string {
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
  if (!x.response) return <span className="badge badge-info">pending</span>;
  const s = x.response.status;
  const tone = s >= 500 ? 'error' : s >= 400 ? 'error' : s >= 300 ? 'warning' : 'ok';
  return <span className={`badge badge-${tone}`}>{s}</span>;
}

function ExchangeItem({
  x,
  open,
  onToggle,
}: {
  x: HttpExchange;
  open: boolean;
  onToggle: () => void;
}) {
  const panelId = `exchange-${x.id}`;
  const request = rawRequest(x);
  const response = rawResponse(x);
  return (
    <li className="exchange">
      <button
        type="button"
        className="exchange-summary"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={onToggle}
      >
        <span className="exchange-method">{x.request.method}</span>
        <span className="exchange-url">
          <SafeText text={x.request.url} />
        </span>
        <span className="exchange-meta">
          {statusBadge(x)}
          <span className="exchange-duration">{Math.round(x.durationMs)} ms</span>
          <span className="exchange-step">{x.step}</span>
        </span>
      </button>
      {open && (
        <div id={panelId} className="exchange-raw">
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
          </div>
        </div>
      )}
    </li>
  );
}

/** Every HTTP exchange of the run, expandable to the raw request and response. */
export function Timeline() {
  const exchanges = useApp((s) => s.exchanges);
  const clearExchanges = useApp((s) => s.clearExchanges);
  const { busy } = useOp('clearExchanges');
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());

  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <aside className="timeline" aria-labelledby="timeline-title">
      <header className="timeline-header">
        <h2 id="timeline-title">Timeline</h2>
        <span className="muted" aria-live="polite">
          {exchanges.length} {exchanges.length === 1 ? 'exchange' : 'exchanges'}
        </span>
        <ActionButton
          variant="secondary"
          busy={busy}
          disabled={exchanges.length === 0}
          onClick={clearExchanges}
        >
          Clear
        </ActionButton>
      </header>
      <OpError op="clearExchanges" />
      {exchanges.length === 0 ? (
        <p className="empty">No exchanges yet — run a step to see the requests here.</p>
      ) : (
        <ol className="exchanges" aria-label="HTTP exchanges">
          {exchanges.map((x) => (
            <ExchangeItem key={x.id} x={x} open={open.has(x.id)} onToggle={() => toggle(x.id)} />
          ))}
        </ol>
      )}
    </aside>
  );
}
