/**
 * The cluster browser's main side: the contexts Podterm can reach (the default kubeconfig's, merged the way kubectl
 * merges them, and the imported ones), a context's namespaces and a namespace's pods. Every call reads the kubeconfig
 * again (the user may have edited it since), resolves the one context it needs (files read, exec plugin run) and asks
 * the API server through kube/api/lists.ts.
 */
import type {
  ClusterContextList,
  ClusterContextRef,
  ClusterContextView,
  ClusterPodView,
} from '../../../common/clusters';
import { type ListAccess, type ListedPod, listNamespaces, listPods, PodReadError } from '../kube/api';
import {
  type AccessEnvironment,
  accessFromContext,
  authKindOf,
  chooseContext,
  displayPath,
  ExecCredentialCache,
  type KubeUser,
  type LoadedKubeconfig,
  loadEnvironmentKubeconfig,
  loadKubeconfigText,
  proxyEnvironmentOf,
  withProxy,
} from '../kube/access';
import type { ImportedKubeconfigRepository } from '../store';
import { ContractError } from '../../../common/contract';
import { messageOf } from '../../../common/errors';

/** The imported contexts: the store's kubeconfigs repository (the text is decrypted only when a context is browsed). */
export type ImportedContextSource = Pick<ImportedKubeconfigRepository, 'list' | 'getContent'>;

export interface ClusterBrowser {
  contexts(): Promise<ClusterContextList>;
  namespaces(ref: ClusterContextRef): Promise<string[]>;
  pods(ref: ClusterContextRef, namespace: string): Promise<ClusterPodView[]>;
  /** The access for a context, for the selector choice and tests. */
  access(ref: ClusterContextRef): Promise<ListAccess>;
}

export interface ClusterBrowserOptions {
  environment: AccessEnvironment;
  /** The imported kubeconfigs; absent until the store has them. */
  imported?: ImportedContextSource;
  /** Bounds each list call (tests). */
  timeoutMs?: number;
  /** Shared with the connect chain's resolver, so an exec plugin runs once for both. */
  execCredentials?: ExecCredentialCache;
}

export function createClusterBrowser(options: ClusterBrowserOptions): ClusterBrowser {
  const { environment } = options;
  // A plugin runs once per credential lifetime, not per click (and not again for the connect chain, when shared).
  const execCredentials = options.execCredentials ?? new ExecCredentialCache();
  const listOptions = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};

  async function loadDefault() {
    const { loaded, searched } = await loadEnvironmentKubeconfig(environment);
    const shown = searched.paths.map((file) => displayPath(file, environment.homeDir)).join(', ');
    return { loaded, searchedText: searched.fromEnv ? `KUBECONFIG (${shown})` : shown };
  }

  async function resolveIn(loaded: LoadedKubeconfig, contextName: string, label: string): Promise<ListAccess> {
    const choice = chooseContext(loaded, { kubeContext: contextName });
    const resolved = await accessFromContext({
      loaded,
      choice,
      namespace: choice.context.namespace ?? 'default',
      execCredentials,
      loginEnv: () => environment.loginEnv(),
    });
    return withProxy(
      { kubeConfig: resolved.kubeConfig, server: resolved.server, description: label },
      await proxyEnvironmentOf(environment),
    );
  }

  async function access(ref: ClusterContextRef): Promise<ListAccess> {
    if (ref.source === 'default') {
      const { loaded, searchedText } = await loadDefault();
      if (loaded === null) throw new Error(`no default kubeconfig: ${searchedText} does not exist.`);
      const origin = loaded.origins.contexts.get(ref.name) ?? loaded.label;
      return resolveIn(loaded, ref.name, `context ${ref.name} from ${origin}`);
    }
    const stored = (await options.imported?.getContent(ref.id)) ?? null;
    if (stored === null) throw new Error('this imported kubeconfig was removed; reload the cluster list.');
    const label = `imported context ${stored.name}`;
    const loaded = loadKubeconfigText(stored.content, label, `imported:${ref.id}`);
    const contextName = loaded.kubeConfig.currentContext || loaded.kubeConfig.contexts[0]?.name || stored.name;
    return resolveIn(loaded, contextName, label);
  }

  return {
    access,
    async contexts() {
      const problems: string[] = [];
      const contexts: ClusterContextView[] = [];
      let defaultSearched = '';
      try {
        const { loaded, searchedText } = await loadDefault();
        defaultSearched = searchedText;
        if (loaded) contexts.push(...defaultContexts(loaded));
      } catch (error) {
        problems.push(messageOf(error));
      }
      for (const entry of options.imported?.list() ?? []) {
        contexts.push({
          ref: { source: 'imported', id: entry.id },
          name: entry.name,
          server: entry.server,
          namespace: entry.namespace,
          authKind: entry.authKind,
          current: false,
          origin: `imported from ${entry.fileName}`,
        });
      }
      return { contexts, problems, defaultSearched };
    },
    async namespaces(ref) {
      try {
        return await listNamespaces(await access(ref), listOptions);
      } catch (error) {
        throw asContractError(error);
      }
    },
    async pods(ref, namespace) {
      try {
        return (await listPods(await access(ref), namespace, listOptions)).map(podView);
      } catch (error) {
        throw asContractError(error);
      }
    },
  };
}

function defaultContexts(loaded: LoadedKubeconfig): ClusterContextView[] {
  const { kubeConfig } = loaded;
  return kubeConfig.contexts.map((context) => {
    const cluster = kubeConfig.clusters.find((entry) => entry.name === context.cluster);
    const user = kubeConfig.users.find((entry) => entry.name === context.user) as KubeUser | undefined;
    return {
      ref: { source: 'default', name: context.name },
      name: context.name,
      server: cluster?.server ?? '',
      namespace: context.namespace ?? null,
      authKind: authKindOf(user),
      current: context.name === kubeConfig.currentContext,
      origin: loaded.origins.contexts.get(context.name) ?? loaded.label,
    };
  });
}

export function podView(pod: ListedPod): ClusterPodView {
  return {
    name: pod.name,
    namespace: pod.namespace,
    phase: pod.phase,
    status: pod.status,
    ready: `${pod.readyContainers}/${pod.totalContainers}`,
    allReady: pod.allReady,
    restarts: pod.restarts,
    createdAt: pod.createdAt,
    containers: pod.containers,
    labels: pod.labels,
    defaultContainer: pod.defaultContainer,
  };
}

/**
 * A cluster that refuses or does not answer is an expected answer for the browser, not a fault of Podterm: it goes back
 * as a ContractError with the access module's message (and is not logged as an internal failure with a stack).
 */
function asContractError(error: unknown): ContractError {
  if (error instanceof ContractError) return error;
  const message = messageOf(error);
  const refused = error instanceof PodReadError && (error.reason === 'unauthorized' || error.reason === 'forbidden');
  return new ContractError(refused ? 'forbidden' : 'internal', message);
}
