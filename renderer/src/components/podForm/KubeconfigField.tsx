import { useRef, useState } from 'react';
import { MAX_KUBECONFIG_BYTES } from '../../../../common/pods';
import type { SecretEdit } from '../../lib/podForm';
import { SecretField } from './SecretField';

interface KubeconfigFieldProps {
  edit: SecretEdit;
  stored: boolean;
  onChange(edit: SecretEdit): void;
  error?: string | undefined;
}

/** The record's own kubeconfig: pasted, dropped as a file, or picked with "Load file…". */
export function KubeconfigField({ edit, stored, onChange, error }: KubeconfigFieldProps) {
  const picker = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string | null>(null);

  const load = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_KUBECONFIG_BYTES) {
      setFileError(`${file.name} is larger than a kubeconfig should be (at most ${MAX_KUBECONFIG_BYTES / 1024} KiB)`);
      return;
    }
    try {
      onChange({ value: await file.text(), clear: false });
      setFileError(null);
    } catch {
      setFileError(`Could not read ${file.name}`);
    }
  };

  return (
    <div
      className="field-span"
      onDragOver={(event) => {
        if (event.dataTransfer.types.includes('Files')) event.preventDefault();
      }}
      onDrop={(event) => {
        if (event.dataTransfer.files.length === 0) return;
        event.preventDefault();
        void load(event.dataTransfer.files[0]);
      }}
    >
      <SecretField
        label="Kubeconfig"
        multiline
        edit={edit}
        stored={stored}
        onChange={onChange}
        error={error ?? fileError ?? undefined}
        placeholder="Paste a kubeconfig, or drop the file here"
        actions={
          <>
            <button type="button" className="btn-link" onClick={() => picker.current?.click()}>
              Load file…
            </button>
            <input
              ref={picker}
              type="file"
              hidden
              tabIndex={-1}
              aria-hidden="true"
              onChange={(event) => {
                void load(event.target.files?.[0]);
                event.target.value = '';
              }}
            />
          </>
        }
      />
    </div>
  );
}
