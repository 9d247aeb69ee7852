import { useState, type ComponentProps } from 'react';
import { TextField } from './fields.js';
import { overCapMessage, refuseLongPaste } from './size-cap.js';

type Props = ComponentProps<typeof TextField> & {
  /** The most characters the box takes; a paste over it is refused before the box holds it. */
  cap: number;
  /** What the box holds, for the message: "a key", "a JWKS", "a token to decode". */
  what: string;
  /** What to do instead, said with the refusal. */
  fix: string;
};

/**
 * A text box with a size cap: megabytes pasted into a textarea freeze the page, so a paste (or a
 * change) over the cap is refused at once with the cap named and what to do, and the box keeps
 * what it had. `onChange` only ever sees text under the cap.
 */
export function CappedTextField({ cap, what, fix, onChange, ...field }: Props) {
  const [tooLong, setTooLong] = useState('');
  const refuse = (size: number) => setTooLong(overCapMessage(size, cap, what, fix));
  return (
    <div onPasteCapture={refuseLongPaste(cap, refuse)}>
      <TextField
        {...field}
        onChange={(v) => {
          if (v.length > cap) return refuse(v.length);
          setTooLong('');
          onChange(v);
        }}
      />
      {tooLong && (
        <p role="alert" className="field-error">
          {tooLong}
        </p>
      )}
    </div>
  );
}
