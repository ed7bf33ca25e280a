/**
 * A write-only secret: never prefilled. For a stored secret the field says so; typing replaces it, "Clear" removes it
 * on save, leaving it empty keeps it.
 */
import type { ReactNode } from 'react';
import type { SecretEdit } from '../../lib/podForm';
import { FieldRow } from './fields';

interface SecretFieldProps {
  label: string;
  edit: SecretEdit;
  stored: boolean;
  onChange(edit: SecretEdit): void;
  error?: string | undefined;
  multiline?: boolean;
  placeholder?: string;
  className?: string;
  /** Extra actions beside the stored/clear line (e.g. "Load file…"). */
  actions?: ReactNode;
}

export function SecretField({
  label,
  edit,
  stored,
  onChange,
  error,
  multiline,
  placeholder,
  className,
  actions,
}: SecretFieldProps) {
  const hint =
    stored || actions ? (
      <span className="secret-hint">
        {stored && !edit.clear && (
          <>
            <span>Stored — leave empty to keep.</span>
            <button type="button" className="btn-link" onClick={() => onChange({ value: '', clear: true })}>
              Clear
            </button>
          </>
        )}
        {stored && edit.clear && (
          <>
            <span className="secret-cleared">Will be removed when you save.</span>
            <button type="button" className="btn-link" onClick={() => onChange({ value: '', clear: false })}>
              Keep
            </button>
          </>
        )}
        {actions}
      </span>
    ) : undefined;
  const shownPlaceholder = stored ? (edit.clear ? 'removed on save' : '•••••••• stored') : placeholder;

  return (
    <FieldRow label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) =>
        multiline ? (
          <textarea
            id={id}
            className="textarea mono"
            rows={3}
            value={edit.value}
            disabled={edit.clear}
            placeholder={shownPlaceholder}
            onChange={(event) => onChange({ value: event.target.value, clear: false })}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            spellCheck={false}
            autoComplete="off"
          />
        ) : (
          <input
            id={id}
            type="password"
            className="input"
            value={edit.value}
            disabled={edit.clear}
            placeholder={shownPlaceholder}
            onChange={(event) => onChange({ value: event.target.value, clear: false })}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            // Not a login form: keep the browser's password manager from offering or saving anything here.
            autoComplete="new-password"
          />
        )
      }
    </FieldRow>
  );
}
