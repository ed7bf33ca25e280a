/**
 * Form rows: a <label> bound to its control (tests and screen readers find inputs by these exact labels), an optional
 * hint, and the field's error right under it.
 */
import { useId, type ReactNode } from 'react';

interface RowProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
  children: (control: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

export function FieldRow({ label, error, hint, className, children }: RowProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {hint && (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      )}
    </div>
  );
}

interface TextFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  hint?: ReactNode;
  placeholder?: string;
  className?: string;
  mono?: boolean;
  inputMode?: 'numeric' | 'text';
  autoFocus?: boolean;
}

export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  placeholder,
  className,
  mono,
  inputMode,
  autoFocus,
}: TextFieldProps) {
  return (
    <FieldRow label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          className={`input ${mono ? 'mono' : ''}`}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          placeholder={placeholder}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          inputMode={inputMode}
          spellCheck={false}
          autoComplete="off"
          data-autofocus={autoFocus ? true : undefined}
        />
      )}
    </FieldRow>
  );
}

interface TextAreaFieldProps extends Omit<TextFieldProps, 'inputMode' | 'autoFocus'> {
  rows?: number;
}

export function TextAreaField({
  label,
  value,
  onChange,
  error,
  hint,
  placeholder,
  className,
  mono,
  rows = 2,
}: TextAreaFieldProps) {
  return (
    <FieldRow label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          className={`textarea ${mono ? 'mono' : ''}`}
          value={value}
          rows={rows}
          onChange={(event) => onChange(event.target.value)}
          placeholder={placeholder}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          spellCheck={false}
        />
      )}
    </FieldRow>
  );
}

interface SelectFieldProps<T extends string> {
  label: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: string }>;
  onChange(value: T): void;
  error?: string | undefined;
  className?: string;
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  error,
  className,
}: SelectFieldProps<T>) {
  return (
    <FieldRow label={label} error={error} className={className}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          className="select"
          value={value}
          onChange={(event) => {
            const chosen = options.find((option) => option.value === event.target.value);
            if (chosen) onChange(chosen.value);
          }}
          aria-invalid={invalid}
          aria-describedby={describedBy}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldRow>
  );
}

interface CheckboxFieldProps {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
  hint?: string;
  error?: string | undefined;
}

export function CheckboxField({ label, checked, onChange, hint, error }: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className="field field-checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <label htmlFor={id}>{label}</label>
      {hint && <span className="field-hint">{hint}</span>}
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}

export function Section({ title, children, aside }: { title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <fieldset className="form-section">
      <legend className="form-section-title">
        {title}
        {aside && <span className="form-section-aside">{aside}</span>}
      </legend>
      <div className="form-grid">{children}</div>
    </fieldset>
  );
}
