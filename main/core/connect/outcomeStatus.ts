/**
 * What a connection's outcome says about the record's pod, for the sidebar's status dot (the README's legend): a shell
 * that opened is green, a finished pod amber, a pod the API server does not know grey, a server that did not answer
 * or a connection that was lost red "unreachable", anything else (credentials, RBAC, TLS, no shell) red "error".
 * Refresh (pods/podStatus.ts) tells unreachable from error with the same test.
 */
import type { PodStatus } from '../../../common/pods';
import { PodNotFoundError, PodReadError } from '../kube/api';
import { classifySocketError, type SocketErrorKind } from '../net';
import { FinishedPodError } from './kubeMethod';

export interface LearnedStatus {
  status: PodStatus;
  /** The tooltip line: what the status is based on. */
  detail: string;
}

/** Pod-read failures that mean "could not reach the API server", as opposed to "it answered no". */
const UNREACHABLE_READS = new Set(['unreachable', 'timeout']);
/** Socket failures (SSH, the exec upgrade) that mean nothing answered at that address. */
const UNREACHABLE_SOCKETS = new Set<SocketErrorKind>(['dns', 'refused', 'unreachable', 'timeout']);

/** Whether a method's failure means its server could not be reached (rather than that it refused or failed). */
export function isUnreachableFailure(error: unknown): boolean {
  if (error instanceof PodReadError) return UNREACHABLE_READS.has(error.reason);
  return UNREACHABLE_SOCKETS.has(classifySocketError(error).kind);
}

/** The status learned when no method could open a shell: `failures` are what each failed method threw, in order. */
export function statusOfConnectFailure(failures: readonly unknown[], message: string): LearnedStatus {
  const finished = failures.find((error): error is FinishedPodError => error instanceof FinishedPodError);
  if (finished) return { status: 'notReady', detail: `${finished.phase}: the pod has finished` };
  const gone = failures.find((error): error is PodNotFoundError => error instanceof PodNotFoundError);
  if (gone) return { status: 'gone', detail: gone.message };
  const unreachable = failures.length > 0 && failures.every(isUnreachableFailure);
  return { status: unreachable ? 'unreachable' : 'error', detail: message };
}

/** The status learned when an open shell lost its connection (not when it exited: the pod was fine then). */
export function statusOfLostSession(message: string): LearnedStatus {
  return { status: 'unreachable', detail: `connection lost: ${message}` };
}
