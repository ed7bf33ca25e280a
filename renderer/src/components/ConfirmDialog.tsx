import { useState, type ReactNode } from 'react';
import { Modal } from './Modal';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Resolves when done; the dialog stays open (buttons disabled) until then. */
  onConfirm(): Promise<void>;
  onCancel(): void;
}

/** Asks before something that cannot be undone. Cancel has the focus, so a stray Enter does no harm. */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const confirm = () => {
    setBusy(true);
    onConfirm().finally(() => setBusy(false));
  };
  return (
    <Modal
      title={title}
      role="alertdialog"
      className="modal-narrow"
      onClose={onCancel}
      closeOnBackdrop
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel} disabled={busy} data-autofocus>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={confirm} disabled={busy}>
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-text">{children}</div>
    </Modal>
  );
}
