import { SafeText } from './SafeText.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Named checks with a pass / fail mark and what was seen. */
export function ChecksList({ checks, label }: { checks: Check[]; label: string }) {
  if (checks.length === 0) return null;
  return (
    <ul className="checks" aria-label={label}>
      {checks.map((c) => (
        <li key={c.name} className={`check-row ${c.ok ? 'pass' : 'fail'}`}>
          <span className={`badge ${c.ok ? 'badge-ok' : 'badge-error'}`}>
            <span aria-hidden="true">{c.ok ? '✓ ' : '✗ '}</span>
            {c.ok ? 'pass' : 'fail'}
          </span>
          <code className="check-name">{c.name}</code>
          <span className="check-detail">
            <SafeText text={c.detail} />
          </span>
        </li>
      ))}
    </ul>
  );
}
