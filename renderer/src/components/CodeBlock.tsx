import { useId, useState } from 'react';
import { CopyButton } from './CopyButton.js';

/** Text longer than this is shown shortened (with a button to show all): laying out a huge
 * block costs the browser tens of milliseconds, and nobody reads 64 KB in place. */
const LONG = 20_000;
const SHOWN = 4_000;

/**
 * Monospace, wrapped text (JSON, JWT, HTTP) with a copy button. The block is labelled by its
 * caption, so `getByLabel(label)` finds it and its textContent is exactly `text` (for text up to
 * 20,000 characters; longer text is shortened until "Show all" is pressed). Copy always copies
 * all of it.
 */
export function CodeBlock({
  text,
  what,
  label,
}: {
  text: string;
  /** For the copy button's name: "Copy <what>". */
  what: string;
  /** Visible caption above the block. */
  label: string;
}) {
  const captionId = useId();
  const [all, setAll] = useState(false);
  const short = text.length > LONG && !all;
  return (
    <figure className="code-figure">
      <figcaption id={captionId}>{label}</figcaption>
      <pre className="code" role="group" tabIndex={0} aria-labelledby={captionId}>
        {short ? `${text.slice(0, SHOWN)}…` : text}
      </pre>
      <div className="code-actions">
        <CopyButton text={text} what={what} />
        {short && (
          <button
            type="button"
            className="btn btn-small btn-secondary"
            onClick={() => setAll(true)}
          >
            Show all ({text.length.toLocaleString()} characters)
          </button>
        )}
      </div>
    </figure>
  );
}
