/** Words for times, durations, sessions and records, shared by the sidebar, the tabs and the attempt log. */
import type { ConnectionAttempt, SessionEnd } from '../../../common/contract';
import {
  CONNECTION_METHOD_LABELS,
  DEFAULT_SSH_PORT,
  linkedImportedContextId,
  methodName,
  type ConnectionMethod,
  type PodSummary,
} from '../../../common/pods';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Past a week, "23 d ago" is harder to place than a date. */
const RELATIVE_LIMIT = 7 * DAY;

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 d ago", then a short date. */
export function relativeTime(then: number, now: number): string {
  const elapsed = Math.max(0, now - then);
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`;
  if (elapsed < 2 * DAY) return 'yesterday';
  if (elapsed < RELATIVE_LIMIT) return `${Math.floor(elapsed / DAY)} d ago`;
  const date = new Date(then);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleDateString(undefined, sameYear ? { month: 'short', day: 'numeric' } : { dateStyle: 'medium' });
}

/** "340 ms", "1.2 s", "75 s". */
export function formatDuration(ms: number): string {
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < 10 * SECOND) return `${(ms / SECOND).toFixed(1)} s`;
  return `${Math.round(ms / SECOND)} s`;
}

export function methodLabel(method: ConnectionMethod | null): string {
  return method ? CONNECTION_METHOD_LABELS[method] : '';
}

/**
 * The method a record last connected with, as the attempt log names it: a record using an imported context connected
 * with that context (the sidebar already groups the record under its name), not with "pod's kubeconfig". A pasted
 * kubeconfig wins over the imported context, as it does when connecting (kube/access), and keeps the method's name.
 */
export function recordMethodLabel(
  pod: Pick<PodSummary, 'lastConnectionMethod' | 'storedSecrets' | 'kubeconfigId'>,
): string {
  const usedImportedContext =
    pod.lastConnectionMethod === 'podKubeconfig' && linkedImportedContextId(pod, pod.storedSecrets.kubeconfig) !== null;
  return usedImportedContext ? 'imported context' : methodLabel(pod.lastConnectionMethod ?? null);
}

/** The record's target in one line: "namespace/pod", "namespace/[app=api]" for a workload, "user@host", or both. */
export function podTargetLine(
  pod: Pick<PodSummary, 'namespace' | 'podName' | 'sshHost' | 'sshUser' | 'sshPort'> &
    Partial<Pick<PodSummary, 'labelSelector'>>,
): string {
  const parts: string[] = [];
  if (pod.podName) parts.push(`${pod.namespace}/${pod.podName}`);
  else if (pod.labelSelector) parts.push(`${pod.namespace}/[${pod.labelSelector}]`);
  if (pod.sshHost) {
    const port = pod.sshPort !== DEFAULT_SSH_PORT ? `:${pod.sshPort}` : '';
    parts.push(`${pod.sshUser ? `${pod.sshUser}@` : ''}${pod.sshHost}${port}`);
  }
  return parts.join(' · ');
}

/** What the end bar says: why the session is over. */
export function describeEnd(end: SessionEnd): string {
  switch (end.kind) {
    case 'exited':
      if (end.code !== null) return `Session ended (exit code ${end.code})`;
      if (end.signal !== null) return `Session ended (killed by signal ${end.signal})`;
      return end.message ? `Session ended: ${end.message}` : 'Session ended';
    case 'failed':
      return `Could not connect: ${end.message}`;
    case 'lost':
      return `Connection lost: ${end.message}`;
    case 'closed':
      return 'Session closed';
  }
}

/** The short line written into the terminal once a method opened a shell (`label`: the opened attempt's own name). */
export function connectedLine(method: ConnectionMethod | null, target: string | null, label?: string): string {
  const via = method ? ` via ${methodName({ method, label })}` : '';
  return `Connected${via}${target ? ` to ${target}` : ''}`;
}

/**
 * A method that failed before the one that opened, as a line above "Connected …": the scrollback keeps why the
 * session landed where it did (e.g. on SSH after the cluster refused).
 */
export function failedAttemptLine(attempt: ConnectionAttempt): string {
  const { mark, head, reason } = failedAttemptParts(attempt);
  return `${mark} ${head} ${reason}`;
}

/** How a failed attempt is marked, in the terminal's scrollback and in the attempt log alike. */
export const FAILED_ATTEMPT_MARK = '✗';

/** The pieces of `failedAttemptLine`, for the terminal to colour: the mark and the reason stand out, the rest is dim. */
export function failedAttemptParts(attempt: ConnectionAttempt): { mark: string; head: string; reason: string } {
  const took = attempt.durationMs !== null ? ` (${formatDuration(attempt.durationMs)})` : '';
  return {
    mark: FAILED_ATTEMPT_MARK,
    head: `${methodName(attempt)} failed${took}:`,
    reason: attempt.detail ?? 'no reason given',
  };
}

export const ATTEMPT_OUTCOME_WORDS: Record<ConnectionAttempt['outcome'], string> = {
  running: 'trying',
  opened: 'opened',
  failed: 'failed',
  skipped: 'skipped',
};

/** Duration of an attempt, or the time it has been running. */
export function attemptDuration(attempt: ConnectionAttempt, now: number): string {
  if (attempt.durationMs !== null) return formatDuration(attempt.durationMs);
  return attempt.outcome === 'skipped' ? '' : formatDuration(Math.max(0, now - attempt.startedAt));
}
