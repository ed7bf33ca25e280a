/**
 * One handler per contract request. Payloads arrive here already validated (core.ts parses them with the contract's
 * schemas); each handler is one call into the room that owns the work (the store, sessions/, pods/, clusterBrowser/,
 * kubeconfigImport/), so the logic and its tests live there.
 */
import {
  type AppInfo,
  ContractError,
  type PodRefreshResult,
  type RequestKey,
  type RequestPayload,
  type RequestResult,
} from '../../common/contract';
import { type ClusterBrowser, savePodRecord } from './clusterBrowser';
import type { KubeconfigImporter } from './kubeconfigImport';
import { saveRecord, type BackfillLine } from './pods';
import { exportRecords, importRecords, prepareImport, type ImportTarget } from './recordsTransfer';
import type { ClientConnection, SessionManager } from './sessions';
import type { Store } from './store';
import { downloadFile, FileTransfers, planUpload, toContractError, uploadFiles } from './files';

export type Handlers = {
  [K in RequestKey]: (payload: RequestPayload<K>, client: ClientConnection) => Promise<RequestResult<K>>;
};

export interface HandlerDependencies {
  clusters: ClusterBrowser;
  store: Store;
  sessions: SessionManager;
  appInfo: AppInfo;
  /** pods/refresh.ts refreshPod with the chain's Kubernetes methods; ContractError('notFound') for an unknown id. */
  refreshPod(id: string): Promise<PodRefreshResult>;
  kubeconfigs: KubeconfigImporter;
  /** pods/backfill.ts backfillRecord for one record with the chain's Kubernetes methods (Refresh all). */
  backfill(id: string): Promise<BackfillLine>;
  /** Where downloads are saved: the user's Downloads folder (desktop), or the browser-mode server's choice. */
  downloadsDir: string;
  /** connect/sshSettings.ts: the form's SSH settings over ~/.ssh/config. */
  sshSettings(request: RequestPayload<'ssh.settings'>): Promise<RequestResult<'ssh.settings'>>;
}

export function createHandlers(deps: HandlerDependencies): Handlers {
  const { store, sessions } = deps;
  const importTarget: ImportTarget = {
    pods: store.pods,
    kubeconfigExists: (id) => store.importedKubeconfigs.get(id) !== null,
  };
  const transfers = new FileTransfers();
  return {
    'app.info': async () => deps.appInfo,
    'pods.list': async ({ query, ids }) => store.pods.summaries(query, ids),
    'pods.get': async ({ id }) => {
      const pod = store.pods.get(id);
      if (!pod) throw new ContractError('notFound', `No pod record with id ${id}; it may have been deleted.`);
      return pod;
    },
    'pods.save': async (request) => saveRecord(store.pods, request),
    'pods.delete': async ({ id }) => ({ deleted: store.pods.delete(id) }),
    'pods.refresh': async ({ id }) => deps.refreshPod(id),
    'pods.duplicate': async ({ id }) => {
      const copy = store.pods.duplicate(id);
      if (!copy) throw new ContractError('notFound', `No pod record with id ${id}; it may have been deleted.`);
      return copy;
    },
    'clusters.contexts': async () => deps.clusters.contexts(),
    'clusters.namespaces': async ({ context }) => deps.clusters.namespaces(context),
    'clusters.pods': async ({ context, namespace }) => deps.clusters.pods(context, namespace),
    'clusters.savePod': async (request) => savePodRecord(store.pods, request),
    'clusters.execAccess': async ({ context, namespace }) => deps.clusters.execAccess(context, namespace),
    'clusters.watchPods': async ({ context, namespace }, client) => ({
      watchId: await deps.clusters.watchPods(context, namespace, client),
    }),
    'clusters.unwatchPods': async ({ watchId }, client) => ({
      stopped: deps.clusters.unwatchPods(watchId, client),
    }),
    'clusters.shownNamespaces': async ({ context }) => deps.clusters.shownNamespaces(context),
    'clusters.setShownNamespaces': async ({ context, namespaces }) =>
      deps.clusters.setShownNamespaces(context, namespaces),
    'sessions.open': async ({ podId, size, container, debug }, client) => ({
      sessionId: sessions.open(
        podId,
        size,
        client,
        container ?? null,
        debug ? { reattach: debug.reattach ?? null } : null,
      ),
    }),
    'sessions.close': async ({ sessionId }, client) => ({ closed: await sessions.close(sessionId, client) }),
    'sessions.answerAuth': async ({ sessionId, promptId, answers }, client) => ({
      accepted: sessions.answerAuth(sessionId, promptId, answers, client),
    }),
    'sessions.answerHostKey': async ({ sessionId, promptId, decision }, client) => ({
      accepted: sessions.answerHostKey(sessionId, promptId, decision, client),
    }),
    'sessions.startRecording': async ({ sessionId }, client) => sessions.startRecording(sessionId, client),
    'sessions.stopRecording': async ({ sessionId }, client) => sessions.stopRecording(sessionId, client),
    'settings.get': async () => store.settings.get(),
    'settings.save': async (changes) => store.settings.save(changes),
    'kubeconfigs.preview': async ({ files, replaces }) => deps.kubeconfigs.preview(files, replaces),
    'kubeconfigs.import': async ({ files, selected, replaces, allowedLocalFiles }) =>
      deps.kubeconfigs.import(files, selected, replaces, allowedLocalFiles),
    'kubeconfigs.list': async () => store.importedKubeconfigs.list(),
    'kubeconfigs.remove': async ({ id }) => ({ removed: store.importedKubeconfigs.remove(id) }),
    'records.preview': async (input) => (await prepareImport(input, importTarget)).preview,
    'records.import': async (input) => importRecords(input, importTarget),
    'records.export': async ({ includeSecrets }) => exportRecords(store.pods, includeSecrets),
    'records.backfill': async ({ id }) => deps.backfill(id),
    'files.planUpload': async ({ sessionId, paths, destination }, client) =>
      planUpload(sessions.fileAccess(sessionId, client).access, paths, destination).catch((error: unknown) => {
        throw toContractError(error);
      }),
    'files.upload': async ({ sessionId, transferId, paths, destination }, client) => {
      const { access, post, ended } = sessions.fileAccess(sessionId, client);
      return transfers.run(transferId, client, ended, (signal) =>
        uploadFiles(access, paths, destination, {
          signal,
          onProgress: (progress) => post({ type: 'transfer', transferId, progress }),
        }),
      );
    },
    'files.download': async ({ sessionId, transferId, remotePath }, client) => {
      const { access, post, ended } = sessions.fileAccess(sessionId, client);
      return transfers.run(transferId, client, ended, (signal) =>
        downloadFile(access, remotePath, deps.downloadsDir, {
          signal,
          onProgress: (progress) => post({ type: 'transfer', transferId, progress }),
        }),
      );
    },
    'files.cancel': async ({ transferId }, client) => ({ cancelled: transfers.cancel(transferId, client) }),
    'ssh.settings': async (request) => deps.sshSettings(request),
  };
}
