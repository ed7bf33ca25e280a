import { useRef, useState } from 'react';
import type { ConnectionAttempt, SessionEnd } from '../../../../common/contract';
import { describeEnd } from '../../lib/format';
import { useToastClearance } from '../../hooks/useToastClearance';
import { AttemptLog } from './AttemptLog';

interface EndBarProps {
  /** The bar's tab is the one shown: toasts then stand above the bar. */
  active: boolean;
  end: SessionEnd;
  attempts: ConnectionAttempt[];
  onReconnect(): void;
}

/** Why the session is over, under the kept scrollback (a failure to connect gets FailedCard instead). */
export function EndBar({ active, end, attempts, onReconnect }: EndBarProps) {
  const [showAttempts, setShowAttempts] = useState(false);
  const bar = useRef<HTMLDivElement>(null);
  useToastClearance(bar, active);
  const tone = end.kind === 'lost' ? 'bad' : 'neutral';
  return (
    <div ref={bar} className={`end-bar ${tone}`} role="status">
      <div className="end-bar-row">
        <span className="end-bar-message">{describeEnd(end)}</span>
        {attempts.length > 0 && (
          <button type="button" className="btn-link" onClick={() => setShowAttempts((shown) => !shown)}>
            {showAttempts ? 'Hide attempts' : `Attempts (${attempts.length})`}
          </button>
        )}
        <span className="spacer" />
        <span className="end-bar-hint">
          <kbd>Enter</kbd> to reconnect
        </span>
        <button type="button" className="btn btn-small" onClick={onReconnect}>
          Reconnect
        </button>
      </div>
      {showAttempts && attempts.length > 0 && (
        <div className="end-bar-attempts">
          <AttemptLog attempts={attempts} />
        </div>
      )}
    </div>
  );
}

/** A tab restored after the page reloaded: it has no session until the user asks for one. */
export function RestoredBar({ active, onConnect }: { active: boolean; onConnect(): void }) {
  const bar = useRef<HTMLDivElement>(null);
  useToastClearance(bar, active);
  return (
    <div ref={bar} className="end-bar neutral" role="status">
      <div className="end-bar-row">
        <span className="end-bar-message">Not connected: the page was reloaded</span>
        <span className="spacer" />
        <span className="end-bar-hint">
          <kbd>Enter</kbd> to connect
        </span>
        <button type="button" className="btn btn-small" onClick={onConnect}>
          Reconnect
        </button>
      </div>
    </div>
  );
}
