import { memo, type MouseEvent } from 'react';
import type { PodSummary } from '../../../../common/pods';
import { podTargetLine, recordMethodLabel, relativeTime } from '../../lib/format';
import { EditIcon, TrashIcon } from '../icons';
import { POD_ROW_HEIGHT } from './groups';
import { podStatusTooltip } from './podStatus';

/** Indentation per tree level: enough to read the nesting, little enough to keep long pod names. */
const INDENT_PX = 10;

interface PodRowProps {
  pod: PodSummary;
  /** The row's top in the list (px). */
  top: number;
  /** 1 under a cluster, 2 under a namespace. */
  depth: number;
  selected: boolean;
  now: number;
  optionId: string;
  onClick(pod: PodSummary, event: MouseEvent): void;
  onContextMenu(pod: PodSummary, event: MouseEvent): void;
  onEdit(pod: PodSummary): void;
  onDelete(pod: PodSummary): void;
}

export const PodRow = memo(function PodRow({
  pod,
  top,
  depth,
  selected,
  now,
  optionId,
  onClick,
  onContextMenu,
  onEdit,
  onDelete,
}: PodRowProps) {
  const fullTarget = podTargetLine(pod);
  // Under a namespace header the "namespace/" prefix says nothing new; the room goes to the pod name.
  const target =
    depth === 2 && fullTarget.startsWith(`${pod.namespace}/`) ? fullTarget.slice(pod.namespace.length + 1) : fullTarget;
  const lastConnected = pod.lastConnectedAt != null ? relativeTime(pod.lastConnectedAt, now) : null;
  const stop = (action: (pod: PodSummary) => void) => (event: MouseEvent) => {
    event.stopPropagation();
    action(pod);
  };
  return (
    <div
      id={optionId}
      role="treeitem"
      aria-level={depth + 1}
      aria-selected={selected}
      data-testid="pod-row"
      className={`pod-row ${selected ? 'selected' : ''}`}
      style={{ top, height: POD_ROW_HEIGHT, paddingLeft: 12 + depth * INDENT_PX }}
      title={pod.notes ?? undefined}
      onClick={(event) => onClick(pod, event)}
      onContextMenu={(event) => onContextMenu(pod, event)}
    >
      <div className="pod-row-line">
        <span
          className={`pod-status ${pod.lastStatus ?? 'unknown'}`}
          data-testid="pod-status"
          data-status={pod.lastStatus ?? 'unknown'}
          role="img"
          aria-label={podStatusTooltip(pod, now)}
          title={podStatusTooltip(pod, now)}
        />
        <span className="pod-name">{pod.name}</span>
        {lastConnected && (
          <span className="pod-when" title={new Date(pod.lastConnectedAt ?? 0).toLocaleString()}>
            {lastConnected}
          </span>
        )}
      </div>
      <div className="pod-row-line">
        <span className="pod-target">{target}</span>
        {pod.lastConnectionMethod && <span className="pod-method">{recordMethodLabel(pod)}</span>}
      </div>
      <div className="pod-row-actions">
        <button
          type="button"
          className="icon-btn"
          tabIndex={-1}
          aria-label={`Edit ${pod.name}`}
          title="Edit (F2)"
          onClick={stop(onEdit)}
        >
          <EditIcon />
        </button>
        <button
          type="button"
          className="icon-btn danger"
          tabIndex={-1}
          aria-label={`Delete ${pod.name}`}
          title="Delete (Del)"
          onClick={stop(onDelete)}
        >
          <TrashIcon />
        </button>
      </div>
    </div>
  );
});
