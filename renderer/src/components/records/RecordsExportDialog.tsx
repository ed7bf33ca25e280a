/**
 * Export…: every record as a JSON file, without secrets, or with them only after the person confirms they understand
 * the file holds them in plaintext. The page saves it as a download (the browser's or the desktop app's save).
 */
import { useState } from 'react';
import type { RendererClient } from '../../client';
import { Modal } from '../Modal';
import { messageOf } from '../../../../common/errors';

interface Props {
  client: RendererClient;
  onExported(count: number, fileName: string): void;
  onClose(): void;
}

export function RecordsExportDialog({ client, onExported, onClose }: Props) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    try {
      const { fileName, text, count } = await client.api.records.export({ includeSecrets });
      saveDownload(fileName, text);
      onExported(count, fileName);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Export records"
      onClose={onClose}
      className="modal-narrow records-export-modal"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${includeSecrets ? 'btn-danger' : 'btn-primary'}`}
            disabled={busy || (includeSecrets && !confirmed)}
            onClick={() => void run()}
          >
            {includeSecrets ? 'Export with secrets' : 'Export'}
          </button>
        </>
      }
    >
      <fieldset className="records-export-choice">
        <label>
          <input type="radio" name="secrets" checked={!includeSecrets} onChange={() => setIncludeSecrets(false)} />{' '}
          Without secrets (fields only; tokens, kubeconfigs, passwords and keys stay here)
        </label>
        <label>
          <input type="radio" name="secrets" checked={includeSecrets} onChange={() => setIncludeSecrets(true)} /> With
          secrets
        </label>
      </fieldset>
      {includeSecrets && (
        <label className="records-export-confirm">
          <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} /> I
          understand the file holds every token, kubeconfig, SSH password and private key in plaintext: anyone who can
          read it can use them. I will import it and delete it.
        </label>
      )}
      {error && (
        <p className="records-error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}

/** Hands the text to the browser's (or Electron's) download, as a file of that name. */
function saveDownload(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once click() returns; the next task may free the blob.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
