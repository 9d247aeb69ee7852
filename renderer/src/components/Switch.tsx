import type { ReactNode } from 'react';

interface Props {
  /** Visible text; also the switch's accessible name. */
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  busy?: boolean;
  disabled?: boolean;
  /** Shown beside the switch (e.g. when the next automatic action happens). */
  children?: ReactNode;
}

/** An on/off switch: a button with role="switch", operable with Space and Enter. */
export function Switch({
  label,
  checked,
  onChange,
  busy = false,
  disabled = false,
  children,
}: Props) {
  return (
    <span className="switch-field">
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        className="switch"
        onClick={() => onChange(!checked)}
        disabled={busy || disabled}
        aria-busy={busy || undefined}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-label">{label}</span>
        <span className="switch-state" aria-hidden="true">
          {checked ? 'On' : 'Off'}
        </span>
      </button>
      {children}
    </span>
  );
}
