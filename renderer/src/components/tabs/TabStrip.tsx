/**
 * The open terminals as tabs. Click activates, middle click closes, a double-click on the title (or F2, or the menu's
 * "Rename…") renames inline (Enter saves, Escape cancels, an empty title goes back to the record's name). Tabs are
 * reordered by dragging or with Ctrl+Shift+PageUp/PageDown; the right-click menu offers Rename, Duplicate tab (another
 * session for the same record), Close and Close others. More tabs than fit scroll sideways (the wheel scrolls them too);
 * a "‹ 3" / "2 ›" button at each end says how many are out of sight there and scrolls to them. The active tab's Record
 * button sits at the strip's right end, where it covers nothing.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type DragEvent,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import { MAX_TAB_TITLE_CHARS } from '../../hooks/useTabEditing';
import { ContextMenu } from '../ContextMenu';
import { CloseIcon, PlusIcon } from '../icons';
import { SessionRecordButton, TabRecordingDot } from '../session/RecordingControl';
import { DOT_WORDS, dotKind } from './statusDot';
import type { TabModel } from './tabModel';
import './TabStrip.css';

/** The drag payload's type: only our own tabs may be dropped on the strip (files dropped there go to the window). */
const TAB_DRAG_TYPE = 'application/x-podterm-tab';

interface TabStripProps {
  tabs: TabModel[];
  activeKey: number | null;
  onActivate(key: number): void;
  onClose(key: number): void;
  /** "+": pick another record (focuses the sidebar's search). */
  onNew(): void;
  onRename(key: number, title: string): void;
  /** Moves the tab to this index. */
  onMove(key: number, index: number): void;
  onDuplicate(key: number): void;
  onCloseOthers(key: number): void;
}

interface MenuState {
  key: number;
  x: number;
  y: number;
}

export function TabStrip(props: TabStripProps) {
  const { tabs, activeKey, onActivate, onClose, onNew, onRename, onMove, onDuplicate, onCloseOthers } = props;
  const [editingKey, setEditingKey] = useState<number | null>(null);
  const [menu, setMenu] = useState<MenuState | null>(null);
  /** Where a dragged tab would land: before the tab at this index (tabs.length = at the end). */
  const [dropIndex, setDropIndex] = useState<number | null>(null);
  const dragging = useRef<number | null>(null);
  const list = useRef<HTMLDivElement>(null);
  const hidden = useHiddenTabs(list, tabs.length);
  const active = tabs.find((tab) => tab.key === activeKey) ?? null;

  const onKeyDown = (event: KeyboardEvent) => {
    if (editingKey !== null) return;
    const index = tabs.findIndex((tab) => tab.key === activeKey);
    if (index < 0) return;
    if (event.key === 'F2' && activeKey !== null) {
      event.preventDefault();
      setEditingKey(activeKey);
      return;
    }
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (next) onActivate(next.key);
  };

  const dropTarget = (event: DragEvent, index: number) => {
    if (dragging.current === null || !event.dataTransfer.types.includes(TAB_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    const box = event.currentTarget.getBoundingClientRect();
    setDropIndex(event.clientX < box.left + box.width / 2 ? index : index + 1);
  };
  const drop = (event: DragEvent) => {
    const key = dragging.current;
    if (key === null || dropIndex === null) return;
    event.preventDefault();
    const from = tabs.findIndex((tab) => tab.key === key);
    // Removing the tab first shifts every later index down by one.
    onMove(key, dropIndex > from ? dropIndex - 1 : dropIndex);
    endDrag();
  };
  const endDrag = () => {
    dragging.current = null;
    setDropIndex(null);
  };

  const closeMenu = useCallback(() => setMenu(null), []);
  return (
    <div className="tab-strip">
      <OverflowButton side="left" hidden={hidden} list={list} />
      <div
        ref={list}
        className="tab-list"
        role="tablist"
        aria-label="Open terminals"
        onKeyDown={onKeyDown}
        onDragOver={(event) => {
          // Past the last tab: drop at the end.
          if (event.target === event.currentTarget) dropTarget(event, tabs.length - 1);
        }}
        onDrop={drop}
        onWheel={(event) => {
          // A mouse wheel only scrolls vertically; the strip only scrolls sideways.
          if (event.deltaX === 0 && list.current) list.current.scrollLeft += event.deltaY;
        }}
      >
        {tabs.map((tab, index) => (
          <Tab
            key={tab.key}
            tab={tab}
            active={tab.key === activeKey}
            editing={tab.key === editingKey}
            dropSide={
              dropIndex === index ? 'before' : dropIndex === index + 1 && index === tabs.length - 1 ? 'after' : null
            }
            onActivate={onActivate}
            onClose={onClose}
            onStartRename={() => setEditingKey(tab.key)}
            onFinishRename={(title) => {
              setEditingKey(null);
              if (title !== null) onRename(tab.key, title);
            }}
            onContextMenu={(x, y) => setMenu({ key: tab.key, x, y })}
            onDragStart={(event) => {
              dragging.current = tab.key;
              event.dataTransfer.setData(TAB_DRAG_TYPE, String(tab.key));
              event.dataTransfer.effectAllowed = 'move';
            }}
            onDragOver={(event) => dropTarget(event, index)}
            onDragEnd={endDrag}
          />
        ))}
      </div>
      <OverflowButton side="right" hidden={hidden} list={list} />
      <button
        type="button"
        className="icon-btn tab-new"
        aria-label="Open another pod"
        title="Open another pod: find it in the sidebar"
        onClick={onNew}
      >
        <PlusIcon />
      </button>
      <span className="spacer" />
      {active && <SessionRecordButton key={active.key} session={active.session} />}
      {menu && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          onClose={closeMenu}
          items={[
            { label: 'Rename…', shortcut: 'F2', onSelect: () => setEditingKey(menu.key) },
            { label: 'Duplicate tab', onSelect: () => onDuplicate(menu.key) },
            {
              label: 'Debug with an ephemeral container',
              onSelect: () => tabs.find((tab) => tab.key === menu.key)?.session.startDebug(),
            },
            { label: 'Close', shortcut: 'Ctrl+Shift+W', onSelect: () => onClose(menu.key) },
            ...(tabs.length > 1 ? [{ label: 'Close others', onSelect: () => onCloseOthers(menu.key) }] : []),
          ]}
        />
      )}
    </div>
  );
}

/** How many tabs are out of sight on each side of the scrolled strip (partly hidden ones count). */
function useHiddenTabs(list: RefObject<HTMLDivElement | null>, tabCount: number): { left: number; right: number } {
  const [hidden, setHidden] = useState({ left: 0, right: 0 });
  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    let width = element.clientWidth;
    const measure = () => {
      // The strip's width changes when it starts or stops overflowing (the count buttons take room, both at once, so
      // scrolling never changes it) or with the window: keep the active tab in view.
      if (element.clientWidth !== width) {
        width = element.clientWidth;
        element
          .querySelector('[role="tab"][aria-selected="true"]')
          ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      }
      const box = element.getBoundingClientRect();
      let left = 0;
      let right = 0;
      for (const tab of element.children) {
        const tabBox = tab.getBoundingClientRect();
        // A pixel of slack: sub-pixel layout leaves a fully visible tab a fraction outside the box.
        if (tabBox.left < box.left - 1) left += 1;
        else if (tabBox.right > box.right + 1) right += 1;
      }
      setHidden((current) => (current.left === left && current.right === right ? current : { left, right }));
    };
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      observer.disconnect();
    };
  }, [list, tabCount]);
  return hidden;
}

/**
 * "‹ 3": three tabs hidden to the left; a click scrolls the strip most of its width that way. While the strip
 * overflows both buttons keep their room (an empty side is blank), so scrolling does not change the strip's width.
 */
function OverflowButton(props: {
  side: 'left' | 'right';
  hidden: { left: number; right: number };
  list: RefObject<HTMLDivElement | null>;
}) {
  const { side, hidden, list } = props;
  const count = hidden[side];
  if (hidden.left + hidden.right === 0) return null;
  const label = `${count} more ${count === 1 ? 'tab' : 'tabs'} to the ${side}`;
  return (
    <button
      type="button"
      className={`tab-overflow ${side}`}
      data-testid={`tab-overflow-${side}`}
      aria-label={label}
      title={label}
      hidden={count === 0}
      onClick={() => {
        const element = list.current;
        if (element) element.scrollBy({ left: (side === 'left' ? -0.8 : 0.8) * element.clientWidth });
      }}
    >
      {side === 'left' ? `‹ ${count}` : `${count} ›`}
    </button>
  );
}

interface TabProps {
  tab: TabModel;
  active: boolean;
  editing: boolean;
  dropSide: 'before' | 'after' | null;
  onActivate(key: number): void;
  onClose(key: number): void;
  onStartRename(): void;
  /** null: cancelled. */
  onFinishRename(title: string | null): void;
  onContextMenu(x: number, y: number): void;
  onDragStart(event: DragEvent): void;
  onDragOver(event: DragEvent): void;
  onDragEnd(): void;
}

function Tab(props: TabProps) {
  const { tab, active, editing, dropSide, onActivate, onClose, onStartRename, onFinishRename } = props;
  const state = useSyncExternalStore(tab.session.subscribe, tab.session.getState);
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // With more tabs than fit, the strip scrolls; the active one must never be the one out of sight.
    if (active) element.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active]);
  const dot = dotKind(state);
  const target = state.status?.target;
  return (
    <div
      ref={element}
      role="tab"
      data-testid="tab"
      data-session-id={state.sessionId ?? ''}
      aria-selected={active}
      tabIndex={active ? 0 : -1}
      className={`tab ${active ? 'active' : ''} ${dropSide ? `drop-${dropSide}` : ''}`}
      title={tabTooltip(tab, target ?? null)}
      draggable={!editing}
      onDragStart={props.onDragStart}
      onDragOver={props.onDragOver}
      onDragEnd={props.onDragEnd}
      onMouseDown={(event) => {
        // Middle click closes, as in browsers and editors.
        if (event.button === 1) event.preventDefault();
      }}
      onAuxClick={(event) => {
        if (event.button === 1) onClose(tab.key);
      }}
      onClick={() => onActivate(tab.key)}
      onContextMenu={(event) => {
        event.preventDefault();
        onActivate(tab.key);
        props.onContextMenu(event.clientX, event.clientY);
      }}
    >
      <span className={`status-dot ${dot}`} role="img" aria-label={DOT_WORDS[dot]} />
      {editing ? (
        <TitleEditor title={tab.title} onDone={onFinishRename} />
      ) : (
        <span
          className="tab-title"
          onDoubleClick={(event) => {
            event.stopPropagation();
            onStartRename();
          }}
        >
          {tab.title}
        </span>
      )}
      {state.status?.kube?.debugContainer && (
        <span className="tab-debug" title={`Debug container ${state.status.kube.debugContainer.name}`}>
          debug
        </span>
      )}
      <TabRecordingDot features={tab.session.features} />
      <button
        type="button"
        className="tab-close"
        aria-label="Close tab"
        title="Close tab (Ctrl+Shift+W)"
        tabIndex={-1}
        onClick={(event) => {
          event.stopPropagation();
          onClose(tab.key);
        }}
      >
        <CloseIcon size={11} />
      </button>
    </div>
  );
}

/** The inline title input: Enter saves, Escape cancels, leaving it (a click elsewhere) saves. */
function TitleEditor({ title, onDone }: { title: string; onDone(title: string | null): void }) {
  const input = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const finish = (value: string | null) => {
    if (done.current) return;
    done.current = true;
    onDone(value);
  };
  return (
    <input
      ref={input}
      className="tab-title-input"
      aria-label="Tab title"
      defaultValue={title}
      maxLength={MAX_TAB_TITLE_CHARS}
      spellCheck={false}
      onClick={(event) => event.stopPropagation()}
      onKeyDown={(event) => {
        // The terminal and the app's shortcuts must not see keys typed into the title.
        event.stopPropagation();
        if (event.key === 'Enter') finish(event.currentTarget.value);
        else if (event.key === 'Escape') finish(null);
      }}
      onBlur={(event) => finish(event.currentTarget.value)}
    />
  );
}

/** "prod — root@10.0.0.5:22"; a renamed tab also names its record: "prod (record prod api) — …". */
function tabTooltip(tab: TabModel, target: string | null): string {
  const record = tab.renamed && tab.recordName ? ` (record ${tab.recordName})` : '';
  return `${tab.title}${record}${target ? ` — ${target}` : ''}`;
}
