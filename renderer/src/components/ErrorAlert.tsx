import type { AppError } from '../../../shared/result.js';
import { useApp, useOp, type OpKey } from '../store/index.js';
import { SafeText } from './SafeText.js';

/** A failed call: what went wrong and what to do about it. */
export function ErrorAlert({ error, onDismiss }: { error: AppError; onDismiss?: () => void }) {
  return (
    <div role="alert" className="alert">
      <p className="alert-message">
        <span className="alert-code">{error.code}</span> <SafeText text={error.message} />
      </p>
      {error.fix && (
        <p className="alert-fix">
          <strong>How to fix:</strong> <SafeText text={error.fix} />
        </p>
      )}
      {onDismiss && (
        <button type="button" className="btn btn-small btn-secondary" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

/** The last error of one store operation, if any. */
export function OpError({ op }: { op: OpKey }) {
  const { error } = useOp(op);
  const dismissError = useApp((s) => s.dismissError);
  if (!error) return null;
  return <ErrorAlert error={error} onDismiss={() => dismissError(op)} />;
}
