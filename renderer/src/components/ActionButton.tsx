import { useEffect, useRef, type ReactNode } from 'react';
import { useApp } from '../store/index.js';
import type { OpKey } from '../store/ops.js';
import { NETWORK_OPS } from '../store/token-request.js';

interface Props {
  children: ReactNode;
  onClick?: () => void;
  busy?: boolean;
  disabled?: boolean;
  type?: 'button' | 'submit';
  variant?: 'primary' | 'secondary' | 'danger';
  form?: string;
  small?: boolean;
  /**
   * While busy, offer "Cancel request" (aborts the engine's requests in flight). Default: shown
   * when a call that waits on a server (NETWORK_OPS) is running; false hides it.
   */
  cancellable?: boolean;
}

const NETWORK_KEYS = Object.keys(NETWORK_OPS) as OpKey[];

/**
 * An action button: disabled with a "Working…" status while its call is pending, and a Cancel
 * beside it while that call waits on a server.
 */
export function ActionButton({
  children,
  onClick,
  busy = false,
  disabled = false,
  type = 'button',
  variant = 'primary',
  form,
  small = false,
  cancellable,
}: Props) {
  const networkBusy = useApp((s) => NETWORK_KEYS.some((k) => s.ops[k]?.busy));
  const cancelRequests = useApp((s) => s.cancelRequests);
  const cancelling = useApp((s) => s.ops.cancelRequests?.busy ?? false);
  const button = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  const showCancel = busy && (cancellable ?? networkBusy);

  // After a cancel, focus returns to the button (enabled again) rather than dropping to the page.
  useEffect(() => {
    if (!busy && refocus.current) {
      refocus.current = false;
      button.current?.focus();
    }
  }, [busy]);

  return (
    <span className="action">
      <button
        ref={button}
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
      {showCancel && (
        <button
          type="button"
          className="btn btn-small btn-secondary action-cancel"
          disabled={cancelling}
          onClick={() => {
            refocus.current = true;
            void cancelRequests();
          }}
        >
          Cancel request
        </button>
      )}
    </span>
  );
}
