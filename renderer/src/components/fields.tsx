import { useId, type ReactNode } from 'react';

interface Base {
  label: string;
  hint?: ReactNode;
  className?: string;
  /** What is wrong with the value, in words: shown under the field, which is marked invalid. */
  error?: string;
}

/** The field's error line (announced with it by aria-describedby). */
function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="field-error">
      {error}
    </p>
  );
}

/** aria-describedby for a field: its error first, then its hint. */
const describedBy = (id: string, error?: string, hint?: ReactNode) =>
  [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;

interface TextProps extends Base {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'url' | 'password';
  placeholder?: string;
  mono?: boolean;
  multiline?: boolean;
  rows?: number;
  autoComplete?: string;
  required?: boolean;
}

/** A labelled text input or textarea (real <label for>, hint linked by aria-describedby). */
export function TextField({
  label,
  hint,
  value,
  onChange,
  type = 'text',
  placeholder,
  mono,
  multiline,
  rows = 4,
  autoComplete = 'off',
  required,
  className,
  error,
}: TextProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const common = {
    id,
    value,
    placeholder,
    required,
    className: `input${mono ? ' mono' : ''}`,
    'aria-describedby': describedBy(id, error, hint),
    'aria-invalid': error ? true : undefined,
    spellCheck: false,
    autoComplete,
  };
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={rows} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={type} onChange={(e) => onChange(e.target.value)} />
      )}
      <FieldError id={`${id}-error`} error={error} />
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}

interface SelectProps<T extends string> extends Base {
  value: T;
  onChange: (value: T) => void;
  options: readonly (T | { value: T; label: string })[];
}

export function SelectField<T extends string>({
  label,
  hint,
  value,
  onChange,
  options,
  className,
  error,
}: SelectProps<T>) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className="input"
        value={value}
        onChange={(e) => onChange(e.target.value as T)}
        aria-describedby={describedBy(id, error, hint)}
        aria-invalid={error ? true : undefined}
      >
        {options.map((o) => {
          const opt = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={opt.value} value={opt.value}>
              {opt.label}
            </option>
          );
        })}
      </select>
      <FieldError id={`${id}-error`} error={error} />
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
