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
