import type { ConnectionAttempt } from '../../../../common/contract';
import { AttemptLog } from './AttemptLog';

interface FailedCardProps {
  /** Why, as main put it (the card prefixes "Could not connect:"). */
  message: string;
  attempts: ConnectionAttempt[];
  /** The pod has finished: reconnecting cannot work, so the card offers a running pod instead. */
  finishedPod: boolean;
  /** The container has no shell (a distroless image): the card offers a debug container instead of a retry. */
  noShell: boolean;
  onEdit(): void;
  /** Opens a debug (ephemeral) container in this tab. */
  onDebug(): void;
  onReconnect(): void;
  /** Shows the cluster browser, where a running pod of the same workload is one click away. */
  onBrowseClusters(): void;
}

/**
 * No method opened a shell: the terminal is empty, so the reason takes its place, with the attempt log and the two
 * things to do next (most failures are fixed in the record).
 */
export function FailedCard({
  message,
  attempts,
  finishedPod,
  noShell,
  onEdit,
  onDebug,
  onReconnect,
  onBrowseClusters,
}: FailedCardProps) {
  if (noShell) {
    return (
      <div className="session-card failed" role="status">
        <div className="session-card-title">
          <span className="failed-mark" aria-hidden="true" />
          <span className="failed-message">
            <strong>No shell in this container:</strong> {message}
          </span>
        </div>
        <AttemptLog attempts={attempts} />
        <div className="session-card-actions">
          <span className="end-bar-hint">
            A debug container brings its own shell and sees this container&apos;s processes.
          </span>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onEdit}>
            Edit record
          </button>
          <button type="button" className="btn btn-primary" onClick={onDebug}>
            Debug with an ephemeral container
          </button>
        </div>
      </div>
    );
  }
  if (finishedPod) {
    return (
      <div className="session-card failed" role="status">
        <div className="session-card-title">
          <span className="failed-mark" aria-hidden="true" />
          <span className="failed-message">
            <strong>This pod has finished:</strong> {message}
          </span>
        </div>
        <AttemptLog attempts={attempts} />
        <div className="session-card-actions">
          <span className="end-bar-hint">Pick a running pod of the same workload, or point the record at one.</span>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onEdit}>
            Edit record
          </button>
          <button type="button" className="btn btn-primary" onClick={onBrowseClusters}>
            Find a running pod
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="session-card failed" role="status">
      <div className="session-card-title">
        <span className="failed-mark" aria-hidden="true" />
        <span className="failed-message">
          <strong>Could not connect:</strong> {message}
        </span>
      </div>
      <AttemptLog attempts={attempts} />
      <div className="session-card-actions">
        <span className="end-bar-hint">
          <kbd>Enter</kbd> to try again
        </span>
        <span className="spacer" />
        <button type="button" className="btn" onClick={onEdit}>
          Edit record
        </button>
        <button type="button" className="btn btn-primary" onClick={onReconnect}>
          Reconnect
        </button>
      </div>
    </div>
  );
}
