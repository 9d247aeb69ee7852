import type { ReactNode } from 'react';

interface Props {
  children: ReactNode;
  onClick?: () => void;
  busy?: boolean;
  disabled?: boolean;
  type?: 'button' | 'submit';
  variant?: 'primary' | 'secondary' | 'danger';
  form?: string;
  small?: boolean;
}

/** An action button: disabled with a "Working…" status while its call is pending. */
export function ActionButton({
  children,
  onClick,
  busy = false,
  disabled = false,
  type = 'button',
  variant = 'primary',
  form,
  small = false,
}: Props) {
  return (
    <span className="action">
      <button
        type={type}
        form={form}
        className={`btn btn-${variant}${small ? ' btn-small' : ''}`}
        onClick={onClick ? () => onClick() : undefined}
        disabled={busy || disabled}
        aria-busy={busy || undefined}
      >
        {children}
      </button>
      {busy && (
        <span className="working" role="status">
          <span className="spinner" aria-hidden="true" />
          Working…
        </span>
      )}
    </span>
  );
}
