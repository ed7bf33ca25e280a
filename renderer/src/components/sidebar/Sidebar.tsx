/**
 * The saved pods: search (filters as you type), the list grouped by cluster and namespace, and "Add pod". Keyboard: ↓
 * from the search box enters the list, Enter in either opens the selected record.
 *
 * Opening: a click or Enter opens a new tab (so two clicks give two shells of one pod). The context menu's "Connect"
 * instead brings forward a live tab of that record when one is open, and "Connect in new tab" always opens another.
 */
import { useCallback, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { AppInfo } from '../../../../common/contract';
import type { PodSummary } from '../../../../common/pods';
import { ContextMenu } from '../ContextMenu';
import { GearIcon, UploadIcon } from '../icons';
import { PlusIcon, SearchIcon } from '../icons';
import { buildRows, podKey, type ImportedContextNames, type SidebarRow } from './groups';
import { PodList } from './PodList';
import { useCollapsedGroups } from './useCollapsedGroups';
import './Sidebar.css';

interface SidebarProps {
  /** null while the first list is loading. */
  pods: PodSummary[] | null;
  query: string;
  onQueryChange(query: string): void;
  /** Opens a new tab. */
  onOpen(pod: PodSummary): void;
  /** Names of imported kubeconfig contexts by id, for grouping records that use one. */
  importedContexts?: ImportedContextNames;
  /** Brings a live tab of the record forward, else opens one. */
  onConnect(pod: PodSummary): void;
  /** Opens a tab with a debug (ephemeral) container in the record's pod; offered for records with a pod to debug. */
  onDebug?: (pod: PodSummary) => void;
  onDuplicate(pod: PodSummary): void;
  onEdit(pod: PodSummary): void;
  onRefresh(pod: PodSummary): void;
  onDelete(pod: PodSummary): void;
  onAdd(): void;
  searchRef: RefObject<HTMLInputElement | null>;
  appInfo: AppInfo | null;
  /** Selected after a save, so the record just edited is the one highlighted. */
  selectedId: string | null;
  onSelect(id: string): void;
  /** Opens the kubeconfig import dialog. */
  onImportKubeconfig?: () => void;
  /** Opens Settings (the gear in the footer). */
  onOpenSettings?: () => void;
}

interface MenuState {
  pod: PodSummary;
  x: number;
  y: number;
}

export function Sidebar(props: SidebarProps) {
  const {
    pods,
    query,
    onQueryChange,
    onOpen,
    onConnect,
    onDuplicate,
    onEdit,
    onRefresh,
    onDelete,
    onAdd,
    searchRef,
    appInfo,
    selectedId,
    onSelect,
  } = props;
  const list = useRef<HTMLDivElement | null>(null);
  const [menu, setMenu] = useState<MenuState | null>(null);
  const { collapsed, setGroup } = useCollapsedGroups();
  /** A group header the keyboard or a click is on; null when the selection is a record. */
  const [selectedGroup, setSelectedGroup] = useState<string | null>(null);
  // While searching every group is open: a match hidden in a folded group would look like no match.
  const { importedContexts } = props;
  const rows = useMemo(
    () => buildRows(pods ?? [], collapsed, query.trim() !== '', importedContexts),
    [pods, collapsed, query, importedContexts],
  );
  // The selection falls back to the first match, so Enter in the search box opens the best hit.
  const selected = pods?.find((pod) => pod.id === selectedId) ?? pods?.[0] ?? null;
  const selectedKey =
    selectedGroup !== null && rows.some((row) => row.key === selectedGroup)
      ? selectedGroup
      : selected
        ? podKey(selected.id)
        : null;

  const selectRow = useCallback(
    (row: SidebarRow) => {
      if (row.kind === 'group') {
        setSelectedGroup(row.key);
      } else {
        setSelectedGroup(null);
        onSelect(row.pod.id);
      }
    },
    [onSelect],
  );
  const openMenu = useCallback((pod: PodSummary, x: number, y: number) => setMenu({ pod, x, y }), []);
  const closeMenu = useCallback(() => {
    setMenu(null);
  }, []);

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && pods && pods.length > 0) {
      event.preventDefault();
      const podRows = rows.filter((row) => row.kind === 'pod');
      const index = podRows.findIndex((row) => row.key === selectedKey);
      const next = podRows[Math.min(podRows.length - 1, index + 1)];
      if (next) selectRow(next);
      list.current?.focus();
    } else if (event.key === 'Enter' && selected) {
      event.preventDefault();
      onOpen(selected);
    } else if (event.key === 'Escape' && query) {
      event.preventDefault();
      onQueryChange('');
    }
  };

  return (
    <aside className="sidebar" aria-label="Pods">
      <div className="sidebar-header">
        <span className="brand">Podterm</span>
        <span className="sidebar-header-actions">
          {props.onImportKubeconfig && (
            <button
              type="button"
              className="icon-btn"
              onClick={props.onImportKubeconfig}
              aria-label="Import kubeconfig…"
              title="Import kubeconfig… (or drop the files on the window)"
            >
              <UploadIcon size={14} />
            </button>
          )}
          <button type="button" className="btn btn-small" onClick={onAdd} title="Add a pod record">
            <PlusIcon />
            Add pod
          </button>
        </span>
      </div>
      <div className="sidebar-search">
        <SearchIcon />
        <input
          ref={searchRef}
          className="search-input"
          type="search"
          aria-label="Search pods"
          placeholder="Search pods"
          value={query}
          onChange={(event) => onQueryChange(event.target.value)}
          onKeyDown={onSearchKey}
          spellCheck={false}
          autoComplete="off"
        />
      </div>

      {pods && pods.length > 0 && (
        <PodList
          viewport={list}
          rows={rows}
          selectedKey={selectedKey}
          onSelectRow={selectRow}
          onOpen={onOpen}
          onEdit={onEdit}
          onDelete={onDelete}
          onDuplicate={onDuplicate}
          onToggleGroup={setGroup}
          onContextMenu={openMenu}
        />
      )}
      {pods && pods.length === 0 && <SidebarEmpty query={query} onAdd={onAdd} onClear={() => onQueryChange('')} />}
      {!pods && <div className="sidebar-empty muted">Loading…</div>}

      <div className="sidebar-footer">
        <span>
          {pods ? `${pods.length} ${pods.length === 1 ? 'record' : 'records'}${query ? ' matching' : ''}` : ''}
        </span>
        {appInfo && (
          <span title={`Data: ${appInfo.dataDir}`}>
            {appInfo.mode === 'web' ? 'browser mode' : 'desktop'} · v{appInfo.version}
          </span>
        )}
        {props.onOpenSettings && (
          <button
            type="button"
            className="icon-btn sidebar-settings"
            onClick={props.onOpenSettings}
            aria-label="Settings"
            title="Settings"
          >
            <GearIcon />
          </button>
        )}
      </div>

      {menu && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          onClose={closeMenu}
          items={[
            { label: 'Connect', onSelect: () => onConnect(menu.pod) },
            { label: 'Connect in new tab', shortcut: 'Enter', onSelect: () => onOpen(menu.pod) },
            ...(props.onDebug && (menu.pod.podName || menu.pod.labelSelector)
              ? [{ label: 'Debug with an ephemeral container', onSelect: () => props.onDebug?.(menu.pod) }]
              : []),
            { label: 'Refresh', onSelect: () => onRefresh(menu.pod) },
            { label: 'Edit…', shortcut: 'F2', onSelect: () => onEdit(menu.pod) },
            { label: 'Duplicate', shortcut: 'Ctrl+Shift+D', onSelect: () => onDuplicate(menu.pod) },
            { label: 'Delete…', shortcut: 'Del', danger: true, onSelect: () => onDelete(menu.pod) },
          ]}
        />
      )}
    </aside>
  );
}

function SidebarEmpty({ query, onAdd, onClear }: { query: string; onAdd(): void; onClear(): void }) {
  if (query) {
    return (
      <div className="sidebar-empty">
        <p>No records match “{query}”.</p>
        <button type="button" className="btn-link" onClick={onClear}>
          Clear the search
        </button>
      </div>
    );
  }
  return (
    <div className="sidebar-empty">
      <p>No pod records yet.</p>
      <p className="muted">
        Add a pod record: a Kubernetes pod, an SSH host, or both. Podterm tries Kubernetes first and falls back to SSH.
      </p>
      <button type="button" className="btn-link" onClick={onAdd}>
        Add a pod record
      </button>
    </div>
  );
}
