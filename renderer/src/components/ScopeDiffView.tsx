import type { ScopeDiff } from '../../../shared/types.js';
import { SafeText } from './SafeText.js';

const ROWS: { key: keyof ScopeDiff; label: string; tone: string }[] = [
  { key: 'requested', label: 'Requested', tone: '' },
  { key: 'granted', label: 'Granted', tone: 'chip-ok' },
  { key: 'missing', label: 'Missing (requested, not granted)', tone: 'chip-error' },
  { key: 'extra', label: 'Extra (granted, not requested)', tone: 'chip-warning' },
];

/** Requested vs granted scopes. */
export function ScopeDiffView({ diff }: { diff: ScopeDiff }) {
  return (
    <dl className="scope-diff" aria-label="Scope comparison">
      {ROWS.map(({ key, label, tone }) => (
        <div key={key} className="kv-row">
          <dt>{label}</dt>
          <dd>
            {diff[key].length === 0 ? (
              <span className="muted">none</span>
            ) : (
              <ul className="chips">
                {diff[key].map((s) => (
                  <li key={s} className={`chip ${tone}`}>
                    <code>
                      <SafeText text={s} />
                    </code>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
