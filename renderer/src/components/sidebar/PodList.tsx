/**
 * The saved pods as a virtualised listbox: only the rows in view (plus a margin) are in the DOM, so ten thousand
 * records scroll as smoothly as ten. Arrow keys move the selection, Enter opens, F2 edits, Delete deletes.
 */
import { useCallback, useId, useState, type KeyboardEvent, type MouseEvent, type RefObject } from 'react';
import type { PodView } from '../../../../common/pods';
import { useElementHeight } from '../../hooks/useElementHeight';
import { useNow } from '../../hooks/useNow';
import { POD_ROW_HEIGHT, PodRow } from './PodRow';

/** Rows rendered beyond each edge of the viewport, so a fast scroll shows no blank strip. */
const OVERSCAN_ROWS = 8;
/** "5 min ago" needs no finer clock. */
const RELATIVE_TIME_REFRESH_MS = 30_000;

interface PodListProps {
  pods: PodView[];
  selectedId: string | null;
  onSelect(pod: PodView): void;
  onOpen(pod: PodView): void;
  onEdit(pod: PodView): void;
  onDelete(pod: PodView): void;
  onContextMenu(pod: PodView, x: number, y: number): void;
  /** The scrolling listbox element; the sidebar focuses it from the search box. */
  viewport: RefObject<HTMLDivElement | null>;
}

export function PodList({
  pods,
  selectedId,
  onSelect,
  onOpen,
  onEdit,
  onDelete,
  onContextMenu,
  viewport,
}: PodListProps) {
  const height = useElementHeight(viewport);
  const [scrollTop, setScrollTop] = useState(0);
  const now = useNow(RELATIVE_TIME_REFRESH_MS);
  const idPrefix = useId();
  const optionId = (pod: PodView) => `${idPrefix}-${pod.id}`;

  const selectedIndex = pods.findIndex((pod) => pod.id === selectedId);
  const first = Math.max(0, Math.floor(scrollTop / POD_ROW_HEIGHT) - OVERSCAN_ROWS);
  const last = Math.min(pods.length, Math.ceil((scrollTop + height) / POD_ROW_HEIGHT) + OVERSCAN_ROWS);

  const moveTo = (index: number) => {
    const pod = pods[Math.max(0, Math.min(pods.length - 1, index))];
    if (!pod) return;
    onSelect(pod);
    scrollIntoView(viewport.current, pods.indexOf(pod));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const selected = pods[selectedIndex];
    const page = Math.max(1, Math.floor(height / POD_ROW_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown':
        moveTo(selectedIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(selectedIndex - 1);
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
        moveTo(pods.length - 1);
        break;
      case 'Enter':
        if (selected) onOpen(selected);
        break;
      case 'F2':
        if (selected) onEdit(selected);
        break;
      case 'Delete':
        if (selected) onDelete(selected);
        break;
      case 'ContextMenu': {
        if (!selected || !viewport.current) return;
        const box = viewport.current.getBoundingClientRect();
        onContextMenu(selected, box.left + 24, box.top + (selectedIndex + 1) * POD_ROW_HEIGHT - scrollTop);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  };

  const onRowClick = useCallback(
    (pod: PodView, event: MouseEvent) => {
      onSelect(pod);
      // The second click of a double-click must not open a second tab.
      if (event.detail <= 1) onOpen(pod);
    },
    [onSelect, onOpen],
  );
  const onRowContextMenu = useCallback(
    (pod: PodView, event: MouseEvent) => {
      event.preventDefault();
      onSelect(pod);
      onContextMenu(pod, event.clientX, event.clientY);
    },
    [onSelect, onContextMenu],
  );

  const selected = pods[selectedIndex];
  return (
    <div
      ref={viewport}
      className="pod-list"
      role="listbox"
      aria-label="Saved pods"
      tabIndex={0}
      aria-activedescendant={selected ? optionId(selected) : undefined}
      onKeyDown={onKeyDown}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div className="pod-list-spacer" style={{ height: pods.length * POD_ROW_HEIGHT }}>
        {pods.slice(first, last).map((pod, offset) => (
          <PodRow
            key={pod.id}
            pod={pod}
            index={first + offset}
            selected={pod.id === selected?.id}
            now={now}
            optionId={optionId(pod)}
            onClick={onRowClick}
            onContextMenu={onRowContextMenu}
            onEdit={onEdit}
            onDelete={onDelete}
          />
        ))}
      </div>
    </div>
  );
}

function scrollIntoView(viewport: HTMLElement | null, index: number): void {
  if (!viewport || index < 0) return;
  const top = index * POD_ROW_HEIGHT;
  const bottom = top + POD_ROW_HEIGHT;
  if (top < viewport.scrollTop) viewport.scrollTop = top;
  else if (bottom > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = bottom - viewport.clientHeight;
}
