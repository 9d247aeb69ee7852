import { useEffect, useRef, useState } from 'react';
import { copyText } from './clipboard.js';

interface Props {
  text: string;
  /** Visible text; "Copy" by default. */
  label?: string;
  /** What is copied, for the accessible name: "Copy <what>". */
  what?: string;
  disabled?: boolean;
  /** Tooltip of the button. */
  title?: string;
}

/** A copy button with a short, announced confirmation. */
export function CopyButton({ text, label = 'Copy', what, disabled, title }: Props) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function onClick() {
    const done = await copyText(text);
    setStatus(done ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setStatus('idle'), done ? 2000 : 6000);
  }

  return (
    <span className="copy">
      <button
        type="button"
        className="btn btn-small"
        onClick={onClick}
        disabled={disabled}
        title={title}
        aria-label={what && label === 'Copy' ? `Copy ${what}` : undefined}
      >
        {label}
      </button>
      <span role="status" className={`copy-status ${status}`}>
        {status === 'copied'
          ? 'Copied'
          : status === 'failed'
            ? 'Copy failed — select the text and press Ctrl+C'
            : ''}
      </span>
    </span>
  );
}
