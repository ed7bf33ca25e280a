/**
 * What a Refresh result means for the sidebar's status dot. Kept apart from refresh.ts so the mapping is one small,
 * readable table of cases.
 */
import type { PodRefreshResult } from '../../../common/contract';
import type { PodStatus } from '../../../common/pods';
import { PodReadError } from '../kube/api';

/** Read failures that say "could not reach the API server", as opposed to "it answered no". */
const UNREACHABLE_REASONS = new Set(['unreachable', 'timeout']);

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
    if (phase === 'Running' && ready) return { status: 'running', detail: 'Running, ready' };
    return { status: 'notReady', detail: `${phase || 'phase unknown'}${phase === 'Running' ? ', not ready' : ''}` };
  }
  if (result.checked.some((entry) => entry.outcome === 'notFound')) return { status: 'gone', detail: result.message };
  if (failures.length === 0) return null;
  const unreachable = failures.every((error) => error instanceof PodReadError && UNREACHABLE_REASONS.has(error.reason));
  return { status: unreachable ? 'unreachable' : 'error', detail: result.message };
}
