import { memo } from 'react';
import type { GroupRow } from './groups';
import { GROUP_ROW_HEIGHT } from './groups';

interface PodGroupRowProps {
  group: GroupRow;
  top: number;
  selected: boolean;
  rowId: string;
  /** A copy pinned at the top of the list while the real header is scrolled away. */
  pinned?: boolean;
  onClick(group: GroupRow): void;
}

/** A cluster or namespace header: chevron, name, record count. A click toggles it. */
export const PodGroupRow = memo(function PodGroupRow({
  group,
  top,
  selected,
  rowId,
  pinned = false,
  onClick,
}: PodGroupRowProps) {
  return (
    <div
      id={rowId}
      role={pinned ? undefined : 'treeitem'}
      aria-level={pinned ? undefined : group.level + 1}
      aria-expanded={pinned ? undefined : !group.collapsed}
      aria-selected={pinned ? undefined : selected}
      data-testid={pinned ? 'pod-group-pinned' : 'pod-group'}
      data-group-key={group.key}
      className={`pod-group level-${group.level} ${selected ? 'selected' : ''} ${pinned ? 'pinned' : ''}`}
      style={{ top, height: GROUP_ROW_HEIGHT }}
      title={`${group.level === 0 ? 'Cluster' : 'Namespace'} ${group.label}: ${group.count} ${group.count === 1 ? 'record' : 'records'}`}
      onClick={() => onClick(group)}
    >
      <svg
        className={`pod-group-chevron ${group.collapsed ? '' : 'open'}`}
        width="10"
        height="10"
        viewBox="0 0 10 10"
        aria-hidden="true"
        focusable="false"
      >
        <path d="M3.5 2l3 3-3 3" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
      </svg>
      <span className="pod-group-label">{group.label}</span>
      <span className="pod-group-count">{group.count}</span>
    </div>
  );
});
