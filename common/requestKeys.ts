/**
 * The names of every contract request and the Electron bridge's constants, free of zod so the sandboxed preload can
 * import them without bundling the validator (main validates; the preload only forwards). contract.ts checks at
 * compile time that this list and its request table name exactly the same keys.
 */
import type { ClusterPodsUpdate } from './clusters';

export const REQUEST_KEYS = [
  'app.info',
  'pods.list',
  'pods.get',
  'pods.save',
  'pods.delete',
  'pods.refresh',
  'pods.duplicate',
  'clusters.contexts',
  'clusters.namespaces',
  'clusters.pods',
  'clusters.savePod',
  'clusters.execAccess',
  'clusters.watchPods',
  'clusters.unwatchPods',
  'clusters.shownNamespaces',
  'clusters.setShownNamespaces',
  'sessions.open',
  'sessions.close',
  'sessions.answerHostKey',
  'sessions.answerAuth',
  'sessions.startRecording',
  'sessions.stopRecording',
  'settings.get',
  'settings.save',
  'kubeconfigs.preview',
  'kubeconfigs.import',
  'kubeconfigs.list',
  'kubeconfigs.remove',
  'records.preview',
  'records.import',
  'records.export',
  'records.backfill',
  'files.planUpload',
  'files.upload',
  'files.download',
  'files.cancel',
  'ssh.settings',
] as const;
export type RequestKey = (typeof REQUEST_KEYS)[number];

/**
 * One function per request key, grouped as the keys are named: `{ pods: { list: make('pods.list'), … }, … }`. The page's
 * contract API and the preload's bridge are both built with it.
 */
export function byNamespace<F>(make: (key: RequestKey) => F): Record<string, Record<string, F>> {
  const api: Record<string, Record<string, F>> = {};
  for (const key of REQUEST_KEYS) {
    const [namespace, method] = key.split('.') as [string, string];
    (api[namespace] ??= {})[method] = make(key);
  }
  return api;
}

export function isRequestKey(key: unknown): key is RequestKey {
  return typeof key === 'string' && (REQUEST_KEYS as readonly string[]).includes(key);
}

/** The preload exposes one function per request key under `window.podterm` (never ipcRenderer). */
export const ELECTRON_BRIDGE_GLOBAL = 'podterm';
/**
 * The preload's second global: `window.podtermFiles.pathForFile(file)`, the path of a dropped or picked file (Electron's
 * webUtils.getPathForFile), so a kubeconfig's relative certificate paths resolve against its own folder. Absent in the
 * browser mode, where the page cannot know where a file came from.
 */
export const FILE_PATHS_GLOBAL = 'podtermFiles';
/** main → preload (webContents.postMessage with the port), then preload → page (window.postMessage with the port). */
export const SESSION_PORT_CHANNEL = 'podterm:session-port';
export interface SessionPortMessage {
  type: typeof SESSION_PORT_CHANNEL;
  sessionId: number;
}

/**
 * What main pushes to every connected renderer when shared state changed, whoever changed it (this window, another
 * window, another browser tab): each list the page shows is reloaded from it, so none stays stale until a reload.
 */
export const APP_EVENT_TYPES = [
  /** Imported kubeconfigs were added, removed or re-imported: the cluster browser and Settings list them again. */
  'kubeconfigsChanged',
  /** Pod records were saved, deleted, or learned a new status (a connection's outcome, a Refresh): the sidebar reloads. */
  'podsChanged',
] as const;
export type AppEventType = (typeof APP_EVENT_TYPES)[number];
/** Shared state of this kind changed: reload it. */
export interface SharedStateEvent {
  type: AppEventType;
  /**
   * podsChanged only: just these records changed, and only in what a connection or Refresh learns (status, last
   * connected); their names and places did not, so a sidebar may re-read just them (`pods.list` with `ids`) instead of
   * every record. Absent: anything may have changed.
   */
  podIds?: string[];
}

/** A followed namespace's pods changed (clusters.watchPods): sent only to the window that follows it. */
export const CLUSTER_PODS_EVENT = 'clusterPods';
export interface ClusterPodsEvent {
  type: typeof CLUSTER_PODS_EVENT;
  watchId: number;
  updates: ClusterPodsUpdate[];
}

export type AppEvent = SharedStateEvent | ClusterPodsEvent;

export function isAppEvent(value: unknown): value is AppEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as { type?: unknown; watchId?: unknown; updates?: unknown; podIds?: unknown };
  if (event.type === CLUSTER_PODS_EVENT) {
    return typeof event.watchId === 'number' && Array.isArray(event.updates);
  }
  const { podIds } = event;
  return (
    (APP_EVENT_TYPES as readonly unknown[]).includes(event.type) &&
    (podIds === undefined || (Array.isArray(podIds) && podIds.every((id) => typeof id === 'string')))
  );
}

/** The event alone, without anything else a message might carry (what the preload and the web client pass on). */
export function appEventOnly(event: AppEvent): AppEvent {
  if (event.type === CLUSTER_PODS_EVENT) return { type: event.type, watchId: event.watchId, updates: event.updates };
  return { type: event.type, ...(event.podIds ? { podIds: [...event.podIds] } : {}) };
}

/** main → preload (webContents.postMessage), then preload → page (window.postMessage as `{ type, event }`). */
export const APP_EVENT_CHANNEL = 'podterm:app-event';
export interface AppEventMessage {
  type: typeof APP_EVENT_CHANNEL;
  event: AppEvent;
}
