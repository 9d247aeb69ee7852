import { useId, useState } from 'react';
import { CopyButton } from './CopyButton.js';
import { EXACT_COPY_TITLE, SafeText } from './SafeText.js';

/** Text longer than this is shown shortened (with a button to show all): laying out a huge
 * block costs the browser tens of milliseconds, and nobody reads 64 KB in place. */
const LONG = 20_000;
const SHOWN = 4_000;

/**
 * Monospace, wrapped text (JSON, JWT, HTTP) with a copy button. The block is labelled by its
 * caption, so `getByLabel(label)` finds it and its textContent is exactly `text` (for text up to
 * 20,000 characters; longer text is shortened until "Show all" is pressed), except that invisible
 * characters (bidi controls, zero-width, control characters) are shown as `⟨U+XXXX⟩` markers.
 * Copy always copies all of it, exactly as it is.
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
        <SafeText text={short ? `${text.slice(0, SHOWN)}…` : text} />
      </pre>
      <div className="code-actions">
        <CopyButton text={text} what={what} title={EXACT_COPY_TITLE} />
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
