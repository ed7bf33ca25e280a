/**
 * Which pod a record that follows a workload (a label selector instead of a pod name) connects to: the newest pod that
 * is Running with every container ready, so a rollout's fresh pod wins over the old one still draining, and a pod
 * that is starting, crash-looping or finished never gets the shell. When none qualifies the error counts what matched.
 */
import type { ListedPod } from './lists';

/** No pod fits; the message says what matched and why each was passed over. */
export class NoReadyPodError extends Error {
  constructor(
    message: string,
    readonly matched: number,
  ) {
    super(message);
    this.name = 'NoReadyPodError';
  }
}

/** The pod to connect to among those the selector matched. Throws NoReadyPodError. */
export function pickReadyPod(pods: readonly ListedPod[], selector: string, namespace: string): ListedPod {
  const newestFirst = [...pods].sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
  const chosen = newestFirst.find((pod) => pod.allReady);
  if (chosen) return chosen;
  if (pods.length === 0) {
    throw new NoReadyPodError(
      `no pod matches ${selector} in namespace ${namespace}. Check the selector and the namespace (kubectl get pods -n ${namespace} -l ${selector}).`,
      0,
    );
  }
  throw new NoReadyPodError(
    `no Running, Ready pod matches ${selector} in namespace ${namespace} (${pods.length} ${pods.length === 1 ? 'pod matches' : 'pods match'}: ${countReasons(pods)}). Wait for the rollout, or look at the pods (kubectl get pods -n ${namespace} -l ${selector}).`,
    pods.length,
  );
}

/** "2 Pending, 1 not ready": why each matching pod was passed over, most common first. */
function countReasons(pods: readonly ListedPod[]): string {
  const counts = new Map<string, number>();
  for (const pod of pods) {
    const reason =
      pod.status === 'Terminating'
        ? 'Terminating'
        : pod.phase === 'Running'
          ? 'not ready'
          : pod.phase === 'Succeeded' || pod.phase === 'Failed'
            ? `${pod.phase}`
            : pod.phase || 'Unknown';
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || lifecycleRank(a[0]) - lifecycleRank(b[0]))
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');
}

/** Ties are listed in the order a pod lives through them, so the message reads the same every time. */
const LIFECYCLE = ['Pending', 'not ready', 'Terminating', 'Succeeded', 'Failed'];
function lifecycleRank(reason: string): number {
  const index = LIFECYCLE.indexOf(reason);
  return index < 0 ? LIFECYCLE.length : index;
}
