/**
 * The one meaning of "ready" for a pod, shared by Refresh (the sidebar's dot), the cluster browser (its READY column and
 * dot) and the pod a label selector picks, so no two screens disagree about the same pod.
 *
 * It is what `kubectl get pods` shows: the READY column counts the containers whose status says ready over the pod's
 * containers ("2/2"), and a pod is ready when it is Running, not being deleted, and every container is ready. The pod's
 * own Ready condition only has a say when the kubelet reported it False (readiness gates still closed): a missing
 * condition does not make a pod whose containers are all ready "not ready".
 */
import type { V1Pod } from '@kubernetes/client-node';

export interface PodReadiness {
  /** Containers whose status says ready (kubectl's READY numerator). */
  readyContainers: number;
  /** The pod's containers (kubectl's READY denominator). */
  totalContainers: number;
  /** Running, not being deleted, every container ready, and no Ready condition saying False. */
  ready: boolean;
}

export function readinessOf(pod: V1Pod): PodReadiness {
  const names = new Set((pod.spec?.containers ?? []).map((container) => container.name));
  const readyContainers = (pod.status?.containerStatuses ?? []).filter(
    (status) => status.ready && names.has(status.name),
  ).length;
  const totalContainers = names.size;
  const readyCondition = (pod.status?.conditions ?? []).find((condition) => condition.type === 'Ready');
  const ready =
    pod.status?.phase === 'Running' &&
    !pod.metadata?.deletionTimestamp &&
    totalContainers > 0 &&
    readyContainers === totalContainers &&
    readyCondition?.status !== 'False';
  return { readyContainers, totalContainers, ready };
}

/** Succeeded or Failed: every container has exited for good, so no shell can open in the pod. */
export function isFinishedPhase(phase: string): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}
