import type { ConnectionAttempt } from '../../../../common/contract';
import { AttemptLog } from './AttemptLog';

/** While no shell is open yet: which record, and what the connect chain is trying. */
export function ConnectingCard({ title, attempts }: { title: string; attempts: ConnectionAttempt[] }) {
  return (
    <div className="session-card connecting" role="status" aria-live="polite">
      <div className="session-card-title">
        <span className="spinner" aria-hidden="true" />
        Connecting to {title}…
      </div>
      {attempts.length > 0 ? (
        <AttemptLog attempts={attempts} />
      ) : (
        <p className="session-card-text muted">Starting the connection.</p>
      )}
    </div>
  );
}
