/**
 * Asks before pasting several lines into a shell, where each line break runs a command. Shows the first lines; Cancel
 * has the focus so a stray Enter pastes nothing.
 */
import { useState } from 'react';
import { lineCount, pasteLines, previewLines } from '../../session/clipboard';
import { Modal } from '../Modal';

/** Enough to recognise what is on the clipboard without the dialog outgrowing a laptop screen. */
const PREVIEW_LINES = 8;

interface PasteConfirmDialogProps {
  text: string;
  /** The shell asked for bracketed paste: it takes the lines as one edit and runs nothing until Enter. */
  bracketed: boolean;
  onPaste(dontAskAgain: boolean): void;
  onCancel(): void;
}

export function PasteConfirmDialog({ text, bracketed, onPaste, onCancel }: PasteConfirmDialogProps) {
  const [dontAsk, setDontAsk] = useState(false);
  const lines = previewLines(text, PREVIEW_LINES);
  const total = pasteLines(text).length;
  const endsWithBreak = lineCount(text) > total;
  return (
    <Modal
      title={`Paste ${total} line${total === 1 ? '' : 's'}?`}
      role="alertdialog"
      className="modal-narrow paste-confirm"
      onClose={onCancel}
      closeOnBackdrop
      footer={
        <>
          <label className="paste-confirm-dont-ask">
            <input type="checkbox" checked={dontAsk} onChange={(event) => setDontAsk(event.target.checked)} />
            Don&apos;t ask again
          </label>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onCancel} data-autofocus>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={() => onPaste(dontAsk)}>
            Paste
          </button>
        </>
      }
    >
      <p className="paste-confirm-text">
        {bracketed
          ? 'The shell takes the lines as one paste and runs them when you press Enter.'
          : endsWithBreak
            ? 'This shell runs each line as soon as it arrives, the last one too: the text ends with a line break.'
            : 'This shell runs each line but the last as soon as it arrives.'}
      </p>
      <pre className="paste-confirm-preview mono" data-testid="paste-preview">
        {lines.join('\n')}
        {total > lines.length && <span className="paste-confirm-more">{`\n… ${total - lines.length} more`}</span>}
      </pre>
    </Modal>
  );
}
