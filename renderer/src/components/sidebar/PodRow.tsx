import { memo, type MouseEvent } from 'react';
import type { PodView } from '../../../../common/pods';
import { methodLabel, podTargetLine, relativeTime } from '../../lib/format';
import { EditIcon, TrashIcon } from '../icons';

/** Fixed, so the list can be virtualised by arithmetic. Two dense lines plus breathing room. */
export const POD_ROW_HEIGHT = 44;

interface PodRowProps {
  pod: PodView;
  index: number;
  selected: boolean;
  now: number;
  optionId: string;
  onClick(pod: PodView, event: MouseEvent): void;
  onContextMenu(pod: PodView, event: MouseEvent): void;
  onEdit(pod: PodView): void;
  onDelete(pod: PodView): void;
}

export const PodRow = memo(function PodRow({
  pod,
  index,
  selected,
  now,
  optionId,
  onClick,
  onContextMenu,
  onEdit,
  onDelete,
}: PodRowProps) {
  const target = podTargetLine(pod);
  const lastConnected = pod.lastConnectedAt !== null ? relativeTime(pod.lastConnectedAt, now) : null;
  const stop = (action: (pod: PodView) => void) => (event: MouseEvent) => {
    event.stopPropagation();
    action(pod);
  };
  return (
    <div
      id={optionId}
      role="option"
      aria-selected={selected}
      className={`pod-row ${selected ? 'selected' : ''}`}
      style={{ top: index * POD_ROW_HEIGHT, height: POD_ROW_HEIGHT }}
      title={pod.notes ?? undefined}
      onClick={(event) => onClick(pod, event)}
      onContextMenu={(event) => onContextMenu(pod, event)}
    >
      <div className="pod-row-line">
        <span className="pod-name">{pod.name}</span>
        {lastConnected && (
          <span className="pod-when" title={new Date(pod.lastConnectedAt ?? 0).toLocaleString()}>
            {lastConnected}
          </span>
        )}
      </div>
      <div className="pod-row-line">
        <span className="pod-target">{target}</span>
        {pod.lastConnectionMethod && <span className="pod-method">{methodLabel(pod.lastConnectionMethod)}</span>}
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
