import { BASIS_MEANING, basisWords } from '../../../shared/diagnosis/basis.js';
import type { Finding } from '../../../shared/diagnosis/codes.js';
import { GlossaryLink } from './Glossary.js';
import { SafeText } from './SafeText.js';

interface Props {
  findings: Finding[];
  /** Accessible name of the list. */
  label?: string;
  /** Text when there are no findings; nothing is shown when omitted. */
  emptyText?: string;
  /** Findings of evidence someone sent (the Inspector), not of this app's own run. */
  where?: 'run' | 'evidence';
}

/** Diagnoses in the order given (most likely cause first), each with what it rests on. */
export function FindingsList({ findings, label = 'Findings', emptyText, where = 'run' }: Props) {
  if (findings.length === 0) {
    return emptyText ? <p className="ok-text">{emptyText}</p> : null;
  }
  return (
    <ul className="findings" aria-label={label}>
      {findings.map((f, i) => (
        <li key={`${f.code}-${i}`} className={`finding sev-${f.severity}`}>
          <div className="finding-head">
            <span className={`badge badge-${f.severity}`}>{f.severity}</span>
            <GlossaryLink code={f.code} className="finding-code" />
            <strong className="finding-title">
              <SafeText text={f.title} />
            </strong>
            <span className={`basis basis-${f.basis}`} title={BASIS_MEANING[f.basis]}>
              {basisWords(f.basis, where)}
            </span>
          </div>
          <p className="finding-evidence">
            <span className="finding-label">Evidence:</span> <SafeText text={f.evidence} />
          </p>
          <p className="finding-fix">
            <span className="finding-label">Fix:</span> <SafeText text={f.fix} />
          </p>
          {f.source && (
            <p className="finding-source">
              Source: <SafeText text={f.source} />
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
