/**
 * The connect chain's attempts, one compact line each: method, outcome, duration, and why; under an SSH attempt, each
 * jump host with its time (and which one failed, and why) and the notes about ~/.ssh/config.
 */
import type { AttemptStep, ConnectionAttempt } from '../../../../common/contract';
import { useNow } from '../../hooks/useNow';
import { methodName } from '../../../../common/pods';
import { ATTEMPT_OUTCOME_WORDS, attemptDuration, FAILED_ATTEMPT_MARK, formatDuration } from '../../lib/format';
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
          {(attempt.steps ?? []).map((step, stepIndex) => (
            <span key={stepIndex} className={`attempt-step ${step.outcome}`}>
              {stepLine(step, now)}
            </span>
          ))}
        </li>
      ))}
    </ol>
  );
}

const STEP_WORDS: Record<AttemptStep['outcome'], string> = {
  running: 'connecting',
  done: 'connected',
  failed: 'failed',
  note: '',
};

/** "↳ jump host 1 of 2, bastion (ops@10.0.0.1:22): connected, 120 ms", or "· note". */
function stepLine(step: AttemptStep, now: number): string {
  if (step.outcome === 'note') return `· ${step.label}`;
  const took = formatDuration(step.durationMs ?? Math.max(0, now - step.startedAt));
  const why = step.detail ? `: ${step.detail}` : '';
  return `↳ ${step.label}: ${STEP_WORDS[step.outcome]}, ${took}${why}`;
}
