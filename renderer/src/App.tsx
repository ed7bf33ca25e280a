/**
 * The window: sidebar of saved pods on the left, tabs of terminals on the right, dialogs and notices on top.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { AppInfo, PodRefreshResult } from '../../common/contract';
import type { PodSaveInput, PodSummary, PodView } from '../../common/pods';
import type { SshSettingsRequest } from '../../common/sshSettings';
import type { RendererClient } from './client';
import { ClusterBrowser } from './components/clusters/ClusterBrowser';
import { SidebarModes, type SidebarMode } from './components/clusters/SidebarModes';
import { ConfirmDialog } from './components/ConfirmDialog';
import { ConnectionBanner } from './components/ConnectionBanner';
import { EmptyState } from './components/EmptyState';
import { useKubeconfigUi } from './components/kubeconfigs/useKubeconfigUi';
import { PodFormDialog } from './components/podForm/PodFormDialog';
import { SessionPane } from './components/session/SessionPane';
import { Sidebar } from './components/sidebar/Sidebar';
import { clampSidebarWidth, SidebarResizer } from './components/SidebarResizer';
import { TabStrip } from './components/tabs/TabStrip';
import { RefreshDialog } from './components/RefreshDialog';
import { Toasts } from './components/Toasts';
import { usePods } from './hooks/usePods';
import { useShortcuts } from './hooks/useShortcuts';
import { useTabs } from './hooks/useTabs';
import { useToasts } from './hooks/useToasts';
import './styles/layout.css';
import { messageOf } from '../../common/errors';

const SIDEBAR_WIDTH_KEY = 'podterm.sidebarWidth';
/** Fits "namespace/pod-name-with-hash" at the UI font size without crowding an 80-column terminal on a laptop. */
const DEFAULT_SIDEBAR_WIDTH = 272;

function loadSidebarWidth(): number {
  const stored = Number(localStorage.getItem(SIDEBAR_WIDTH_KEY));
  return stored > 0 ? clampSidebarWidth(stored) : DEFAULT_SIDEBAR_WIDTH;
}

type FormState = { pod: PodView | null } | null;

export function App({ client }: { client: RendererClient }) {
  const { toasts, push: notify, dismiss } = useToasts();
  const { pods, query, setQuery, reload } = usePods(client, notify);
  const onConnected = useCallback(() => void reload(), [reload]);
  const {
    tabs,
    activeKey,
    setActiveKey,
    open,
    openDebug,
    close,
    cycle,
    connect,
    rename,
    move,
    moveActive,
    duplicate,
    closeOthers,
  } = useTabs(client, { onError: notify, onConnected });
  const kubeconfigUi = useKubeconfigUi(client, notify);
  const importedContexts = useMemo(
    () => new Map(kubeconfigUi.kubeconfigs.map((entry) => [entry.id, entry.name])),
    [kubeconfigUi.kubeconfigs],
  );
  const [form, setForm] = useState<FormState>(null);
  const [deleting, setDeleting] = useState<PodSummary | null>(null);
  const [refreshing, setRefreshing] = useState<{ pod: PodSummary; result: PodRefreshResult | null } | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [lostMessage, setLostMessage] = useState<string | null>(null);
  const [appInfo, setAppInfo] = useState<AppInfo | null>(null);
  const [sidebarWidth, setSidebarWidth] = useState(loadSidebarWidth);
  const searchRef = useRef<HTMLInputElement>(null);
  const [sidebarMode, setSidebarMode] = useState<SidebarMode>('saved');
  const clustersFilterRef = useRef<HTMLInputElement>(null);
  const onClusterSaved = useCallback(
    (record: PodView) => {
      setSelectedId(record.id);
      void reload();
    },
    [reload],
  );

  useEffect(() => client.onTransportLost(setLostMessage), [client]);
  useEffect(() => {
    client.api.app.info({}).then(setAppInfo, () => {
      // Only the footer shows it; a failure here is reported by whatever request fails next.
    });
  }, [client]);

  /** Ctrl+Shift+F outside a terminal, and the tab strip's "+": find a pod in the sidebar's list that is showing. */
  const findPod = () => {
    const input = sidebarMode === 'clusters' ? clustersFilterRef.current : searchRef.current;
    input?.focus();
    input?.select();
  };

  useShortcuts(form === null && deleting === null, {
    closeTab: () => {
      if (activeKey !== null) close(activeKey);
    },
    nextTab: () => cycle(1),
    previousTab: () => cycle(-1),
    moveTabLeft: () => moveActive(-1),
    moveTabRight: () => moveActive(1),
    focusSearch: () => findPod(),
  });

  const resizeSidebar = (width: number) => {
    setSidebarWidth(width);
    localStorage.setItem(SIDEBAR_WIDTH_KEY, String(width));
  };

  const addPod = useCallback(() => setForm({ pod: null }), []);
  const browseClusters = useCallback(() => {
    setSidebarMode('clusters');
    // The pane is shown in this render; focus its filter once it is visible.
    requestAnimationFrame(() => clustersFilterRef.current?.focus());
  }, []);
  const savePod = (input: PodSaveInput) => client.api.pods.save(input);
  const lookUpSshSettings = useCallback((request: SshSettingsRequest) => client.api.ssh.settings(request), [client]);
  const onSaved = (saved: PodView) => {
    setForm(null);
    setSelectedId(saved.id);
    void reload();
  };
  // The sidebar holds summaries; the form edits the whole record, read fresh.
  const editRecord = useCallback(
    async (podId: string) => {
      try {
        setForm({ pod: await client.api.pods.get({ id: podId }) });
      } catch (error) {
        notify(messageOf(error));
      }
    },
    [client, notify],
  );
  const editPod = useCallback((pod: PodSummary) => void editRecord(pod.id), [editRecord]);
  const refreshPod = useCallback(
    (pod: PodSummary) => {
      setRefreshing({ pod, result: null });
      client.api.pods
        .refresh({ id: pod.id })
        .then((result) => {
          setRefreshing((current) => (current?.pod.id === pod.id ? { pod, result } : current));
          void reload();
        })
        .catch((error: unknown) => {
          setRefreshing(null);
          notify(messageOf(error));
        });
    },
    [client, notify, reload],
  );
  const duplicatePod = useCallback(
    (pod: PodSummary) => {
      client.api.pods
        .duplicate({ id: pod.id })
        .then((copy) => {
          setSelectedId(copy.id);
          void reload();
        })
        .catch((error: unknown) => notify(messageOf(error)));
    },
    [client, notify, reload],
  );
  const deletePod = async (pod: PodSummary) => {
    try {
      await client.api.pods.delete({ id: pod.id });
    } catch (error) {
      notify(messageOf(error));
    }
    setDeleting(null);
    void reload();
  };

  const layout = { '--sidebar-width': `${sidebarWidth}px` } as CSSProperties;
  return (
    <div className="app" style={layout}>
      {lostMessage && <ConnectionBanner message={lostMessage} />}
      <div className="app-body">
        <SidebarModes
          mode={sidebarMode}
          onModeChange={setSidebarMode}
          savedSearchRef={searchRef}
          clustersFilterRef={clustersFilterRef}
          clusters={
            <ClusterBrowser client={client} filterRef={clustersFilterRef} onSaved={onClusterSaved} onOpen={open} />
          }
          saved={
            <Sidebar
              pods={pods}
              query={query}
              onQueryChange={setQuery}
              onOpen={open}
              onConnect={connect}
              onDebug={openDebug}
              importedContexts={importedContexts}
              onDuplicate={duplicatePod}
              onEdit={editPod}
              onRefresh={refreshPod}
              onDelete={setDeleting}
              onAdd={addPod}
              onImportKubeconfig={kubeconfigUi.openImport}
              onOpenSettings={kubeconfigUi.openSettings}
              searchRef={searchRef}
              appInfo={appInfo}
              selectedId={selectedId}
              onSelect={setSelectedId}
            />
          }
        />
        <SidebarResizer width={sidebarWidth} onResize={resizeSidebar} />
        <main className="workspace">
          {tabs.length > 0 && (
            <TabStrip
              tabs={tabs}
              activeKey={activeKey}
              onActivate={setActiveKey}
              onClose={close}
              onNew={findPod}
              onRename={rename}
              onMove={move}
              onDuplicate={duplicate}
              onCloseOthers={closeOthers}
            />
          )}
          <div className="panes">
            {tabs.map((tab) => (
              <SessionPane
                key={tab.key}
                tab={tab}
                active={tab.key === activeKey}
                onEditRecord={(podId) => void editRecord(podId)}
                onBrowseClusters={browseClusters}
              />
            ))}
            {tabs.length === 0 && (
              <EmptyState
                hasPods={(pods?.length ?? 0) > 0 || query !== ''}
                onAdd={addPod}
                onBrowseClusters={browseClusters}
              />
            )}
          </div>
        </main>
      </div>

      {form && (
        <PodFormDialog
          pod={form.pod}
          onSave={savePod}
          onSaved={onSaved}
          onClose={() => setForm(null)}
          kubeconfigs={kubeconfigUi.kubeconfigs}
          lookUpSshSettings={lookUpSshSettings}
        />
      )}
      {kubeconfigUi.overlays}
      {refreshing && (
        <RefreshDialog name={refreshing.pod.name} result={refreshing.result} onClose={() => setRefreshing(null)} />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          onConfirm={() => deletePod(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>The record and its stored secrets are removed from this machine.</p>
          <p>Tabs already open for it stay open.</p>
        </ConfirmDialog>
      )}
      <Toasts toasts={toasts} onDismiss={dismiss} />
    </div>
  );
}
