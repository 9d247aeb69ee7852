import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton.js';
import { EXACT_COPY_TITLE, SafeText } from './SafeText.js';

export interface KeyValueItem {
  label: string;
  value: ReactNode;
  /** Text to copy; adds a copy button. */
  copy?: string;
}

/** Label / value pairs; values in monospace and wrapped. String values are shown with their
 * invisible characters revealed (SafeText); copy buttons copy the exact text. */
export function KeyValueList({ items, label }: { items: KeyValueItem[]; label?: string }) {
  return (
    <dl className="kv" aria-label={label}>
      {items.map((item) => (
        <div key={item.label} className="kv-row">
          <dt>{item.label}</dt>
          <dd>
            <span className="kv-value">
              {typeof item.value === 'string' ? <SafeText text={item.value} /> : item.value}
            </span>
            {item.copy !== undefined && (
              <CopyButton text={item.copy} what={item.label} title={EXACT_COPY_TITLE} />
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
