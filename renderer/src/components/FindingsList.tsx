import type { Finding } from '../../../shared/diagnosis/codes.js';

interface Props {
  findings: Finding[];
  /** Accessible name of the list. */
  label?: string;
  /** Text when there are no findings; nothing is shown when omitted. */
  emptyText?: string;
}

/** Diagnoses in the order given (most likely cause first). */
export function FindingsList({ findings, label = 'Findings', emptyText }: Props) {
  if (findings.length === 0) {
    return emptyText ? <p className="ok-text">{emptyText}</p> : null;
  }
  return (
    <ul className="findings" aria-label={label}>
      {findings.map((f, i) => (
        <li key={`${f.code}-${i}`} className={`finding sev-${f.severity}`}>
          <div className="finding-head">
            <span className={`badge badge-${f.severity}`}>{f.severity}</span>
            <code className="finding-code">{f.code}</code>
            <strong className="finding-title">{f.title}</strong>
          </div>
          <p className="finding-evidence">
            <span className="finding-label">Evidence:</span> {f.evidence}
          </p>
          <p className="finding-fix">
            <span className="finding-label">Fix:</span> {f.fix}
          </p>
          {f.source && <p className="finding-source">Source: {f.source}</p>}
        </li>
      ))}
    </ul>
  );
}
