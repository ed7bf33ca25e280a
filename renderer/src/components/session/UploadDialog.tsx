/**
 * Uploading what was dropped on a terminal tab: the destination (the shell's directory from OSC 7, else the home
 * folder; editable), what would be sent and what it would replace, then a progress bar with bytes, rate, time left
 * and Cancel. The copy runs in main over the tab's own connection (main/core/files); the shell stays usable.
 */
import { useEffect, useRef, useState } from 'react';
import type { FileTransferProgress, FileUploadPlan } from '../../../../common/contract';
import { messageOf } from '../../../../common/errors';
import { formatBytes, formatDuration, RateMeter } from '../../lib/transferFormat';
import type { TerminalSession } from '../../session/terminalSession';
import { Modal } from '../Modal';

/** The overwrite list shows this many names; the rest are counted. */
const SHOWN_NAMES = 8;

type Step =
  | { kind: 'checking' }
  | { kind: 'plan'; plan: FileUploadPlan }
  | { kind: 'sending'; plan: FileUploadPlan; transferId: string; progress: FileTransferProgress | null; rate: number }
  | { kind: 'done'; message: string }
  | { kind: 'failed'; message: string };

/** What a drop in the browser mode gets: the page cannot know where a dropped file lives on disk. */
export const BROWSER_MODE_UPLOAD =
  'Uploading by drop needs the desktop app: a browser page cannot tell Podterm where a dropped file is on disk.';

interface UploadDialogProps {
  session: TerminalSession;
  paths: string[];
  onClose(): void;
}

export function UploadDialog({ session, paths, onClose }: UploadDialogProps) {
  const [destination, setDestination] = useState(() => session.features.workingDirectory.current() ?? '');
  const [step, setStep] = useState<Step>(
    paths.length === 0 ? { kind: 'failed', message: BROWSER_MODE_UPLOAD } : { kind: 'checking' },
  );
  const meter = useRef(new RateMeter());

  const check = (folder: string) => {
    const files = session.files();
    if (!files) {
      setStep({ kind: 'failed', message: 'The shell is not open any more; reconnect and drop the files again.' });
      return;
    }
    setStep({ kind: 'checking' });
    files.api
      .planUpload({ sessionId: files.sessionId, paths, destination: folder })
      .then((plan) => {
        setDestination(plan.destination);
        setStep({ kind: 'plan', plan });
      })
      .catch((error: unknown) => setStep({ kind: 'failed', message: messageOf(error) }));
  };

  // Check the proposed destination once, as the dialog opens.
  const checked = useRef(false);
  useEffect(() => {
    if (checked.current || paths.length === 0) return;
    checked.current = true;
    check(destination);
  });

  const sending = step.kind === 'sending' ? step.transferId : null;
  useEffect(() => {
    if (sending === null) return;
    return session.onTransferProgress((transferId, progress) => {
      if (transferId !== sending) return;
      meter.current.add(performance.now(), progress.bytesDone);
      setStep((current) =>
        current.kind === 'sending' ? { ...current, progress, rate: meter.current.rate() } : current,
      );
    });
  }, [sending, session]);

  const start = (plan: FileUploadPlan) => {
    const files = session.files();
    if (!files) return;
    const transferId = crypto.randomUUID();
    meter.current = new RateMeter();
    setStep({ kind: 'sending', plan, transferId, progress: null, rate: 0 });
    files.api
      .upload({ sessionId: files.sessionId, transferId, paths, destination: plan.destination })
      .then((result) => {
        const skipped =
          result.skipped.length > 0 ? ` (${result.skipped.length} skipped: ${result.skipped.join(', ')})` : '';
        setStep({ kind: 'done', message: `Uploaded ${formatBytes(result.bytes)} to ${result.savedAs}${skipped}.` });
      })
      .catch((error: unknown) => setStep({ kind: 'failed', message: messageOf(error) }));
  };

  const cancel = () => {
    if (step.kind !== 'sending') {
      onClose();
      return;
    }
    const files = session.files();
    void files?.api.cancel({ transferId: step.transferId });
  };

  const plan = step.kind === 'plan' || step.kind === 'sending' ? step.plan : null;
  const progress = step.kind === 'sending' ? step.progress : null;
  const done = progress?.bytesDone ?? 0;
  const total = progress?.bytesTotal ?? plan?.bytesTotal ?? 0;
  const rate = step.kind === 'sending' ? step.rate : 0;
  const percent = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <Modal
      title={`Upload ${paths.length === 1 ? (paths[0]?.split(/[\\/]/).pop() ?? 'file') : `${paths.length} items`}`}
      className="modal-narrow upload-dialog"
      onClose={cancel}
      footer={
        <>
          <span className="spacer" />
          <button type="button" className="btn" onClick={cancel} data-autofocus={step.kind !== 'plan' || undefined}>
            {step.kind === 'done' || step.kind === 'failed' ? 'Close' : 'Cancel'}
          </button>
          {step.kind === 'plan' && (
            <button
              type="button"
              className="btn btn-primary"
              disabled={step.plan.conflicts.length > 0}
              onClick={() => start(step.plan)}
              data-autofocus
            >
              {step.plan.overwrites.length > 0 ? 'Replace and upload' : 'Upload'}
            </button>
          )}
        </>
      }
    >
      <form
        className="upload-destination"
        onSubmit={(event) => {
          event.preventDefault();
          check(destination);
        }}
      >
        <label>
          Destination
          <input
            className="input mono"
            value={destination}
            placeholder="home folder"
            disabled={step.kind === 'sending'}
            onChange={(event) => setDestination(event.target.value)}
            onBlur={() => step.kind === 'plan' && destination !== step.plan.destination && check(destination)}
          />
        </label>
      </form>
      {step.kind === 'checking' && <p>Looking at the destination…</p>}
      {plan && (
        <p data-testid="upload-summary">
          {plan.files} file{plan.files === 1 ? '' : 's'}
          {plan.folders > 0 ? ` in ${plan.folders} folder${plan.folders === 1 ? '' : 's'}` : ''},{' '}
          {formatBytes(plan.bytesTotal)}
          {plan.skipped.length > 0 ? `; ${plan.skipped.length} skipped (symlinks, special files)` : ''}
        </p>
      )}
      {step.kind === 'plan' && step.plan.overwrites.length > 0 && (
        <div className="upload-overwrites">
          <p>Replaces {step.plan.overwrites.length} existing:</p>
          <ul className="mono">
            {step.plan.overwrites.slice(0, SHOWN_NAMES).map((name) => (
              <li key={name}>{name}</li>
            ))}
            {step.plan.overwrites.length > SHOWN_NAMES && <li>… {step.plan.overwrites.length - SHOWN_NAMES} more</li>}
          </ul>
        </div>
      )}
      {step.kind === 'plan' && step.plan.conflicts.length > 0 && (
        <p className="upload-error">
          A folder is where a file would go: {step.plan.conflicts.slice(0, SHOWN_NAMES).join(', ')}. Choose another
          destination or rename.
        </p>
      )}
      {step.kind === 'sending' && (
        <div className="upload-progress" data-testid="upload-progress">
          <progress max={100} value={percent} />
          <p className="mono">
            {formatBytes(done)} of {progress?.totalIsEstimate ? 'about ' : ''}
            {formatBytes(total)} · {rate > 0 ? `${formatBytes(rate)}/s` : '…'} ·{' '}
            {rate > 0 ? `${formatDuration((total - done) / rate)} left` : 'starting'}
          </p>
          {progress?.currentName && <p className="upload-current mono">{progress.currentName}</p>}
        </div>
      )}
      {step.kind === 'done' && <p data-testid="upload-done">{step.message}</p>}
      {step.kind === 'failed' && <p className="upload-error">{step.message}</p>}
    </Modal>
  );
}
