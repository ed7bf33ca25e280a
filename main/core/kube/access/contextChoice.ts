/**
 * Which context of a kubeconfig to use for a pod record. Shared by the default kubeconfig and the record's own:
 *   1. the record's kubeContext, when set (an error when the kubeconfig has no such context);
 *   2. else the context whose cluster's server is the record's clusterHost (if several, the current context when it is
 *      one of them, else the first);
 *   3. else the current context;
 *   4. else an error saying what to set.
 * The chosen context must name a cluster (with a server) and, when it names a user, a user that exists: kubectl refuses
 * the same.
 */
import type { Cluster, Context } from '@kubernetes/client-node';
import type { KubeUser, LoadedKubeconfig } from './kubeconfigFiles';

/** How the context was chosen; the default kubeconfig is skipped when a clusterHost match was wanted and not found. */
export type ContextChoiceReason = 'kubeContext' | 'clusterHost' | 'currentContext';

export interface ContextChoice {
  context: Context;
  cluster: Cluster;
  /** Null when the context names no user (anonymous access, as kubectl allows). */
  user: KubeUser | null;
  reason: ContextChoiceReason;
}

/** The record's fields that steer the choice. */
export interface ContextWish {
  kubeContext?: string | null | undefined;
  clusterHost?: string | null | undefined;
}

export const CONTEXT_CHOICE_FAILURES = [
  /** The record names a context the kubeconfig does not define. */
  'contextNotFound',
  /** Nothing to go by: no kubeContext, no clusterHost match, no (valid) current-context; or no contexts at all. */
  'noContext',
  /** The chosen context is broken: unknown cluster or user, or a cluster without a server. */
  'brokenContext',
] as const;
export type ContextChoiceFailure = (typeof CONTEXT_CHOICE_FAILURES)[number];

/** No usable context. `reason` is for code (skip or fail the method); the message says what to set. */
export class ContextChoiceError extends Error {
  constructor(
    readonly reason: ContextChoiceFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ContextChoiceError';
  }
}

/** The contexts whose cluster is the API server at `host` (compared as normaliseServer writes it). */
export function contextsServing(loaded: LoadedKubeconfig, host: string): Context[] {
  const wanted = normaliseServer(host);
  const { clusters, contexts } = loaded.kubeConfig;
  return contexts.filter((context) => {
    const cluster = clusters.find((entry) => entry.name === context.cluster);
    return cluster !== undefined && normaliseServer(cluster.server) === wanted;
  });
}

/** Chooses the context for a record (see the file comment). Throws ContextChoiceError. */
export function chooseContext(loaded: LoadedKubeconfig, wish: ContextWish): ContextChoice {
  const { kubeConfig } = loaded;
  const contexts = kubeConfig.contexts;
  const searched = searchedText(loaded);
  const available = contexts.length > 0 ? contexts.map((context) => context.name).join(', ') : 'none';

  if (wish.kubeContext) {
    const context = contexts.find((entry) => entry.name === wish.kubeContext);
    if (context === undefined) {
      throw new ContextChoiceError(
        'contextNotFound',
        `context "${wish.kubeContext}" is not defined in ${searched} (contexts there: ${available}). Set the record's context to one of them, or add the context to the kubeconfig.`,
      );
    }
    return complete(loaded, context, 'kubeContext');
  }

  if (wish.clusterHost) {
    const serving = contextsServing(loaded, wish.clusterHost);
    const preferred = serving.find((context) => context.name === kubeConfig.currentContext) ?? serving[0];
    if (preferred !== undefined) return complete(loaded, preferred, 'clusterHost');
  }

  if (contexts.length === 0) {
    throw new ContextChoiceError(
      'noContext',
      `${searched} defines no contexts. Add one (kubectl config set-context), or give the record a token and cluster host instead.`,
    );
  }
  const current = kubeConfig.currentContext;
  if (current) {
    const context = contexts.find((entry) => entry.name === current);
    if (context === undefined) {
      throw new ContextChoiceError(
        'noContext',
        `the current context "${current}" is not defined in ${searched} (contexts there: ${available}). Set the record's context to one of them, or run "kubectl config use-context NAME".`,
      );
    }
    return complete(loaded, context, 'currentContext');
  }
  const hostNote = wish.clusterHost ? `, no context serves ${wish.clusterHost}` : '';
  throw new ContextChoiceError(
    'noContext',
    `no context to use: the record names none${hostNote}, and ${searched} sets no current-context. Set the record's context (one of: ${available}), or run "kubectl config use-context NAME".`,
  );
}

/**
 * A server URL in a comparable form: lower-case scheme and host, no default port, no trailing slashes. A record's
 * "https://10.0.0.1:6443/" and a kubeconfig's "https://10.0.0.1:6443" are the same server.
 */
export function normaliseServer(server: string): string {
  const trimmed = server.trim();
  try {
    const url = new URL(trimmed);
    const pathname = url.pathname.replace(/\/+$/, '');
    return `${url.protocol}//${url.host}${pathname}${url.search}`;
  } catch {
    return trimmed.replace(/\/+$/, '').toLowerCase();
  }
}

/** "~/.kube/config" or "KUBECONFIG (~/a, ~/b)" plus the files searched when they differ from the label. */
export function searchedText(loaded: LoadedKubeconfig): string {
  const searched = loaded.searched.join(', ');
  return loaded.label.includes(searched) ? loaded.label : `${loaded.label} (searched ${searched})`;
}

function complete(loaded: LoadedKubeconfig, context: Context, reason: ContextChoiceReason): ContextChoice {
  const { kubeConfig } = loaded;
  const where = loaded.files.length > 1 ? 'any KUBECONFIG file' : loaded.label;
  const definedIn = loaded.origins.contexts.get(context.name) ?? loaded.label;
  if (!context.cluster) {
    throw new ContextChoiceError(
      'brokenContext',
      `context "${context.name}" (${definedIn}) names no cluster. Set contexts[].context.cluster in the kubeconfig.`,
    );
  }
  const cluster = kubeConfig.clusters.find((entry) => entry.name === context.cluster);
  if (cluster === undefined) {
    throw new ContextChoiceError(
      'brokenContext',
      `context "${context.name}" refers to cluster "${context.cluster}", which is not defined in ${where}. Add the cluster to the kubeconfig or fix the context.`,
    );
  }
  if (!cluster.server) {
    throw new ContextChoiceError(
      'brokenContext',
      `cluster "${cluster.name}" (${loaded.origins.clusters.get(cluster.name) ?? loaded.label}) has no server. Set clusters[].cluster.server to the API server URL.`,
    );
  }
  let user: KubeUser | null = null;
  if (context.user) {
    user = kubeConfig.users.find((entry) => entry.name === context.user) ?? null;
    if (user === null) {
      throw new ContextChoiceError(
        'brokenContext',
        `context "${context.name}" refers to user "${context.user}", which is not defined in ${where}. Add the user to the kubeconfig or fix the context.`,
      );
    }
  }
  return { context, cluster, user, reason };
}
