/** The connect chain's attempts, one compact line each: method, outcome, duration, and why. */
import type { ConnectionAttempt } from '../../../../common/contract';
import { useNow } from '../../hooks/useNow';
import { methodName } from '../../../../common/pods';
import { ATTEMPT_OUTCOME_WORDS, attemptDuration, FAILED_ATTEMPT_MARK } from '../../lib/format';
import './AttemptLog.css';

/** Running attempts show a live duration; a quarter second is smooth enough without re-rendering constantly. */
const RUNNING_CLOCK_MS = 250;

const OUTCOME_GLYPHS: Record<ConnectionAttempt['outcome'], string> = {
  running: '…',
  opened: '✓',
  failed: FAILED_ATTEMPT_MARK,
  skipped: '–',
};

export function AttemptLog({ attempts }: { attempts: ConnectionAttempt[] }) {
  const running = attempts.some((attempt) => attempt.outcome === 'running');
  const now = useNow(running ? RUNNING_CLOCK_MS : 0);
  if (attempts.length === 0) return null;
  return (
    <ol className="attempt-log" aria-label="Connection attempts">
      {attempts.map((attempt, index) => (
        <li key={`${attempt.method}-${index}`} className={`attempt ${attempt.outcome}`}>
          <span className="attempt-glyph" aria-hidden="true">
            {OUTCOME_GLYPHS[attempt.outcome]}
          </span>
          <span className="attempt-method">{methodName(attempt)}</span>
          <span className="attempt-outcome">{ATTEMPT_OUTCOME_WORDS[attempt.outcome]}</span>
          <span className="attempt-duration">{attemptDuration(attempt, now)}</span>
          <span className="attempt-detail">{attempt.detail ?? ''}</span>
        </li>
      ))}
    </ol>
  );
}
