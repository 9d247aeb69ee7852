import { localDate } from './format.js';
import { useId, useState } from 'react';
import type { RunView } from '../../../shared/types.js';
import { useApp, useOp } from '../store/index.js';
import { ActionButton } from './ActionButton.js';
import { CopyButton } from './CopyButton.js';
import { OpError } from './ErrorAlert.js';
import { SafeText } from './SafeText.js';

const runLabel = (r: RunView) =>
  `${r.profileName ?? r.profileId ?? 'No profile'} · ${r.flow} · ${localDate(r.startedAt)}`;

/** "Compare runs": two runs of the timeline, what changed between them (secrets by their marks). */
export function RunDiffView({ onClose }: { onClose: () => void }) {
  const runs = useApp((s) => s.runs);
  const exchanges = useApp((s) => s.exchanges);
  const diffRuns = useApp((s) => s.diffRuns);
  const diff = useApp((s) => s.runDiff);
  const { busy } = useOp('diffRuns');
  const id = useId();
  // Runs with at least one exchange: an empty run has nothing to compare.
  const withExchanges = runs.filter((r) => exchanges.some((x) => x.runId === r.id));
  const [a, setA] = useState(withExchanges.at(-2)?.id ?? '');
  const [b, setB] = useState(withExchanges.at(-1)?.id ?? '');
  const [asked, setAsked] = useState<{ a: string; b: string } | null>(null);
  const name = (runId: string) => {
    const r = runs.find((x) => x.id === runId);
    return r ? runLabel(r) : runId;
  };

  return (
    <section className="timeline-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Compare runs</h3>
      {withExchanges.length < 2 ? (
        <p className="empty">
          Two runs are needed to compare: run a flow twice (a good and a bad one, say).
        </p>
      ) : (
        <>
          <div className="timeline-filters">
            {(
              [
                ['a', a, setA],
                ['b', b, setB],
              ] as const
            ).map(([side, value, set]) => (
              <span key={side} className="field field-inline">
                <label htmlFor={`${id}-${side}`}>Run {side.toUpperCase()}</label>
                <select
                  id={`${id}-${side}`}
                  className="input"
                  value={value}
                  onChange={(e) => set(e.target.value)}
                >
                  {withExchanges.map((r) => (
                    <option key={r.id} value={r.id}>
                      {runLabel(r)}
                    </option>
                  ))}
                </select>
              </span>
            ))}
          </div>
          {a === b && <p className="warn-text">Pick two different runs.</p>}
          <div className="inline-actions">
            <ActionButton
              busy={busy}
              disabled={!a || !b || a === b}
              onClick={async () => {
                setAsked({ a, b });
                await diffRuns({ runId: a }, { runId: b });
              }}
            >
              Compare
            </ActionButton>
            <button type="button" className="btn btn-secondary" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
      <OpError op="diffRuns" />
      {diff && asked && (
        <div className="table-wrap">
          {diff.differences.length === 0 ? (
            <p className="empty" role="status">
              No differences: the two runs sent and received the same (secrets compared by their
              hashes).
            </p>
          ) : (
            // Stacked rows in the narrow timeline pane (CSS); the roles keep it a table for
            // screen readers when display changes.
            <table className="table table-compact run-diff" role="table">
              <caption>
                {diff.differences.length}{' '}
                {diff.differences.length === 1 ? 'difference' : 'differences'} between A (
                {name(asked.a)}) and B ({name(asked.b)})
              </caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">
                    Where
                  </th>
                  <th scope="col" role="columnheader">
                    Field
                  </th>
                  <th scope="col" role="columnheader">
                    A
                  </th>
                  <th scope="col" role="columnheader">
                    B
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {diff.differences.map((d, i) => (
                  <tr key={i} role="row">
                    <td role="cell" className="run-diff-where">
                      <SafeText text={d.where} />
                    </td>
                    <td role="cell" className="run-diff-field">
                      <code className="wrap">
                        <SafeText text={d.field} />
                      </code>
                    </td>
                    <DiffCell value={d.a} what={`A ${d.field}`} />
                    <DiffCell value={d.b} what={`B ${d.field}`} />
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}

function DiffCell({ value, what }: { value: string | undefined; what: string }) {
  const side = what.slice(0, 1);
  if (value === undefined)
    return (
      <td role="cell" className="muted" data-side={side}>
        (absent)
      </td>
    );
  return (
    <td role="cell" data-side={side}>
      <code className="wrap">
        <SafeText text={value} />
      </code>{' '}
      <CopyButton text={value} what={what} />
    </td>
  );
}
