/**
 * The saved pods as a virtualised tree: cluster and namespace group rows with the records under them. Only the rows in
 * view (plus a margin) are in the DOM, so ten thousand records scroll as smoothly as ten. Rows have two fixed heights,
 * so positions are prefix sums and the first visible row is a binary search.
 *
 * Keys (WAI-ARIA tree pattern): ↑/↓ move, Home/End, PageUp/PageDown, ← collapses a group or moves to the parent
 * group, → expands a group or moves to its first record, Enter opens a record (or toggles a group), F2 edits, Del
 * deletes, Ctrl+Shift+D duplicates, the menu key or Shift+F10 opens the context menu.
 */
import { useCallback, useId, useMemo, useState, type KeyboardEvent, type MouseEvent, type RefObject } from 'react';
import type { PodSummary } from '../../../../common/pods';
import { useElementHeight } from '../../hooks/useElementHeight';
import { useNow } from '../../hooks/useNow';
import {
  GROUP_ROW_HEIGHT,
  POD_ROW_HEIGHT,
  rowAt,
  rowHeight,
  rowOffsets,
  type GroupRow,
  type SidebarRow,
} from './groups';
import { PodGroupRow } from './PodGroupRow';
import { PodRow } from './PodRow';

/** Rows rendered beyond each edge of the viewport, so a fast scroll shows no blank strip. */
const OVERSCAN_ROWS = 8;
/** "5 min ago" needs no finer clock. */
const RELATIVE_TIME_REFRESH_MS = 30_000;

interface PodListProps {
  rows: SidebarRow[];
  /** The selected row's key (a record's or a group's). */
  selectedKey: string | null;
  onSelectRow(row: SidebarRow): void;
  onOpen(pod: PodSummary): void;
  onEdit(pod: PodSummary): void;
  onDelete(pod: PodSummary): void;
  onDuplicate(pod: PodSummary): void;
  onToggleGroup(key: string, collapsed: boolean): void;
  onContextMenu(pod: PodSummary, x: number, y: number): void;
  /** The scrolling tree element; the sidebar focuses it from the search box. */
  viewport: RefObject<HTMLDivElement | null>;
}

export function PodList({
  rows,
  selectedKey,
  onSelectRow,
  onOpen,
  onEdit,
  onDelete,
  onDuplicate,
  onToggleGroup,
  onContextMenu,
  viewport,
}: PodListProps) {
  const height = useElementHeight(viewport);
  const [scrollTop, setScrollTop] = useState(0);
  const now = useNow(RELATIVE_TIME_REFRESH_MS);
  const idPrefix = useId();
  const rowId = (row: SidebarRow) => `${idPrefix}-${row.key}`;
  const offsets = useMemo(() => rowOffsets(rows), [rows]);
  const total = offsets[rows.length] ?? 0;

  const selectedIndex = rows.findIndex((row) => row.key === selectedKey);
  const first = Math.max(0, rowAt(offsets, scrollTop) - OVERSCAN_ROWS);
  const last = Math.min(rows.length, rowAt(offsets, scrollTop + height) + 1 + OVERSCAN_ROWS);

  const moveTo = (index: number) => {
    const clamped = Math.max(0, Math.min(rows.length - 1, index));
    const row = rows[clamped];
    if (!row) return;
    onSelectRow(row);
    // The pinned headers cover the top of the viewport: a row moved to must land below them.
    const covered = (row.kind === 'pod' ? row.depth : row.level) * GROUP_ROW_HEIGHT;
    scrollIntoView(viewport.current, offsets[clamped] ?? 0, rowHeight(row), covered);
  };
  const moveToKey = (key: string | null) => {
    const index = rows.findIndex((row) => row.key === key);
    if (index >= 0) moveTo(index);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const selected = rows[selectedIndex];
    const pod = selected?.kind === 'pod' ? selected.pod : null;
    const group = selected?.kind === 'group' ? selected : null;
    // A page of the taller rows, so PageDown never skips a row the user has not seen.
    const page = Math.max(1, Math.floor(height / POD_ROW_HEIGHT) - 1);
    if (event.ctrlKey && event.shiftKey && event.code === 'KeyD') {
      if (pod) onDuplicate(pod);
      event.preventDefault();
      return;
    }
    switch (event.key) {
      case 'ArrowDown':
        moveTo(selectedIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(selectedIndex < 0 ? 0 : selectedIndex - 1);
        break;
      case 'PageDown':
        moveTo(selectedIndex + page);
        break;
      case 'PageUp':
        moveTo(selectedIndex - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(rows.length - 1);
        break;
      case 'ArrowLeft':
        if (group && !group.collapsed) onToggleGroup(group.key, true);
        else moveToKey(selected?.parentKey ?? null);
        break;
      case 'ArrowRight':
        if (group?.collapsed) onToggleGroup(group.key, false);
        else if (group) moveTo(selectedIndex + 1);
        break;
      case 'Enter':
        if (pod) onOpen(pod);
        else if (group) onToggleGroup(group.key, !group.collapsed);
        break;
      case ' ':
        if (group) onToggleGroup(group.key, !group.collapsed);
        else return;
        break;
      case 'F2':
        if (pod) onEdit(pod);
        break;
      case 'Delete':
        if (pod) onDelete(pod);
        break;
      case 'F10':
      case 'ContextMenu': {
        if (event.key === 'F10' && !event.shiftKey) return;
        if (!pod || !viewport.current) return;
        const box = viewport.current.getBoundingClientRect();
        const bottom = offsets[selectedIndex + 1] ?? 0;
        onContextMenu(pod, box.left + 24, box.top + bottom - scrollTop);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  };

  const onRowClick = useCallback(
    (pod: PodSummary, event: MouseEvent) => {
      const row = rows.find((candidate) => candidate.kind === 'pod' && candidate.pod.id === pod.id);
      if (row) onSelectRow(row);
      // The second click of a double-click must not open a second tab.
      if (event.detail <= 1) onOpen(pod);
    },
    [rows, onSelectRow, onOpen],
  );
  const onRowContextMenu = useCallback(
    (pod: PodSummary, event: MouseEvent) => {
      event.preventDefault();
      const row = rows.find((candidate) => candidate.kind === 'pod' && candidate.pod.id === pod.id);
      if (row) onSelectRow(row);
      onContextMenu(pod, event.clientX, event.clientY);
    },
    [rows, onSelectRow, onContextMenu],
  );
  const onGroupClick = useCallback(
    (group: GroupRow) => {
      onSelectRow(group);
      onToggleGroup(group.key, !group.collapsed);
    },
    [onSelectRow, onToggleGroup],
  );

  const pinned = pinnedGroups(rows, offsets, scrollTop);
  const selected = rows[selectedIndex];
  return (
    <div
      ref={viewport}
      className="pod-list"
      role="tree"
      aria-label="Saved pods"
      tabIndex={0}
      aria-activedescendant={selected ? rowId(selected) : undefined}
      onKeyDown={onKeyDown}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      {pinned.length > 0 && (
        // The groups of the rows at the top, pinned while their own headers are scrolled away (a copy, hidden from
        // assistive technology: the tree's own rows carry the structure).
        <div className="pod-list-pinned" aria-hidden="true">
          {pinned.map((group, index) => (
            <PodGroupRow
              key={group.key}
              group={group}
              top={index * GROUP_ROW_HEIGHT}
              selected={false}
              rowId={`${rowId(group)}-pinned`}
              pinned
              onClick={onGroupClick}
            />
          ))}
        </div>
      )}
      <div className="pod-list-spacer" style={{ height: total }}>
        {rows
          .slice(first, last)
          .map((row, offset) =>
            row.kind === 'group' ? (
              <PodGroupRow
                key={row.key}
                group={row}
                top={offsets[first + offset] ?? 0}
                selected={row.key === selectedKey}
                rowId={rowId(row)}
                onClick={onGroupClick}
              />
            ) : (
              <PodRow
                key={row.key}
                pod={row.pod}
                top={offsets[first + offset] ?? 0}
                depth={row.depth}
                selected={row.key === selectedKey}
                now={now}
                optionId={rowId(row)}
                onClick={onRowClick}
                onContextMenu={onRowContextMenu}
                onEdit={onEdit}
                onDelete={onDelete}
              />
            ),
          )}
      </div>
    </div>
  );
}

/** The cluster and namespace of the first row in view whose own header rows are above the viewport. */
function pinnedGroups(rows: readonly SidebarRow[], offsets: Float64Array, scrollTop: number): GroupRow[] {
  if (scrollTop <= 0 || rows.length === 0) return [];
  const byKey = (key: string | null) => rows.find((row): row is GroupRow => row.kind === 'group' && row.key === key);
  // Look below the pinned strip itself (up to two headers), so a header about to be covered is counted as gone.
  const first = rows[rowAt(offsets, scrollTop + GROUP_ROW_HEIGHT)];
  if (!first) return [];
  const namespace = first.kind === 'pod' ? byKey(first.parentKey) : first.level === 1 ? first : undefined;
  const cluster = byKey(namespace ? namespace.parentKey : first.kind === 'pod' ? first.parentKey : null);
  const out: GroupRow[] = [];
  const index = (group: GroupRow) => rows.indexOf(group);
  if (cluster && (offsets[index(cluster)] ?? 0) < scrollTop) out.push(cluster);
  if (cluster && namespace && (offsets[index(namespace)] ?? 0) < scrollTop + GROUP_ROW_HEIGHT) out.push(namespace);
  return out;
}

function scrollIntoView(viewport: HTMLElement | null, top: number, height: number, covered: number): void {
  if (!viewport) return;
  const bottom = top + height;
  if (top - covered < viewport.scrollTop) viewport.scrollTop = Math.max(0, top - covered);
  else if (bottom > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = bottom - viewport.clientHeight;
}
