/**
 * The cluster browser's view of the world as it crosses the process boundary: the contexts Podterm can reach (the
 * default kubeconfig's and the imported ones), a context's namespaces, and a namespace's pods. Credentials never cross:
 * a context is named by a reference the main process resolves.
 */
import { z } from 'zod';
import type { KubeAuthKind } from './importedKubeconfigs';
import { DNS_LABEL_PATTERN } from './pods';

/** An imported kubeconfig context, by its stored id. */
export const importedKubeconfigIdSchema = z.string().uuid({ message: 'not an imported kubeconfig id' });

/**
 * A context to browse: one of the default kubeconfig's (by context name: that is how kubectl and a record's Kube
 * context name it) or an imported one (by its stored id, which survives re-imports).
 */
export const clusterContextRefSchema = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('default'),
      name: z
        .string()
        .min(1, { message: 'give the context name' })
        .max(253, { message: 'a context name is at most 253 characters' }),
    })
    .strict(),
  z.object({ source: z.literal('imported'), id: importedKubeconfigIdSchema }).strict(),
]);
export type ClusterContextRef = z.infer<typeof clusterContextRefSchema>;

export const clusterNamespacesSchema = z.object({ context: clusterContextRefSchema }).strict();
export const clusterPodsSchema = z
  .object({
    context: clusterContextRefSchema,
    namespace: z
      .string()
      .max(63, { message: 'a namespace is at most 63 characters' })
      .regex(DNS_LABEL_PATTERN, { message: 'not a namespace name (lowercase letters, digits and "-")' }),
  })
  .strict();

/** One context as the browser lists it. */
export interface ClusterContextView {
  ref: ClusterContextRef;
  /** The context name (imported ones: the name it was stored under). */
  name: string;
  /** The API server URL; '' when the context's cluster has none (the browser shows the problem). */
  server: string;
  /** The context's default namespace, if it names one. */
  namespace: string | null;
  authKind: KubeAuthKind;
  /** The default kubeconfig's current-context (always false for imported ones). */
  current: boolean;
  /** Where it was defined, for people: "~/.kube/config", "imported from dev.yaml". */
  origin: string;
}

export interface ClusterContextList {
  contexts: ClusterContextView[];
  /**
   * Sources that could not be read, each a sentence naming the file and the fix ("~/.kube/config line 3: not valid
   * YAML …"). A missing default kubeconfig is not a problem; it simply adds no contexts.
   */
  problems: string[];
  /** Where the default kubeconfig was looked for, for the empty state ("KUBECONFIG is unset; ~/.kube/config"). */
  defaultSearched: string;
}

/** One pod as the browser lists it, with what `kubectl get pods` shows. */
export interface ClusterPodView {
  name: string;
  namespace: string;
  /** Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  /** kubectl's STATUS column: the phase, or the reason that matters more (CrashLoopBackOff, Completed, Terminating). */
  status: string;
  /** Ready containers over all containers, as kubectl prints it: "1/2". */
  ready: string;
  /** Running, and every container ready: what a selector record would pick. */
  allReady: boolean;
  /** Restarts summed over the containers. */
  restarts: number;
  /** Creation time, epoch ms (0 when the server gave none). */
  createdAt: number;
  containers: string[];
  labels: Record<string, string>;
  /** The default-container annotation, when it names one of the containers. */
  defaultContainer: string | null;
}

/**
 * A context's namespaces as the browser shows them. When the user may not list namespaces (namespace-scoped RBAC, the
 * everyday shape of shared clusters), they are the ones Podterm knows of (the context's own, `default` when it names
 * none, those the user's records use, those the user added to the context's "namespaces to show"), each only when
 * the user may list its pods; `partial` then says why the list is not the cluster's whole list.
 */
export interface ClusterNamespaceList {
  namespaces: string[];
  /** null when this is the cluster's list; else one quiet sentence saying why it is partial. */
  partial: string | null;
}

/** Whether the user may open a shell in a namespace's pods (create pods/exec), and why not. */
export interface ClusterExecAccess {
  allowed: boolean;
  /** Why not, for people (the authorizer's words when it gave any); null when allowed. */
  reason: string | null;
}

export const clusterUnwatchPodsSchema = z
  .object({ watchId: z.number().int({ message: 'not a watch id' }).min(1, { message: 'not a watch id' }) })
  .strict();

/** A namespace's "namespaces to show" setting: extra namespaces to list when the cluster's list is forbidden. */
export const clusterShownNamespacesSchema = z
  .object({
    context: clusterContextRefSchema,
    namespaces: z.array(clusterPodsSchema.shape.namespace).max(200, { message: 'at most 200 namespaces' }),
  })
  .strict();

/** One change the watch of a namespace's pods saw (clusters.watchPods), as the page applies it. */
export interface ClusterPodChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  pod: ClusterPodView;
}

/**
 * What a followed namespace pushes (AppEvent `clusterPods`), in order: a list in chunks (listStarted, chunk…,
 * listEnded: pods the list did not name are gone), then changes as they happen, and how it is followed.
 */
export type ClusterPodsUpdate =
  | { kind: 'listStarted' }
  | { kind: 'chunk'; pods: ClusterPodView[] }
  | { kind: 'listEnded' }
  | { kind: 'changes'; changes: ClusterPodChange[] }
  | {
      kind: 'state';
      /** watching: live; retrying: reconnecting after an error; polling: listed every few seconds; failed: stopped. */
      mode: 'watching' | 'retrying' | 'polling' | 'failed';
      message: string | null;
    };
