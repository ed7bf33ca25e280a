/**
 * The cluster browser: every context of the default kubeconfig and every imported one, their namespaces, then a
 * namespace's pods with status, ready containers, restarts and age, filtered as you type. A pod is saved to the sidebar
 * in one click (Save, or S), or opened in a tab straight away (Open, or Enter), which saves it too: a tab always
 * belongs to a record, so it can reconnect, refresh and show up in history. Saving a pod that already has a record
 * reuses that record instead of making a second one.
 *
 * Keyboard: ↓ from the filter enters the tree; ↑/↓ move; → or Enter expands; ← collapses or goes to the parent; on a
 * pod, Enter opens and S saves.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type {
  ClusterContextList,
  ClusterContextView,
  ClusterExecAccess,
  ClusterNamespaceList,
  ClusterPodView,
} from '../../../../common/clusters';
import { KUBE_AUTH_KIND_LABELS } from '../../../../common/importedKubeconfigs';
import type { PodView } from '../../../../common/pods';
import type { RendererClient } from '../../client';
import { useAppEvent } from '../../hooks/useAppEvent';
import { useElementHeight } from '../../hooks/useElementHeight';
import { useNow } from '../../hooks/useNow';
import { ContextMenu } from '../ContextMenu';
import { SearchIcon } from '../icons';
import {
  isFinished,
  namespaceKey,
  runningWorkloadOf,
  podAge,
  podTone,
  refKey,
  visibleRows,
  workloadOf,
  type Loadable,
  type TreeRow,
} from './clusterTree';
import { usePodWatches } from './usePodWatches';
import './ClusterBrowser.css';
import { messageOf } from '../../../../common/errors';

/** Save the pod, open it (saving it too), or save a record that follows its workload by label selector. */
type PodAction = 'save' | 'open' | 'follow';

/** Row height in px: one line per row keeps a 50-pod namespace on one screen. */
const ROW_HEIGHT = 26;
/**
 * A namespace with more pods than this draws only the rows in sight (plus OVERSCAN_ROWS each side): 20,000 rows in the
 * DOM would take seconds to lay out, a screenful takes a millisecond. Smaller ones draw every row, as before.
 */
const VIRTUAL_RUN_MIN_ROWS = 200;
const OVERSCAN_ROWS = 20;
/** Typing pauses this long before a filter loads the pods of namespaces not opened yet. */
const FILTER_LOAD_DELAY_MS = 250;
/** Namespaces a filter loads at once: a cluster of hundreds of namespaces is searched in batches, not all at once. */
const MAX_FILTER_LOADS = 40;
/** How long "Saved multi" stays in the footer. */
const NOTICE_MS = 4000;

interface ClusterBrowserProps {
  client: RendererClient;
  filterRef: RefObject<HTMLInputElement | null>;
  /** A record was created (or an existing one found) for a pod. */
  onSaved(record: PodView): void;
  /** Open a tab for the record. */
  onOpen(record: PodView): void;
}

export function ClusterBrowser({ client, filterRef, onSaved, onOpen }: ClusterBrowserProps) {
  const [list, setList] = useState<Loadable<ClusterContextList>>({ state: 'loading' });
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [namespaces, setNamespaces] = useState<ReadonlyMap<string, Loadable<ClusterNamespaceList>>>(new Map());
  const [pods, setPods] = useState<ReadonlyMap<string, Loadable<ClusterPodView[]>>>(new Map());
  const [execAccess, setExecAccess] = useState<ReadonlyMap<string, ClusterExecAccess>>(new Map());
  const { follow, followOnly } = usePodWatches(client, setPods);
  /** Namespaces whose exec access was asked for already (main caches the answers; this asks once per namespace). */
  const execAsked = useRef(new Set<string>());
  const [filter, setFilter] = useState('');
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busyPod, setBusyPod] = useState<string | null>(null);
  const [menu, setMenu] = useState<{ row: TreeRow; x: number; y: number } | null>(null);
  const treeRef = useRef<HTMLDivElement | null>(null);
  const treeHeight = useElementHeight(treeRef);
  const [scrollTop, setScrollTop] = useState(0);
  const scroll = useMemo(() => ({ top: scrollTop, height: treeHeight }), [scrollTop, treeHeight]);
  const now = useNow(30_000);

  const fetchContexts = useCallback(() => {
    client.api.clusters.contexts({}).then(
      (value) => setList({ state: 'ready', value }),
      (error: unknown) => setList({ state: 'error', message: messageOf(error) }),
    );
  }, [client]);
  useEffect(fetchContexts, [fetchContexts]);
  // A kubeconfig dropped, removed or re-imported anywhere shows up here at once; what is expanded stays expanded.
  useAppEvent(client, 'kubeconfigsChanged', fetchContexts);
  const loadContexts = () => {
    setList({ state: 'loading' });
    fetchContexts();
  };

  const loadNamespaces = useCallback(
    (context: ClusterContextView) => {
      const key = refKey(context.ref);
      // A list already shown stays while it is asked for again, so its expanded namespaces keep their live watches.
      setNamespaces((current) =>
        current.get(key)?.state === 'ready' ? current : new Map(current).set(key, { state: 'loading' }),
      );
      client.api.clusters.namespaces({ context: context.ref }).then(
        (value) => setNamespaces((current) => new Map(current).set(key, { state: 'ready', value })),
        (error: unknown) =>
          setNamespaces((current) => new Map(current).set(key, { state: 'error', message: messageOf(error) })),
      );
    },
    [client],
  );
  const loadPods = useCallback(
    (context: ClusterContextView, namespace: string) => {
      const key = namespaceKey(context.ref, namespace);
      setPods((current) => new Map(current).set(key, { state: 'loading' }));
      client.api.clusters.pods({ context: context.ref, namespace }).then(
        (value) => setPods((current) => new Map(current).set(key, { state: 'ready', value })),
        (error: unknown) =>
          setPods((current) => new Map(current).set(key, { state: 'error', message: messageOf(error) })),
      );
    },
    [client],
  );

  // A filter looks for pods everywhere the user has opened: load the pods of every namespace of an expanded context
  // (once each), shortly after typing stops so each keystroke does not start requests.
  useEffect(() => {
    if (filter.trim() === '') return;
    const timer = setTimeout(() => {
      let started = 0;
      for (const context of list.state === 'ready' ? list.value.contexts : []) {
        const loaded = namespaces.get(refKey(context.ref));
        if (!expanded.has(refKey(context.ref)) || loaded?.state !== 'ready') continue;
        for (const namespace of loaded.value.namespaces) {
          if (started >= MAX_FILTER_LOADS) return;
          if (pods.has(namespaceKey(context.ref, namespace))) continue;
          started += 1;
          loadPods(context, namespace);
        }
      }
    }, FILTER_LOAD_DELAY_MS);
    return () => clearTimeout(timer);
  }, [filter, list, namespaces, expanded, pods, loadPods]);

  const contexts = useMemo(() => (list.state === 'ready' ? list.value.contexts : []), [list]);

  // The browser pane hidden (the sidebar shows Saved: its height is 0) or the page hidden: no watch is kept.
  const pageVisible = usePageVisible();
  const visible = pageVisible && treeHeight > 0;

  // Every expanded namespace (of an expanded context) is followed live while the browser is in sight; collapsing
  // either, or hiding the browser, stops its watch (showing it again lists and watches anew).
  useEffect(() => {
    const wanted = new Map<string, { context: ClusterContextView; namespace: string }>();
    for (const context of visible ? contexts : []) {
      const loaded = namespaces.get(refKey(context.ref));
      if (!expanded.has(refKey(context.ref)) || loaded?.state !== 'ready') continue;
      for (const namespace of loaded.value.namespaces) {
        const key = namespaceKey(context.ref, namespace);
        if (expanded.has(key)) wanted.set(key, { context, namespace });
      }
    }
    followOnly(wanted);
    // Before offering Open in a namespace, ask once whether the user may exec there (main caches the answer too).
    for (const [key, { context, namespace }] of wanted) {
      if (execAsked.current.has(key)) continue;
      execAsked.current.add(key);
      client.api.clusters.execAccess({ context: context.ref, namespace }).then(
        (answer) => setExecAccess((current) => new Map(current).set(key, answer)),
        () => undefined,
      );
    }
  }, [client, contexts, expanded, namespaces, followOnly, visible]);

  const rows = useMemo(
    () => visibleRows({ contexts, expanded, namespaces, pods, filter, follow, execAccess }),
    [contexts, expanded, namespaces, pods, filter, follow, execAccess],
  );
  const selectable = rows.filter((row) => row.kind !== 'message');
  const selected = selectable.find((row) => row.key === selectedKey) ?? null;

  const toggle = useCallback(
    (row: TreeRow, open?: boolean) => {
      if (row.kind !== 'context' && row.kind !== 'namespace') return;
      const willOpen = open ?? !row.expanded;
      setExpanded((current) => {
        const next = new Set(current);
        if (willOpen) next.add(row.key);
        else next.delete(row.key);
        return next;
      });
      if (!willOpen) return;
      // Expanding a context always asks again (a failed context may work now); an expanded namespace is followed
      // live by the effect above, which lists it first.
      if (row.kind === 'context') loadNamespaces(row.context);
    },
    [loadNamespaces],
  );

  /** The loaded pods of a pod row's namespace (where a finished pod's running peers are looked for). */
  const peersOf = useCallback(
    (row: TreeRow): ClusterPodView[] => {
      if (row.kind !== 'pod') return [];
      const loaded = pods.get(namespaceKey(row.context.ref, row.pod.namespace));
      return loaded?.state === 'ready' ? loaded.value : [];
    },
    [pods],
  );

  const execRefusal = useCallback(
    (row: TreeRow): string | null => {
      if (row.kind !== 'pod') return null;
      const answer = execAccess.get(namespaceKey(row.context.ref, row.pod.namespace));
      return answer && !answer.allowed ? (answer.reason ?? 'You may not open a shell in this namespace.') : null;
    },
    [execAccess],
  );

  const act = useCallback(
    async (row: TreeRow, action: PodAction) => {
      if (row.kind !== 'pod') return;
      const refusal = action === 'open' ? execRefusal(row) : null;
      if (refusal) {
        setNotice(refusal);
        return;
      }
      // A finished pod cannot open a shell: Open goes to a running pod of its workload (a record following it), or
      // says why there is nothing to open, instead of saving a record that can only fail.
      const finished = action === 'open' && isFinished(row.pod);
      const instead = finished ? runningWorkloadOf(row.pod, peersOf(row)) : null;
      if (finished && !instead) {
        setNotice(finishedNotice(row.pod));
        return;
      }
      setBusyPod(row.key);
      try {
        const workload = action === 'follow' ? workloadOf(row.pod) : instead;
        if (action === 'follow' && !workload) {
          setNotice(`${row.pod.name} has no app label to follow`);
          return;
        }
        // The record for this pod (or, with a selector, for its workload): the main side finds the one with the same
        // target or creates it, in one step, so two quick clicks make one record.
        const { record, created } = await client.api.clusters.savePod({
          context: row.context.ref,
          namespace: row.pod.namespace,
          target: workload
            ? { kind: 'workload', labelSelector: workload.selector, name: workload.name }
            : { kind: 'pod', podName: row.pod.name },
        });
        onSaved(record);
        if (action === 'open') onOpen(record);
        else setNotice(created ? `Saved ${record.name} to Saved pods` : `${record.name} is already saved`);
      } catch (error) {
        setNotice(`Could not save ${row.pod.name}: ${messageOf(error)}`);
      } finally {
        setBusyPod(null);
      }
    },
    [client, onSaved, onOpen, peersOf, execRefusal],
  );

  /** Adds a namespace to the context's "namespaces to show" and lists the context's namespaces again. */
  const addShownNamespace = useCallback(
    async (context: ClusterContextView, namespace: string) => {
      try {
        const current = await client.api.clusters.shownNamespaces({ context: context.ref });
        await client.api.clusters.setShownNamespaces({
          context: context.ref,
          namespaces: [...new Set([...current, namespace])],
        });
        loadNamespaces(context);
      } catch (error) {
        setNotice(`Could not add ${namespace}: ${messageOf(error)}`);
      }
    },
    [client, loadNamespaces],
  );

  useEffect(() => {
    if (notice === null) return;
    // Clears only this notice: the timer of one that was just replaced may still fire before this effect's cleanup.
    const timer = setTimeout(() => setNotice((current) => (current === notice ? null : current)), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const move = (step: number) => {
    if (selectable.length === 0) return;
    const index = selected ? selectable.indexOf(selected) : -1;
    const next = selectable[Math.max(0, Math.min(selectable.length - 1, index + step))];
    if (next) setSelectedKey(next.key);
  };

  const onTreeKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const row = selected;
    if (event.key === 'ArrowDown') move(1);
    else if (event.key === 'ArrowUp') {
      if (row && selectable.indexOf(row) === 0) filterRef.current?.focus();
      else move(-1);
    } else if (event.key === 'ArrowRight' && row) {
      if (row.kind !== 'pod' && !row.expanded) toggle(row, true);
      else move(1);
    } else if (event.key === 'ArrowLeft' && row) {
      if (row.kind !== 'pod' && row.expanded) toggle(row, false);
      else setSelectedKey(parentKey(row));
    } else if (event.key === 'Enter' && row) {
      if (row.kind === 'pod') void act(row, 'open');
      else toggle(row);
    } else if ((event.key === 's' || event.key === 'S') && row?.kind === 'pod') {
      void act(row, 'save');
    } else if ((event.key === 'w' || event.key === 'W') && row?.kind === 'pod') {
      void act(row, 'follow');
    } else if (event.key === 'ContextMenu' && row?.kind === 'pod') {
      const box = treeRef.current?.querySelector(`[data-key="${CSS.escape(row.key)}"]`)?.getBoundingClientRect();
      if (box) setMenu({ row, x: box.left + 40, y: box.bottom });
    } else if (event.key === 'Home') setSelectedKey(selectable[0]?.key ?? null);
    else if (event.key === 'End') setSelectedKey(selectable.at(-1)?.key ?? null);
    else return;
    event.preventDefault();
  };

  const onFilterKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || (event.key === 'Enter' && selectable.length > 0)) {
      event.preventDefault();
      // Enter jumps to the first pod the filter matched, the likeliest target.
      const target =
        event.key === 'Enter'
          ? (selectable.find((row) => row.kind === 'pod') ?? selectable[0])
          : (selected ?? selectable[0]);
      if (target) setSelectedKey(target.key);
      treeRef.current?.focus();
    } else if (event.key === 'Escape' && filter) {
      event.preventDefault();
      setFilter('');
    }
  };

  useEffect(() => {
    if (!selectedKey) return;
    treeRef.current?.querySelector(`[data-key="${CSS.escape(selectedKey)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedKey]);

  return (
    <section className="cluster-browser" aria-label="Clusters">
      <div className="sidebar-search cluster-filter">
        <SearchIcon />
        <input
          ref={filterRef}
          className="search-input"
          type="search"
          aria-label="Filter namespaces and pods"
          placeholder="Filter namespaces and pods"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          onKeyDown={onFilterKey}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="button" className="icon-btn cluster-reload" title="Reload the contexts" onClick={loadContexts}>
          ↻
        </button>
      </div>

      <div
        ref={treeRef}
        className="cluster-tree"
        role="tree"
        aria-label="Contexts, namespaces and pods"
        tabIndex={0}
        onKeyDown={onTreeKey}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
        onFocus={() => {
          if (!selected && selectable[0]) setSelectedKey(selectable[0].key);
        }}
      >
        {list.state === 'loading' && <p className="cluster-note muted">Reading kubeconfigs…</p>}
        {list.state === 'error' && <p className="cluster-note cluster-error">{list.message}</p>}
        {list.state === 'ready' && (
          <>
            {list.value.problems.map((problem) => (
              <p key={problem} className="cluster-note cluster-error" role="alert">
                {problem}
              </p>
            ))}
            {list.value.contexts.length === 0 && (
              <div className="cluster-note">
                <p>No contexts yet.</p>
                <p className="muted">
                  Podterm reads the default kubeconfig ({list.value.defaultSearched || '~/.kube/config'}) and the
                  kubeconfigs you import. Drop a kubeconfig onto the window to import one.
                </p>
              </div>
            )}
          </>
        )}
        {segmentsOf(rows).map((segment) => {
          const renderRow = (row: TreeRow, columnHeader: boolean, top?: number) => (
            <Row
              key={row.key}
              columnHeader={columnHeader}
              top={top}
              row={row}
              now={now}
              selected={row.key === selected?.key}
              busy={row.key === busyPod}
              onSelect={() => setSelectedKey(row.key)}
              onToggle={() => toggle(row)}
              openOffer={row.kind === 'pod' && !execRefusal(row) ? openOffer(row.pod, peersOf(row)) : null}
              execRefusal={execRefusal(row)}
              onAddNamespace={(context, namespace) => void addShownNamespace(context, namespace)}
              onAction={(action) => void act(row, action)}
              onMenu={(x, y) => setMenu({ row, x, y })}
            />
          );
          if (segment.kind === 'row') return renderRow(segment.row, segment.columnHeader);
          return (
            <PodRun
              key={`${segment.rows[0]?.key ?? ''}#run`}
              rows={segment.rows}
              treeRows={rows}
              treeRef={treeRef}
              scroll={scroll}
              selectedKey={selectedKey}
              renderRow={renderRow}
            />
          );
        })}
      </div>
      <div className="sidebar-footer cluster-footer" aria-live="polite">
        <span className={notice ? 'cluster-notice' : undefined}>
          {notice ?? (list.state === 'ready' ? contextCount(list.value.contexts.length) : '')}
        </span>
        <span>↵ open · S save · W follow</span>
      </div>
      {menu && menu.row.kind === 'pod' && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          onClose={() => setMenu(null)}
          items={[
            ...(!execRefusal(menu.row) && openOffer(menu.row.pod, peersOf(menu.row))
              ? [
                  {
                    label: openOffer(menu.row.pod, peersOf(menu.row))!.menuLabel,
                    shortcut: 'Enter',
                    onSelect: () => void act(menu.row, 'open'),
                  },
                ]
              : []),
            { label: 'Save to sidebar', shortcut: 'S', onSelect: () => void act(menu.row, 'save') },
            ...(workloadOf(menu.row.pod)
              ? [
                  {
                    label: `Follow workload (${workloadOf(menu.row.pod)!.selector})`,
                    shortcut: 'W',
                    onSelect: () => void act(menu.row, 'follow'),
                  },
                ]
              : []),
          ]}
        />
      )}
    </section>
  );
}

/** Whether the page is visible (not a background tab or a minimised window), kept current. */
function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

/** The tree's rows as drawn: single rows, and each namespace's pods as one run (virtualised when long). */
type Segment = { kind: 'row'; row: TreeRow; columnHeader: boolean } | { kind: 'run'; rows: TreeRow[] };

function segmentsOf(rows: readonly TreeRow[]): Segment[] {
  const segments: Segment[] = [];
  let run: TreeRow[] = [];
  const endRun = () => {
    if (run.length >= VIRTUAL_RUN_MIN_ROWS) segments.push({ kind: 'run', rows: run });
    else run.forEach((row, index) => segments.push({ kind: 'row', row, columnHeader: index === 0 }));
    run = [];
  };
  for (const row of rows) {
    if (row.kind === 'pod') run.push(row);
    else {
      endRun();
      segments.push({ kind: 'row', row, columnHeader: false });
    }
  }
  endRun();
  return segments;
}

interface PodRunProps {
  rows: TreeRow[];
  /** Every row of the tree: when it changes, rows above this run may have come or gone. */
  treeRows: readonly TreeRow[];
  treeRef: RefObject<HTMLDivElement | null>;
  scroll: { top: number; height: number };
  selectedKey: string | null;
  renderRow(row: TreeRow, columnHeader: boolean, top?: number): ReactNode;
}

/**
 * A long run of pod rows: a block as tall as all of them, drawing only those in the tree's viewport. Rows have one
 * fixed height, so the rows in sight are arithmetic on the tree's scroll position and the block's offset in it.
 */
function PodRun({ rows, treeRows, treeRef, scroll, selectedKey, renderRow }: PodRunProps) {
  const blockRef = useRef<HTMLDivElement | null>(null);
  const [blockTop, setBlockTop] = useState(0);
  // The block moves when rows above it change (treeRows) or the tree scrolls: measure again then.
  useLayoutEffect(() => {
    const top = blockRef.current?.offsetTop ?? 0;
    if (top !== blockTop) setBlockTop(top);
  }, [treeRows, scroll, blockTop]);
  // The keyboard moved the selection to a row not drawn: scroll it into sight (the tree's own effect finds drawn ones).
  useLayoutEffect(() => {
    const index = rows.findIndex((row) => row.key === selectedKey);
    const tree = treeRef.current;
    if (index < 0 || !tree) return;
    const rowTop = blockTop + index * ROW_HEIGHT;
    if (rowTop < tree.scrollTop) tree.scrollTop = rowTop;
    else if (rowTop + ROW_HEIGHT > tree.scrollTop + tree.clientHeight) {
      tree.scrollTop = rowTop + ROW_HEIGHT - tree.clientHeight;
    }
  }, [selectedKey, rows, blockTop, treeRef]);
  const first = Math.max(0, Math.floor((scroll.top - blockTop) / ROW_HEIGHT) - OVERSCAN_ROWS);
  const last = Math.min(rows.length, Math.ceil((scroll.top + scroll.height - blockTop) / ROW_HEIGHT) + OVERSCAN_ROWS);
  return (
    <>
      <PodColumnsHeader />
      <div
        ref={blockRef}
        className="cluster-run"
        style={{ height: rows.length * ROW_HEIGHT }}
        data-testid="cluster-run"
        data-rows={rows.length}
      >
        {rows
          .slice(first, Math.max(first, last))
          .map((row, offset) => renderRow(row, false, (first + offset) * ROW_HEIGHT))}
      </div>
    </>
  );
}

interface RowProps {
  row: TreeRow;
  /** In a virtualised run: the row's offset in it (drawn absolutely positioned). */
  top?: number | undefined;
  /** The first pod of a namespace's list: name the columns above it. */
  columnHeader: boolean;
  now: number;
  selected: boolean;
  busy: boolean;
  /** What Open offers for a pod row (openOffer); null: nothing can open (a finished pod without running peers). */
  openOffer: OpenOffer | null;
  /** Why the user may not exec into this pod (its namespace's RBAC), or null. */
  execRefusal: string | null;
  /** Adds a namespace to a context's "namespaces to show" (the partial-list line offers it). */
  onAddNamespace(context: ClusterContextView, namespace: string): void;
  onSelect(): void;
  onToggle(): void;
  onAction(action: PodAction): void;
  onMenu(x: number, y: number): void;
}

function Row({
  row,
  top,
  columnHeader,
  now,
  selected,
  busy,
  openOffer: offer,
  execRefusal: refusal,
  onAddNamespace,
  onSelect,
  onToggle,
  onAction,
  onMenu,
}: RowProps) {
  const style =
    top === undefined
      ? { height: ROW_HEIGHT }
      : { height: ROW_HEIGHT, position: 'absolute' as const, top, left: 0, right: 0 };
  if (row.kind === 'message') {
    const partialOf = row.partialOf;
    return (
      <div
        className={`cluster-row cluster-message depth-${row.depth} ${row.tone === 'error' ? 'cluster-error' : 'muted'}`}
        role={row.tone === 'error' ? 'alert' : undefined}
        data-testid={partialOf ? 'cluster-partial' : undefined}
      >
        <span>{row.text}</span>
        {partialOf && <AddNamespace onAdd={(namespace) => onAddNamespace(partialOf, namespace)} />}
      </div>
    );
  }
  const className = `cluster-row cluster-${row.kind}${selected ? ' selected' : ''}`;
  if (row.kind === 'context') {
    const { context } = row;
    return (
      <div
        className={className}
        style={style}
        data-key={row.key}
        role="treeitem"
        aria-expanded={row.expanded}
        aria-selected={selected}
        aria-level={1}
        onClick={() => {
          onSelect();
          onToggle();
        }}
        title={`${context.server || 'no server'} · ${context.origin}${context.namespace ? ` · namespace ${context.namespace}` : ''}`}
      >
        <Caret open={row.expanded} loading={row.loading} />
        <span className="cluster-name">{context.name}</span>
        {context.current && <span className="cluster-badge">current</span>}
        {context.ref.source === 'imported' && <span className="cluster-badge">imported</span>}
        <span className="cluster-meta">{KUBE_AUTH_KIND_LABELS[context.authKind]}</span>
      </div>
    );
  }
  if (row.kind === 'namespace') {
    return (
      <div
        className={className}
        style={style}
        data-key={row.key}
        role="treeitem"
        aria-expanded={row.expanded}
        aria-selected={selected}
        aria-level={2}
        data-follow={row.following ?? undefined}
        onClick={() => {
          onSelect();
          onToggle();
        }}
      >
        <Caret open={row.expanded} loading={row.loading} />
        <span className="cluster-name">{row.namespace}</span>
        {row.count !== null && <span className="cluster-meta">{row.count}</span>}
      </div>
    );
  }
  const { pod } = row;
  const tone = podTone(pod);
  return (
    <>
      {columnHeader && <PodColumnsHeader />}
      <div
        className={className}
        style={style}
        data-key={row.key}
        role="treeitem"
        aria-selected={selected}
        aria-level={3}
        aria-label={pod.name}
        onClick={onSelect}
        onDoubleClick={() => onAction('open')}
        onContextMenu={(event) => {
          event.preventDefault();
          onSelect();
          onMenu(event.clientX, event.clientY);
        }}
        title={`${pod.name}: ${pod.status}, ${pod.ready} ready, ${pod.restarts} restarts · containers ${pod.containers.join(', ')}${labelsText(pod)}${refusal ? ` · ${refusal}` : ''}`}
      >
        <span className={`cluster-dot tone-${tone}`} aria-hidden="true" />
        <span className="cluster-name cluster-pod-name">{pod.name}</span>
        <span className={`cluster-status tone-${tone}`}>{statusLabel(pod)}</span>
        <span className="cluster-cols">
          <span className="cluster-ready" title="ready containers / containers">
            {pod.ready}
          </span>
          <span className={`cluster-restarts${pod.restarts > 0 ? ' has-restarts' : ''}`} title="restarts">
            {pod.restarts}
          </span>
          <span className="cluster-age" title="age">
            {podAge(pod.createdAt, now)}
          </span>
        </span>
        <span className="cluster-actions">
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={(event) => {
              event.stopPropagation();
              onAction('save');
            }}
            title={
              refusal
                ? 'Save this pod to the sidebar (S); give its record SSH details to open a shell over SSH'
                : 'Save this pod to the sidebar (S)'
            }
          >
            Save
          </button>
          {offer && (
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={busy}
              onClick={(event) => {
                event.stopPropagation();
                onAction('open');
              }}
              title={offer.title}
            >
              {offer.buttonLabel}
            </button>
          )}
        </span>
      </div>
    </>
  );
}

/** "Add a namespace" on the partial-list line: a namespace name, added to the context's namespaces to show. */
function AddNamespace({ onAdd }: { onAdd(namespace: string): void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const valid = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value.trim());
  if (!editing) {
    return (
      <button type="button" className="btn-link cluster-add-namespace" onClick={() => setEditing(true)}>
        Add a namespace…
      </button>
    );
  }
  return (
    <form
      className="cluster-add-namespace-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) return;
        onAdd(value.trim());
        setValue('');
        setEditing(false);
      }}
    >
      <input
        className="input cluster-add-namespace-input"
        aria-label="Namespace to show"
        placeholder="namespace"
        autoFocus
        value={value}
        spellCheck={false}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setEditing(false);
          event.stopPropagation();
        }}
      />
      <button type="submit" className="btn btn-small" disabled={!valid}>
        Show
      </button>
    </form>
  );
}

/**
 * Names the pod rows' columns, as `kubectl get pods` heads its table. Hidden from screen readers: each value carries
 * its own label (the cells' titles and the row's tooltip).
 */
function PodColumnsHeader() {
  return (
    <div className="cluster-row cluster-columns" data-testid="cluster-columns" aria-hidden="true">
      <span className="cluster-columns-status">name · status</span>
      <span className="cluster-cols">
        <span>ready</span>
        <span>restarts</span>
        <span>age</span>
      </span>
    </div>
  );
}

function Caret({ open, loading }: { open: boolean; loading: boolean }) {
  return (
    <span className={`cluster-caret${open ? ' open' : ''}${loading ? ' loading' : ''}`} aria-hidden="true">
      {loading ? '◌' : '›'}
    </span>
  );
}

interface OpenOffer {
  buttonLabel: string;
  menuLabel: string;
  title: string;
}

/**
 * What Open offers for a pod: a shell in it; for a finished pod, a running pod of its workload when one runs in the
 * namespace; for a finished pod with none, nothing (null), since any record saved for it could only fail.
 */
function openOffer(pod: ClusterPodView, namespacePods: readonly ClusterPodView[]): OpenOffer | null {
  if (!isFinished(pod)) {
    return {
      buttonLabel: 'Open',
      menuLabel: 'Open in new tab',
      title: 'Save it and open a shell in a new tab (Enter)',
    };
  }
  const workload = runningWorkloadOf(pod, namespacePods);
  if (!workload) return null;
  return {
    buttonLabel: 'Open workload',
    menuLabel: `Open a running pod of ${workload.selector}`,
    title: `${pod.name} has finished: open a running pod of its workload (${workload.selector}) in a new tab (Enter)`,
  };
}

function finishedNotice(pod: ClusterPodView): string {
  return `${pod.name} has finished (${pod.phase}): no shell can open in it, and no pod of its workload is running.`;
}

/** kubectl says "Running" for a pod whose readiness probe fails; "not ready" is what matters here. */
function statusLabel(pod: ClusterPodView): string {
  return pod.status === 'Running' && !pod.allReady ? 'not ready' : pod.status;
}

function parentKey(row: TreeRow): string | null {
  if (row.kind === 'pod') return namespaceKey(row.context.ref, row.pod.namespace);
  if (row.kind === 'namespace') return refKey(row.context.ref);
  return row.key;
}

function labelsText(pod: ClusterPodView): string {
  const entries = Object.entries(pod.labels);
  return entries.length ? ` · ${entries.map(([key, value]) => `${key}=${value}`).join(', ')}` : '';
}

function contextCount(count: number): string {
  return `${count} ${count === 1 ? 'context' : 'contexts'}`;
}
