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
  ClusterExecAccess,
  ClusterNamespaceList,
  ClusterPodView,
} from '../../../common/clusters';
import {
  type FollowOptions,
  followPods,
  type ListAccess,
  type ListedPod,
  listNamespaces,
  listPods,
  PodReadError,
  reviewAccess,
} from '../kube/api';
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
import type { ContextNamespaceRepository, ImportedKubeconfigRepository } from '../store';
import { PodWatches, type WatchingWindow } from './podWatches';

/**
 * How long "may this user exec in that namespace" is believed (per context and namespace): RBAC changes rarely, and a
 * minute spares the API server a review per pod row while still seeing a new RoleBinding soon after it is made.
 */
export const EXEC_ACCESS_CACHE_MS = 60_000;
import { ContractError } from '../../../common/contract';
import { messageOf } from '../../../common/errors';

/** The imported contexts: the store's kubeconfigs repository (the text is decrypted only when a context is browsed). */
export type ImportedContextSource = Pick<ImportedKubeconfigRepository, 'list' | 'getContent'>;

export interface ClusterBrowser {
  contexts(): Promise<ClusterContextList>;
  namespaces(ref: ClusterContextRef): Promise<ClusterNamespaceList>;
  pods(ref: ClusterContextRef, namespace: string): Promise<ClusterPodView[]>;
  /** Whether the user may create pods/exec in the namespace (a SelfSubjectAccessReview, cached briefly). */
  execAccess(ref: ClusterContextRef, namespace: string): Promise<ClusterExecAccess>;
  /** Follows a namespace's pods for a window (podWatches.ts); returns the watch id its app events carry. */
  watchPods(ref: ClusterContextRef, namespace: string, window: WatchingWindow): Promise<number>;
  /** Stops a window's watch; false when it had none of that id. */
  unwatchPods(watchId: number, window: WatchingWindow): boolean;
  /** The context's "namespaces to show" (kept in the store). */
  shownNamespaces(ref: ClusterContextRef): string[];
  setShownNamespaces(ref: ClusterContextRef, namespaces: readonly string[]): string[];
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
  /** The namespaces the user's saved records use in a context, offered when the namespace list is forbidden. */
  recordNamespaces?: (ref: ClusterContextRef) => string[];
  /** Each context's "namespaces to show"; absent, none are kept. */
  shown?: ContextNamespaceRepository;
  /** Follower tuning (tests). */
  follow?: FollowOptions;
  /** The clock, for the exec-access cache (tests). */
  now?: () => number;
}

/** A context's access plus the namespace the context names ('default' when it names none). */
type ContextAccess = ListAccess & { namespace: string };

export function createClusterBrowser(options: ClusterBrowserOptions): ClusterBrowser {
  const { environment } = options;
  // A plugin runs once per credential lifetime, not per click (and not again for the connect chain, when shared).
  const execCredentials = options.execCredentials ?? new ExecCredentialCache();
  const listOptions = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  const now = options.now ?? Date.now;
  const execAnswers = new Map<string, { answer: ClusterExecAccess; at: number }>();
  const watches = new PodWatches(podView);

  /**
   * For a user who may not list namespaces: the context's own, the records' and the user's own choice, each kept when
   * the user may list its pods (asked with a SelfSubjectAccessReview per namespace, at once).
   */
  async function knownNamespaces(ref: ClusterContextRef, contextAccess: ContextAccess): Promise<ClusterNamespaceList> {
    const candidates = [
      ...new Set([
        contextAccess.namespace,
        ...(options.recordNamespaces?.(ref) ?? []),
        ...(options.shown?.list(ref) ?? []),
      ]),
    ];
    const allowed = await Promise.all(
      candidates.map((namespace) =>
        reviewAccess(contextAccess, { verb: 'list', resource: 'pods', namespace }, listOptions).then(
          (answer) => answer.allowed,
          () => false,
        ),
      ),
    );
    const namespaces = candidates.filter((_, index) => allowed[index]).sort();
    const partial =
      `${contextAccess.description} may not list the cluster's namespaces: shown are those you may list pods in ` +
      "(the context's own, your records', and those you add).";
    return { namespaces, partial };
  }

  async function loadDefault() {
    const { loaded, searched } = await loadEnvironmentKubeconfig(environment);
    const shown = searched.paths.map((file) => displayPath(file, environment.homeDir)).join(', ');
    return { loaded, searchedText: searched.fromEnv ? `KUBECONFIG (${shown})` : shown };
  }

  async function resolveIn(loaded: LoadedKubeconfig, contextName: string, label: string): Promise<ContextAccess> {
    const choice = chooseContext(loaded, { kubeContext: contextName });
    const resolved = await accessFromContext({
      loaded,
      choice,
      namespace: choice.context.namespace ?? 'default',
      execCredentials,
      loginEnv: () => environment.loginEnv(),
    });
    return withProxy(
      {
        kubeConfig: resolved.kubeConfig,
        server: resolved.server,
        description: label,
        namespace: choice.context.namespace ?? 'default',
      },
      await proxyEnvironmentOf(environment),
    );
  }

  async function access(ref: ClusterContextRef): Promise<ContextAccess> {
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
        const contextAccess = await access(ref);
        try {
          return { namespaces: await listNamespaces(contextAccess, listOptions), partial: null };
        } catch (error) {
          if (!(error instanceof PodReadError && error.reason === 'forbidden')) throw error;
          return await knownNamespaces(ref, contextAccess);
        }
      } catch (error) {
        throw asContractError(error);
      }
    },
    async execAccess(ref, namespace) {
      const key = `${refText(ref)}/${namespace}`;
      const cached = execAnswers.get(key);
      if (cached && now() - cached.at < EXEC_ACCESS_CACHE_MS) return cached.answer;
      const contextAccess = await access(ref).catch((error: unknown) => {
        throw asContractError(error);
      });
      let answer: ClusterExecAccess;
      try {
        const review = await reviewAccess(contextAccess, {
          verb: 'create',
          resource: 'pods',
          subresource: 'exec',
          namespace,
        });
        answer = review.allowed
          ? { allowed: true, reason: null }
          : {
              allowed: false,
              reason:
                `${contextAccess.description} may not open a shell in namespace "${namespace}" (create pods/exec is ` +
                `not allowed${review.reason ? `: ${review.reason}` : ''}). Ask for RBAC permission to create ` +
                'pods/exec there, or save the pod and give its record SSH details.',
            };
      } catch {
        // The review could not be asked (an old or unusual server): offer Open, and let the connection say why it fails.
        return { allowed: true, reason: null };
      }
      execAnswers.set(key, { answer, at: now() });
      return answer;
    },
    async watchPods(ref, namespace, window) {
      const contextAccess = await access(ref).catch((error: unknown) => {
        throw asContractError(error);
      });
      return watches.watch(window, async (listener) =>
        followPods(contextAccess, namespace, listener, { ...listOptions, ...options.follow }),
      );
    },
    unwatchPods(watchId, window) {
      return watches.unwatch(window, watchId);
    },
    shownNamespaces(ref) {
      return options.shown?.list(ref) ?? [];
    },
    setShownNamespaces(ref, namespaces) {
      if (!options.shown) throw new ContractError('internal', 'namespaces to show cannot be kept without a store.');
      return options.shown.replace(ref, namespaces);
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

const refText = (ref: ClusterContextRef): string =>
  ref.source === 'default' ? `default:${ref.name}` : `imported:${ref.id}`;

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
