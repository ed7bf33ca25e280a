/** The record's status dot in the sidebar: what the last Refresh or connection learned, and when. */
import type { PodStatus, PodSummary } from '../../../../common/pods';
import { relativeTime } from '../../lib/format';

export const POD_STATUS_WORDS: Record<PodStatus, string> = {
  running: 'Running',
  notReady: 'Not ready',
  gone: 'Pod gone',
  unreachable: 'Cluster unreachable',
  error: 'Error',
};

/** "Running — Running, ready · 5 min ago (Refresh or a connection)"; "Status unknown — …" before either happened. */
export function podStatusTooltip(
  pod: Pick<PodSummary, 'lastStatus' | 'lastStatusAt' | 'lastStatusDetail'>,
  now: number,
) {
  if (!pod.lastStatus || pod.lastStatusAt == null)
    return 'Status unknown: Refresh (right-click) or connect to learn it';
  const detail = pod.lastStatusDetail ? ` — ${pod.lastStatusDetail}` : '';
  return `${POD_STATUS_WORDS[pod.lastStatus]}${detail} · ${relativeTime(pod.lastStatusAt, now)} (${new Date(pod.lastStatusAt).toLocaleString()})`;
}
