import { useRef, useState, type ReactNode } from 'react';
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
  return (
    <BottomBar
      active={active}
      tone={end.kind === 'lost' ? 'bad' : 'neutral'}
      message={describeEnd(end)}
      enterDoes="reconnect"
      onReconnect={onReconnect}
      extra={
        attempts.length > 0 && (
          <button type="button" className="btn-link" onClick={() => setShowAttempts((shown) => !shown)}>
            {showAttempts ? 'Hide attempts' : `Attempts (${attempts.length})`}
          </button>
        )
      }
    >
      {showAttempts && attempts.length > 0 && (
        <div className="end-bar-attempts">
          <AttemptLog attempts={attempts} />
        </div>
      )}
    </BottomBar>
  );
}

/** A tab restored after the page reloaded: it has no session until the user asks for one. */
export function RestoredBar({ active, onConnect }: { active: boolean; onConnect(): void }) {
  return (
    <BottomBar
      active={active}
      tone="neutral"
      message="Not connected: the page was reloaded"
      enterDoes="connect"
      onReconnect={onConnect}
    />
  );
}

interface BottomBarProps {
  active: boolean;
  tone: 'bad' | 'neutral';
  message: string;
  /** What Enter in the terminal does here, as the hint says it. */
  enterDoes: string;
  onReconnect(): void;
  /** Beside the message (EndBar's attempts toggle). */
  extra?: ReactNode;
  /** Under the row (EndBar's attempt log). */
  children?: ReactNode;
}

/** The bar under a tab's terminal with no live session: why, and Reconnect; toasts stand above it while it shows. */
function BottomBar({ active, tone, message, enterDoes, onReconnect, extra, children }: BottomBarProps) {
  const bar = useRef<HTMLDivElement>(null);
  useToastClearance(bar, active);
  return (
    <div ref={bar} className={`end-bar ${tone}`} role="status">
      <div className="end-bar-row">
        <span className="end-bar-message">{message}</span>
        {extra}
        <span className="spacer" />
        <span className="end-bar-hint">
          <kbd>Enter</kbd> to {enterDoes}
        </span>
        <button type="button" className="btn btn-small" onClick={onReconnect}>
          Reconnect
        </button>
      </div>
      {children}
    </div>
  );
}
