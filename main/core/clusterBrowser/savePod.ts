/**
 * Saving a browsed pod to the sidebar (`clusters.savePod`): the record for that pod, or for the workload it belongs to,
 * in that context and namespace. A pod that already has a record reuses it instead of getting a second one; the look
 * and the write are one store transaction, so two quick clicks (Save, then Open) still make one record.
 */
import type { ClusterSavePodRequest, ClusterSavePodResult } from '../../../common/contract';
import { MAX_RECORD_NAME_LENGTH, podSaveSchema, type PodView } from '../../../common/pods';
import type { PodRepository } from '../store';

export async function savePodRecord(
  pods: PodRepository,
  { context, namespace, target }: ClusterSavePodRequest,
): Promise<ClusterSavePodResult> {
  // An imported context is linked by its stored id; a default kubeconfig context is named as kubectl names it.
  const imported = context.source === 'imported' ? context.id : null;
  const kubeContext = context.source === 'default' ? context.name : null;
  const sameTarget = (record: PodView) =>
    (target.kind === 'workload'
      ? !record.podName && record.labelSelector === target.labelSelector
      : record.podName === target.podName) &&
    record.namespace === namespace &&
    (imported ? record.kubeconfigId === imported : record.kubeContext === kubeContext);
  const request = podSaveSchema.parse({
    fields: {
      // A pod name may be 253 characters; the record's name is its first 100 (the pod name itself is kept whole).
      name: target.kind === 'workload' ? target.name : target.podName.slice(0, MAX_RECORD_NAME_LENGTH),
      namespace,
      ...(target.kind === 'workload' ? { labelSelector: target.labelSelector } : { podName: target.podName }),
      ...(imported ? { kubeconfigId: imported } : { kubeContext }),
    },
  });
  return pods.findOrCreate(request, sameTarget);
}
