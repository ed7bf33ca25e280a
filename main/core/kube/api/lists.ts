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

/** The pods of a namespace (optionally only those a label selector matches), sorted by name. Throws PodReadError. */
export async function listPods(
  access: ListAccess,
  namespace: string,
  options: { labelSelector?: string } & ApiRequestTimeouts = {},
): Promise<ListedPod[]> {
  const what = `list pods in namespace "${namespace}"${options.labelSelector ? ` matching ${options.labelSelector}` : ''}`;
  return withListCall(access, what, options, async (api, middleware) => {
    const list = await api.listNamespacedPod(
      { namespace, ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}) },
      middleware,
    );
    return list.items.map((pod) => listedPod(pod, namespace)).sort((a, b) => a.name.localeCompare(b.name));
  });
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

function listedPod(pod: V1Pod, namespace: string): ListedPod {
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

function describeListError(error: unknown, access: ListAccess, what: string, errorBody: string | null): PodReadError {
  return describeApiError(error, access, errorBody, {
    what,
    forbiddenFix: 'Ask for RBAC permission to list them, or use other credentials.',
    trustFix: "Give the cluster's CA certificate in the kubeconfig (certificate-authority-data).",
    answered: (code, said) => `the API server at ${access.server} answered ${code} when asked to ${what}${said}.`,
    failed: (text) => `could not ${what} at ${access.server}: ${text}`,
  });
}
