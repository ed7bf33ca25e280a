/**
 * The Kubernetes links of the chain: default kubeconfig, the record's kubeconfig, token auth, in-cluster config. Each
 * resolves its access (access/), picks the container the way kubectl does, and opens an exec session.
 */
import type { KubeAccessMethod, AccessResolver, ResolvedAccess } from '../access';
import { readPod } from '../access';
import { openKubeExecSession, shellCommand } from '../sessions/kubeExecSession';
import type { PodConnectRecord } from '../store/types';
import { MethodSkippedError } from './connect';
import type { ConnectContext, ConnectionMethodHandler, OpenedSession } from './types';

/** The order the original design set; SSH comes after these. */
export const KUBE_METHODS: readonly KubeAccessMethod[] = ['defaultKubeconfig', 'podKubeconfig', 'token', 'inCluster'];

export interface KubeMethodOptions {
  resolver: AccessResolver;
  /** Overrides the exec session's keepalive (tests). */
  keepaliveIntervalMs?: number;
  /**
   * Bounds each network step of an attempt (reading the pod; the exec upgrade). Defaults to the transports' own
   * (8 s each); a refused connection or a 401 answers in milliseconds anyway, this only caps a silent host.
   */
  timeoutMs?: number;
}

export function kubeMethod(method: KubeAccessMethod, options: KubeMethodOptions): ConnectionMethodHandler {
  return {
    method,
    skipReason: (record) => (record.podName ? null : 'no pod name in the record'),
    async open(record: PodConnectRecord, context: ConnectContext): Promise<OpenedSession> {
      const resolution = await options.resolver.resolve(method, record);
      if ('skip' in resolution) throw new MethodSkippedError(resolution.skip);
      return openInPod(resolution.access, record, context, options);
    },
  };
}

async function openInPod(
  access: ResolvedAccess,
  record: PodConnectRecord,
  context: ConnectContext,
  options: KubeMethodOptions,
): Promise<OpenedSession> {
  const namespace = record.namespace;
  const podName = record.podName!;
  // kubectl reads the pod to choose a container and to refuse finished pods; so do we. The API server itself refuses
  // an exec without a container into a pod that has several.
  const pod = await readPod(access, namespace, podName, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') {
    throw new Error(
      `Pod ${namespace}/${podName} has ${pod.phase.toLowerCase()} (phase ${pod.phase}): a finished pod has no running container to open a shell in.`,
    );
  }
  const wanted = context.containerOverride ?? record.container;
  if (wanted && !pod.containers.includes(wanted)) {
    throw new Error(
      `Pod ${namespace}/${podName} has no container "${wanted}" (it has ${pod.containers.join(', ')}): pick one of those in the record.`,
    );
  }
  const container = wanted ?? pod.defaultContainer ?? pod.containers[0]!;
  const session = await openKubeExecSession({
    kubeConfig: access.kubeConfig,
    namespace,
    pod: podName,
    container,
    command: shellCommand(record.shell),
    size: context.size(),
    signal: context.signal,
    ...(options.keepaliveIntervalMs ? { keepaliveIntervalMs: options.keepaliveIntervalMs } : {}),
    ...(options.timeoutMs ? { connectTimeoutMs: options.timeoutMs } : {}),
  });
  return {
    session,
    target: `${namespace}/${podName} (container ${container})`,
    kube: { namespace, pod: podName, container, containers: pod.containers },
  };
}
