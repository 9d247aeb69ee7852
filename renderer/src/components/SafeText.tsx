import { memo } from 'react';
import { codepointLabel, invisibleMarker, revealInvisible } from '../../../shared/visible-text.js';

/** Said on copy buttons next to revealed text: they copy what was sent, not the markers. */
export const EXACT_COPY_TITLE = 'Copies the exact text, invisible characters included';

/**
 * Text from a server or a customer, shown as text with its invisible characters made visible:
 * a right-to-left override, a zero-width space or a control character is drawn as a marker
 * (`⟨U+202E⟩`) named in its title and accessible name, so it can neither hide nor reorder what
 * is shown around it. Arabic and Hebrew letters are ordinary text.
 */
export const SafeText = memo(function SafeText({ text }: { text: string }) {
  const segments = revealInvisible(text);
  if (segments.length === 1 && 'text' in segments[0]!) return <>{text}</>;
  return (
    <>
      {segments.map((s, i) =>
        'text' in s ? (
          s.text
        ) : (
          <span
            key={i}
            className="invisible-char"
            title={`${s.name} (${codepointLabel(s.hidden)})`}
            aria-label={`${s.name} (${codepointLabel(s.hidden)})`}
          >
            {invisibleMarker(s.hidden)}
          </span>
        ),
      )}
    </>
  );
});
