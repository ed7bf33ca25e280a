import type { ConnectionAttempt } from '../../../../common/contract';
import { AttemptLog } from './AttemptLog';

interface FailedCardProps {
  /** Why, as main put it (the card prefixes "Could not connect:"). */
  message: string;
  attempts: ConnectionAttempt[];
  onEdit(): void;
  onReconnect(): void;
}

/**
 * No method opened a shell: the terminal is empty, so the reason takes its place, with the attempt log and the two
 * things to do next (most failures are fixed in the record).
 */
export function FailedCard({ message, attempts, onEdit, onReconnect }: FailedCardProps) {
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
