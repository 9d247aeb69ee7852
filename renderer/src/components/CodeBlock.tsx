import { useId } from 'react';
import { CopyButton } from './CopyButton.js';

/**
 * Monospace, wrapped text (JSON, JWT, HTTP) with a copy button. The block is labelled by its
 * caption, so `getByLabel(label)` finds it and its textContent is exactly `text`.
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
  return (
    <figure className="code-figure">
      <figcaption id={captionId}>{label}</figcaption>
      <pre className="code" role="group" tabIndex={0} aria-labelledby={captionId}>
        {text}
      </pre>
      <div className="code-actions">
        <CopyButton text={text} what={what} />
      </div>
    </figure>
  );
}
