/**
 * Wires the store, the secret box and the session manager into one request dispatcher that both transports call.
 */
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AppEventType,
  ContractError,
  isRequestKey,
  parseRequest,
  type RequestKey,
  type ResultEnvelope,
} from '../../common/contract';
import {
  chooseContext,
  createAccessResolver,
  DEFAULT_SERVICE_ACCOUNT_DIR,
  loadKubeconfigText,
  ExecCredentialCache,
  lazyLoginEnvironment,
  preloadKubernetesClient,
} from './kube/access';
import { createClusterBrowser } from './clusterBrowser';
import { type ConnectionMethodHandler, kubeMethods, sshMethod, sshSettingsView } from './connect';
import { backfillRecord, planRefreshWith, refreshPod } from './pods';
import { createHandlers, type Handlers } from './handlers';
import { createKubeconfigImporter } from './kubeconfigImport';
import type { SecretBox } from './secrets';
import { AppEventHub, type ClientConnection, SessionManager } from './sessions';
import { acquireAppLock, DATABASE_FILE_NAME, openStore, type Store } from './store';
import { messageOf } from '../../common/errors';
import type { PodFields } from '../../common/pods';
import { debugImageFor } from '../../common/settings';

/** ~/Downloads when there is one (XDG's default name, and macOS's and Windows'), else the home folder. */
function defaultDownloadsDir(homeDir: string): string {
  const downloads = join(homeDir, 'Downloads');
  return existsSync(downloads) ? downloads : homeDir;
}

/** Session recordings (asciicast files) live beside the database, in the same owner-only data directory. */
export const RECORDINGS_DIR_NAME = 'recordings';

/**
 * When to load Kubernetes' client library after start-up: after the window has opened and drawn its sidebar (about a
 * second in the browser mode here), so the 0.6-0.9 s of loading delays neither; well before a first click is likely.
 */
const KUBERNETES_CLIENT_WARMUP_DELAY_MS = 2_000;

/**
 * The requests that change what other windows show, and the app event each pushes to every renderer once it succeeded.
 * A removed kubeconfig also unlinks the records that used it, so the sidebar reloads too.
 */
const CHANGES_BY_REQUEST: Partial<Record<RequestKey, readonly AppEventType[]>> = {
  'pods.save': ['podsChanged'],
  'pods.delete': ['podsChanged'],
  'pods.duplicate': ['podsChanged'],
  'pods.refresh': ['podsChanged'],
  'records.import': ['podsChanged'],
  'clusters.savePod': ['podsChanged'],
  'kubeconfigs.import': ['kubeconfigsChanged'],
  'kubeconfigs.remove': ['kubeconfigsChanged', 'podsChanged'],
};

/** The context a pasted kubeconfig uses for a record, chosen as the connect chain chooses it; the sidebar groups by it. */
function pastedKubeconfigContext(kubeconfig: string, fields: PodFields): string | null {
  const loaded = loadKubeconfigText(kubeconfig, "the record's kubeconfig", 'record-kubeconfig-context');
  return chooseContext(loaded, { kubeContext: fields.kubeContext, clusterHost: fields.clusterHost }).context.name;
}

export interface CoreOptions {
  /** Where podterm.db lives (Electron: userData; browser mode: --data-dir or $XDG_DATA_HOME/podterm). */
  dataDir: string;
  secretBox: SecretBox;
  mode: 'electron' | 'web';
  version: string;
  /** The environment and home directory to read kubeconfigs, known_hosts and SSH_AUTH_SOCK from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  /**
   * Where files.download saves (desktop: Electron's "downloads" path). Default: ~/Downloads when it exists, else the
   * home folder, which is where browsers save too.
   */
  downloadsDir?: string;
  /** The in-cluster service-account directory (default /var/run/secrets/kubernetes.io/serviceaccount). */
  serviceAccountDir?: string;
  /** The user's login-shell environment for exec credential plugins (default: captured once, lazily). */
  loginEnv?: () => Promise<NodeJS.ProcessEnv>;
  /** Overrides the exec sessions' keepalive interval (tests). */
  keepaliveIntervalMs?: number;
  /** Overrides the per-step bound of each Kubernetes attempt, and of Refresh's lookups (tests; see kubeMethod.ts). */
  kubeTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface PodtermCore {
  /**
   * Validates `key` and `payload` against the contract and runs the handler. Never throws: failures come back as
   * `{ ok: false, error }` with a message naming the problem. The transport must have checked the sender first.
   */
  dispatch(key: unknown, payload: unknown, client: ClientConnection): Promise<ResultEnvelope<unknown>>;
  readonly store: Store;
  /** Ends every session and closes the database. */
  close(): Promise<void>;
}

export function createCore(options: CoreOptions): PodtermCore {
  const log = options.log ?? ((message: string) => console.log(`podterm: ${message}`));
  const store = openStore({
    path: join(options.dataDir, DATABASE_FILE_NAME),
    secretBox: options.secretBox,
    kubeconfigContextOf: pastedKubeconfigContext,
  });
  // One Podterm per data directory (a second is refused with AppLockHeldError); the podterm command line refuses to
  // write while it is held.
  let appLock;
  try {
    appLock = acquireAppLock(options.dataDir, options.mode);
  } catch (error) {
    store.close();
    throw error;
  }
  const env = options.env ?? process.env;
  const homeDir = options.homeDir ?? homedir();
  const loginEnv = options.loginEnv ?? lazyLoginEnvironment();
  // Capture the login shell's environment now, at start-up, so the first exec plugin does not wait for it.
  void loginEnv().catch(() => {});
  // One view of the machine's Kubernetes configuration for the connect chain, Refresh and the cluster browser.
  const accessEnvironment = {
    env,
    homeDir,
    serviceAccountDir: options.serviceAccountDir ?? DEFAULT_SERVICE_ACCOUNT_DIR,
    loginEnv,
  };
  // One plugin-credential cache for the chain and the cluster browser: a plugin (aws, gcloud…) runs once for both.
  const execCredentials = new ExecCredentialCache();
  const resolver = createAccessResolver(accessEnvironment, {
    execCredentials,
    importedKubeconfigs: store.importedKubeconfigs,
  });
  // The Kubernetes methods in the order the original design set; Refresh looks pods up with these very ones.
  const kube = kubeMethods({
    resolver,
    importedContextName: (id) => store.importedKubeconfigs.get(id)?.name ?? null,
    // Read at each debug attempt, so a changed setting applies to the next one.
    debugImage: (contextName) => debugImageFor(store.settings.get(), contextName),
    ...(options.keepaliveIntervalMs ? { keepaliveIntervalMs: options.keepaliveIntervalMs } : {}),
    ...(options.kubeTimeoutMs ? { timeoutMs: options.kubeTimeoutMs } : {}),
  });
  // The chain: every Kubernetes way first, SSH last.
  const methods: ConnectionMethodHandler[] = [...kube, sshMethod({ knownHosts: store.knownHosts, env, homeDir })];
  const appEvents = new AppEventHub();
  const sessions = new SessionManager({
    pods: store.pods,
    // A connection's outcome is the record's new status: every sidebar shows it at once.
    onPodStatusChanged: (podId) => appEvents.broadcast('podsChanged', { podIds: [podId] }),
    methods,
    log,
    recordingsDir: join(options.dataDir, RECORDINGS_DIR_NAME),
  });
  // Kubernetes' client library loads on first use (kube/access/clientNode.ts); warm it once the window has had time to
  // show its sidebar, so neither start-up nor the first click pays for it.
  setTimeout(preloadKubernetesClient, KUBERNETES_CLIENT_WARMUP_DELAY_MS).unref();
  // Records whose kubeconfig was pasted before the store named its context get theirs now; the sidebars follow.
  void store.pods.nameKubeconfigContexts().then(
    (named) => {
      if (named > 0) appEvents.broadcast('podsChanged');
    },
    (error: unknown) => log(`naming pasted kubeconfigs' contexts failed: ${messageOf(error)}`),
  );
  const handlers = createHandlers({
    store,
    sessions,
    appInfo: { version: options.version, mode: options.mode, dataDir: options.dataDir },
    kubeconfigs: createKubeconfigImporter({ repository: store.importedKubeconfigs, homeDir }),
    downloadsDir: options.downloadsDir ?? defaultDownloadsDir(homeDir),
    refreshPod: (id) => refreshPod(id, store.pods, kube),
    backfill: async (id) => {
      const view = store.pods.get(id);
      if (!view) throw new ContractError('notFound', `No pod record with id ${id}; it may have been deleted.`);
      const line = await backfillRecord(view, store.pods, (pod) => planRefreshWith(pod, store.pods, kube), {
        dryRun: false,
        sealed: false,
      });
      // Only a record that changed is news for the sidebars: 200 unchanged records are not 200 reloads.
      if (line.outcome === 'updated') appEvents.broadcast('podsChanged');
      return line;
    },
    sshSettings: async (request) => sshSettingsView(request, { home: homeDir, env }),
    clusters: createClusterBrowser({
      imported: store.importedKubeconfigs,
      shown: store.contextNamespaces,
      // A record names its context by kube-context (the default kubeconfig's) or by its imported context's id.
      recordNamespaces: (ref) =>
        store.pods
          .list()
          .filter((record) =>
            ref.source === 'default' ? record.kubeContext === ref.name : record.kubeconfigId === ref.id,
          )
          .map((record) => record.namespace),
      environment: accessEnvironment,
      execCredentials,
      ...(options.kubeTimeoutMs ? { timeoutMs: options.kubeTimeoutMs } : {}),
    }),
  });

  return {
    store,
    async dispatch(key, payload, client) {
      try {
        if (!isRequestKey(key)) {
          throw new ContractError('unknownRequest', `Unknown request ${JSON.stringify(String(key)).slice(0, 80)}.`);
        }
        appEvents.watch(client);
        const handler = handlers[key] as (payload: unknown, client: ClientConnection) => Promise<unknown>;
        const result = await handler(parseRequest(key as RequestKey, payload), client);
        for (const change of CHANGES_BY_REQUEST[key] ?? []) appEvents.broadcast(change);
        return { ok: true, result };
      } catch (error) {
        if (error instanceof ContractError) return { ok: false, error: error.toJSON() };
        // Log the failure but never the payload: it may carry secrets.
        log(
          `request ${String(key)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        const message = messageOf(error);
        return { ok: false, error: { code: 'internal', message } };
      }
    },
    async close() {
      await sessions.closeAll();
      store.close();
      appLock.release();
    },
  };
}

export type { Handlers };
