/**
 * Lists namespaces and pods through the API server, for the cluster browser and for records that follow a workload by
 * label selector. The only file besides podReader.ts that calls client-node's CoreV1Api; it shares podReader's way of
 * keeping the error body and telling failures apart, so a 401 here reads like a 401 there.
 */
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import {
  DEFAULT_CONTAINER_ANNOTATION,
  describeApiError,
  withApiCall,
  type ApiCallOptions,
  type ApiRequestTimeouts,
  type PodReadError,
} from './podReader';
import { readinessOf } from './podReadiness';
import type { ResolvedAccess } from '../access';

/**
 * A list is one GET like the pod read, but a namespace of a few thousand pods takes the API server a second or two to
 * serialise; 15 s still reports a silent address while the user is looking at the browser.
 */
export const DEFAULT_LIST_TIMEOUT_MS = 15_000;

/** What a list needs of a resolved access: the client, and words for messages. */
export type ListAccess = Pick<ResolvedAccess, 'kubeConfig' | 'server' | 'description' | 'proxyEnv'>;

/** A pod as a list returns it, with what the browser and the selector choice need. */
export interface ListedPod {
  name: string;
  namespace: string;
  phase: string;
  /** kubectl's STATUS column (see statusOf). */
  status: string;
  readyContainers: number;
  totalContainers: number;
  /** Ready as podReadiness.ts defines it (Running, every container ready), the one definition Refresh uses too. */
  allReady: boolean;
  restarts: number;
  /** Epoch ms, 0 when unknown. */
  createdAt: number;
  containers: string[];
  labels: Record<string, string>;
  defaultContainer: string | null;
  nodeName: string | null;
  podIP: string | null;
}

/** The namespaces' names, sorted. Throws PodReadError (its reason says which failure; the message is for people). */
export async function listNamespaces(access: ListAccess, options: ApiRequestTimeouts = {}): Promise<string[]> {
  return withListCall(access, 'list namespaces', options, async (api, middleware) => {
    const list = await api.listNamespace({}, middleware);
    return list.items
      .map((item) => item.metadata?.name ?? '')
      .filter((name) => name !== '')
      .sort();
  });
}

/**
 * Pods per list request, as kubectl asks (`--chunk-size` defaults to 500): a namespace of 20,000 pods arrives in 40
 * answers of about a megabyte each instead of one of 50 MB, so neither the API server nor the page stalls, and the
 * first rows show long before the last chunk.
 */
export const LIST_CHUNK_SIZE = 500;

/** A namespace's pods as one consistent list, and the resourceVersion a watch resumes from. */
export interface PodListing {
  pods: ListedPod[];
  resourceVersion: string;
}

export interface PodListOptions extends ApiRequestTimeouts {
  labelSelector?: string;
  /** Called with each chunk as it arrives (pods in the server's order), before the next one is asked for. */
  onChunk?: (pods: ListedPod[]) => void;
  /** Pods per request (LIST_CHUNK_SIZE). */
  chunkSize?: number;
  /** Stops between chunks (a collapsed namespace); the listing then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * The pods of a namespace (optionally only those a label selector matches), read in chunks with `limit`/`continue`,
 * sorted by name. Each request has its own deadline. Throws PodReadError.
 */
export async function listPodsInChunks(
  access: ListAccess,
  namespace: string,
  options: PodListOptions = {},
): Promise<PodListing> {
  const what = `list pods in namespace "${namespace}"${options.labelSelector ? ` matching ${options.labelSelector}` : ''}`;
  const pods: ListedPod[] = [];
  let resourceVersion = '';
  let token: string | undefined;
  do {
    options.signal?.throwIfAborted();
    const chunk = await withListCall(access, what, options, (api, middleware) =>
      api.listNamespacedPod(
        {
          namespace,
          limit: options.chunkSize ?? LIST_CHUNK_SIZE,
          ...(token ? { _continue: token } : {}),
          ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
        },
        middleware,
      ),
    );
    const listed = chunk.items.map((pod) => listedPod(pod, namespace));
    pods.push(...listed);
    // Every chunk of one list carries the first chunk's version; keep the first in case a server does not.
    resourceVersion ||= chunk.metadata?.resourceVersion ?? '';
    token = chunk.metadata?._continue || undefined;
    options.onChunk?.(listed);
  } while (token);
  return { pods: pods.sort((a, b) => a.name.localeCompare(b.name)), resourceVersion };
}

/** The pods of a namespace (optionally only those a label selector matches), sorted by name. Throws PodReadError. */
export async function listPods(
  access: ListAccess,
  namespace: string,
  options: { labelSelector?: string } & ApiRequestTimeouts = {},
): Promise<ListedPod[]> {
  return (await listPodsInChunks(access, namespace, options)).pods;
}

function withListCall<T>(
  access: ListAccess,
  what: string,
  timeouts: ApiRequestTimeouts,
  call: (api: CoreV1Api, options: ApiCallOptions) => Promise<T>,
): Promise<T> {
  return withApiCall(
    access,
    { timeoutMs: timeouts.timeoutMs ?? DEFAULT_LIST_TIMEOUT_MS, reachTimeoutMs: timeouts.reachTimeoutMs },
    call,
    (error, errorBody) => describeListError(error, access, what, errorBody),
  );
}

/** A pod as the lists and the watch give it. */
export function listedPod(pod: V1Pod, namespace: string): ListedPod {
  const containers = (pod.spec?.containers ?? []).map((container) => container.name);
  const statuses = pod.status?.containerStatuses ?? [];
  const { readyContainers, totalContainers, ready } = readinessOf(pod);
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION] ?? null;
  const phase = pod.status?.phase ?? '';
  const created = pod.metadata?.creationTimestamp;
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? namespace,
    phase,
    status: statusOf(pod),
    readyContainers,
    totalContainers,
    allReady: ready,
    restarts: statuses.reduce((sum, status) => sum + (status.restartCount ?? 0), 0),
    createdAt: created instanceof Date ? created.getTime() : created ? Date.parse(String(created)) || 0 : 0,
    containers,
    labels: { ...(pod.metadata?.labels ?? {}) },
    defaultContainer: annotated !== null && containers.includes(annotated) ? annotated : null,
    nodeName: pod.spec?.nodeName ?? null,
    podIP: pod.status?.podIP ?? null,
  };
}

/**
 * kubectl's STATUS column, simplified from its printer: Terminating while being deleted, Completed for Succeeded, a
 * waiting or terminated container's reason (CrashLoopBackOff, ContainerCreating, Error) over the phase.
 */
function statusOf(pod: V1Pod): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase === 'Succeeded') return 'Completed';
  if (pod.status?.reason) return pod.status.reason;
  for (const status of pod.status?.containerStatuses ?? []) {
    const reason =
      status.state?.waiting?.reason ?? (phase !== 'Running' ? status.state?.terminated?.reason : undefined);
    if (reason) return reason;
  }
  return phase;
}

export function describeListError(
  error: unknown,
  access: ListAccess,
  what: string,
  errorBody: string | null,
): PodReadError {
  return describeApiError(error, access, errorBody, {
    what,
    forbiddenFix: 'Ask for RBAC permission to list them, or use other credentials.',
    trustFix: "Give the cluster's CA certificate in the kubeconfig (certificate-authority-data).",
    answered: (code, said) => `the API server at ${access.server} answered ${code} when asked to ${what}${said}.`,
    failed: (text) => `could not ${what} at ${access.server}: ${text}`,
  });
}
