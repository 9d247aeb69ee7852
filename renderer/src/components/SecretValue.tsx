import { useApp } from '../store/index.js';
import { CopyButton } from './CopyButton.js';
import { SafeText } from './SafeText.js';

interface Props {
  masked: string;
  revealed: string | null;
  what: string;
  onReveal: () => void;
  onHide: () => void;
  busy?: boolean;
  /** Offer a copy of the masked value while hidden (e.g. a masked assertion for a ticket). */
  copyMasked?: boolean;
}

/** A masked secret with an explicit Reveal / Hide; the real value is copied only once revealed. */
export function SecretValue({ masked, revealed, what, onReveal, onHide, busy, copyMasked }: Props) {
  // Presenter mode (issue 12 §3): on a projector not even the masked ends show, and nothing reveals.
  const presenter = useApp((s) => s.presenter);
  if (presenter)
    return (
      <div className="secret">
        <p className="value muted secret-hidden">Hidden in presenter mode</p>
      </div>
    );
  return (
    <div className="secret">
      <code className={`value wrap ${revealed ? 'revealed' : 'masked'}`}>
        <SafeText text={revealed ?? masked} />
      </code>
      <div className="inline-actions">
        {revealed ? (
          <button type="button" className="btn btn-small btn-secondary" onClick={onHide}>
            Hide
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small btn-secondary"
            onClick={onReveal}
            disabled={busy}
            aria-busy={busy || undefined}
          >
            Reveal
          </button>
        )}
        {revealed ? (
          <CopyButton text={revealed} what={what} />
        ) : (
          copyMasked && <CopyButton text={masked} what={`masked ${what}`} />
        )}
      </div>
      {revealed && (
        <p className="hint warn-text">
          Shown in clear: anyone who sees your screen can use it. Press Hide when done.
        </p>
      )}
    </div>
  );
}
