/**
 * What a Refresh result means for the sidebar's status dot. Kept apart from refresh.ts so the mapping is one small,
 * readable table of cases.
 */
import type { PodRefreshResult } from '../../../common/contract';
import type { PodStatus } from '../../../common/pods';
import { isUnreachableFailure } from '../connect';

/**
 * The status a Refresh learned, with its tooltip line; null when it learned nothing (no pod name, or no Kubernetes
 * access configured), so an older status stays rather than being replaced by a guess.
 */
export function statusOfRefresh(
  result: PodRefreshResult,
  failures: readonly unknown[],
): { status: PodStatus; detail: string } | null {
  if (result.found && result.pod) {
    const { phase, ready } = result.pod;
    // `ready` is kube/api's one definition (podReadiness.ts), the cluster browser's too.
    if (phase === 'Running' && ready) return { status: 'running', detail: 'Running, ready' };
    return { status: 'notReady', detail: `${phase || 'phase unknown'}${phase === 'Running' ? ', not ready' : ''}` };
  }
  if (result.checked.some((entry) => entry.outcome === 'notFound')) return { status: 'gone', detail: result.message };
  if (failures.length === 0) return null;
  const unreachable = failures.every(isUnreachableFailure);
  return { status: unreachable ? 'unreachable' : 'error', detail: result.message };
}
