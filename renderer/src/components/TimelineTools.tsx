import { useId, useMemo, useState } from 'react';
import type { HarExport, HttpExchange, RunView } from '../../../shared/types.js';
import { useApp, useOp } from '../store/index.js';
import type { TimelineFilter } from '../store/timeline.js';
import { ActionButton } from './ActionButton.js';
import { OpError } from './ErrorAlert.js';
import { secretKinds } from './timeline-rows.js';

/** Saves text as a file in the browser's downloads (the desktop app's save dialog). */
export function downloadText(text: string, name: string, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const STATUSES: { value: TimelineFilter['status']; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'ok', label: 'OK (1xx–3xx)' },
  { value: '4xx', label: '4xx' },
  { value: '5xx', label: '5xx' },
  { value: 'error', label: 'No answer (network, TLS, timeout)' },
];

/** Profile, endpoint, status and free text: the timeline shows the exchanges matching them all. */
export function TimelineFilters({
  exchanges,
  runs,
}: {
  exchanges: HttpExchange[];
  runs: RunView[];
}) {
  const filter = useApp((s) => s.timelineFilter);
  const setFilter = useApp((s) => s.setTimelineFilter);
  const id = useId();
  const profiles = useMemo(() => {
    const names = new Map<string, string>();
    for (const r of runs) if (r.profileId) names.set(r.profileId, r.profileName ?? r.profileId);
    for (const x of exchanges)
      if (x.profileId && !names.has(x.profileId)) names.set(x.profileId, x.profileId);
    return [...names].sort((a, b) => a[1].localeCompare(b[1]));
  }, [exchanges, runs]);
  const steps = useMemo(() => [...new Set(exchanges.map((x) => x.step))].sort(), [exchanges]);
  return (
    <div className="timeline-filters" role="search" aria-label="Filter the timeline">
      <span className="field field-inline">
        <label htmlFor={`${id}-profile`}>Profile</label>
        <select
          id={`${id}-profile`}
          className="input"
          value={filter.profile}
          onChange={(e) => setFilter({ profile: e.target.value })}
        >
          <option value="">All profiles</option>
          {profiles.map(([pid, name]) => (
            <option key={pid} value={pid}>
              {name}
            </option>
          ))}
        </select>
      </span>
      <span className="field field-inline">
        <label htmlFor={`${id}-step`}>Endpoint</label>
        <select
          id={`${id}-step`}
          className="input"
          value={filter.step}
          onChange={(e) => setFilter({ step: e.target.value })}
        >
          <option value="">All endpoints</option>
          {steps.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </span>
      <span className="field field-inline">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          className="input"
          value={filter.status}
          onChange={(e) => setFilter({ status: e.target.value as TimelineFilter['status'] })}
        >
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </span>
      <span className="field field-inline">
        <label htmlFor={`${id}-text`}>Text</label>
        <input
          id={`${id}-text`}
          className="input"
          type="search"
          value={filter.text}
          placeholder="URL, body, error…"
          onChange={(e) => setFilter({ text: e.target.value })}
        />
      </span>
    </div>
  );
}

/**
 * "Export HAR…": the visible runs (when a filter is on) or the whole timeline, redacted by default.
 * An unredacted file is made only after a confirmation naming the secrets it will hold.
 */
export function HarExportPanel({
  exchanges,
  visibleRunIds,
  onClose,
}: {
  exchanges: HttpExchange[];
  /** The runs the filter shows; undefined: no filter, the whole timeline. */
  visibleRunIds: string[] | undefined;
  onClose: () => void;
}) {
  const exportHar = useApp((s) => s.exportHar);
  const { busy } = useOp('exportHar');
  const [scope, setScope] = useState<'visible' | 'all'>(visibleRunIds ? 'visible' : 'all');
  const [unredacted, setUnredacted] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [saved, setSaved] = useState<HarExport | null>(null);
  const id = useId();
  const runIds = scope === 'visible' && visibleRunIds ? visibleRunIds : undefined;
  const chosen = runIds ? exchanges.filter((x) => x.runId && runIds.includes(x.runId)) : exchanges;
  const kinds = secretKinds(chosen);

  async function run(redacted: boolean) {
    setSaved(null);
    const har = await exportHar({ ...(runIds ? { runIds } : {}), redacted });
    setConfirming(false);
    if (!har) return;
    downloadText(har.text, har.fileName);
    setSaved(har);
  }

  return (
    <section className="timeline-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Export HAR</h3>
      <fieldset className="fieldset">
        <legend>Which exchanges</legend>
        <label className="check">
          <input
            type="radio"
            name={`${id}-scope`}
            checked={scope === 'visible'}
            disabled={!visibleRunIds}
            onChange={() => setScope('visible')}
          />{' '}
          The runs shown ({visibleRunIds ? visibleRunIds.length : 'no filter on'})
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${id}-scope`}
            checked={scope === 'all'}
            onChange={() => setScope('all')}
          />{' '}
          The whole timeline ({exchanges.length} exchanges)
        </label>
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          checked={unredacted}
          onChange={(e) => {
            setUnredacted(e.target.checked);
            setConfirming(false);
          }}
        />{' '}
        Unredacted (real secret values, for your own replay only)
      </label>
      <p className="muted">
        {unredacted
          ? 'The file will hold the secrets in the clear; you will be asked to confirm.'
          : 'Redacted: each secret is a marker with its length and a short hash, so two files can be compared.'}
      </p>
      {confirming && (
        <div className="confirm-delete" role="group" aria-label="Export an unredacted HAR">
          <p>
            This file will hold in the clear:{' '}
            <strong>{kinds.length ? kinds.join(', ') : 'every value the app still holds'}</strong>.
            Anyone with the file can use them until they expire or are revoked. Do not send it to
            anyone; export a redacted HAR for support.
          </p>
          <div className="inline-actions">
            <ActionButton small variant="danger" busy={busy} onClick={() => void run(false)}>
              Export unredacted HAR
            </ActionButton>
            <button
              type="button"
              className="btn btn-small btn-secondary"
              onClick={() => setConfirming(false)}
            >
              Cancel
            </button>
          </div>
        </div>
      )}
      <div className="inline-actions">
        <ActionButton
          busy={busy && !confirming}
          disabled={confirming || chosen.length === 0}
          onClick={() => (unredacted ? setConfirming(true) : void run(true))}
        >
          {unredacted ? 'Export unredacted HAR…' : 'Export HAR'}
        </ActionButton>
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <OpError op="exportHar" />
      {saved && (
        <p role="status">
          Saved <code>{saved.fileName}</code> ({saved.entries}{' '}
          {saved.entries === 1 ? 'entry' : 'entries'},{' '}
          {saved.redacted
            ? 'redacted'
            : `unredacted: holds ${saved.holds.length ? saved.holds.join(', ') : 'no secret'}`}
          ) in your downloads.
        </p>
      )}
    </section>
  );
}
