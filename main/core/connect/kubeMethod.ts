/**
 * The Kubernetes links of the chain: default kubeconfig, the record's kubeconfig, token auth, in-cluster config. Each
 * looks the record's pod up (resolves its access in kube/access, reads the pod or picks it by selector), then picks the
 * container the way kubectl does and opens an exec session. Refresh runs the same lookup without opening a shell.
 */
import { linkedImportedContextId } from '../../../common/pods';
import type { KubeAccessMethod, AccessResolver, ResolvedAccess } from '../kube/access';
import { isFinishedPhase, listPods, pickReadyPod, proxyRouteOf, readPod, viaProxyWords } from '../kube/api';
import { KubeExecError, openKubeExecSession, shellCommand } from '../kube/exec';
import type { PodConnectRecord } from '../store';
import { MethodSkippedError } from './connect';
import { openDebugContainer } from './debugContainer';
import type { ChainRun, ConnectContext, KubeMethodHandler, OpenedSession, PodLookup, RecordPod } from './types';

/** The order the original design set; SSH comes after these. */
export const KUBE_METHODS: readonly KubeAccessMethod[] = ['defaultKubeconfig', 'podKubeconfig', 'token', 'inCluster'];

export interface KubeMethodOptions {
  resolver: AccessResolver;
  /** Overrides the exec session's keepalive (tests). */
  keepaliveIntervalMs?: number;
  /**
   * Bounds each network step of an attempt (reading the pod; the exec upgrade). Defaults to the transports' own (pod
   * read 10 s, exec upgrade 8 s). A silent host is cut short earlier by the pod read's reach deadline
   * (kube/api/requestDeadline.ts); a refused connection or a 401 answers in milliseconds anyway.
   */
  timeoutMs?: number;
  /**
   * The name of an imported context by id (the store's), so the attempt log names the context the record uses as the
   * user imported it instead of "pod's kubeconfig". Null for one removed meanwhile.
   */
  importedContextName?: (id: string) => string | null;
  /** The debug container image for a kubeconfig context (the settings'); defaults to busybox. */
  debugImage?: (contextName: string | null) => string;
  /** How long a new debug container may take to start (tests); defaults to kube/api's. */
  debugStartTimeoutMs?: number;
}

/** The four Kubernetes methods in chain order, sharing one set of options. */
export function kubeMethods(options: KubeMethodOptions): KubeMethodHandler[] {
  return KUBE_METHODS.map((method) => kubeMethod(method, options));
}

export function kubeMethod(method: KubeAccessMethod, options: KubeMethodOptions): KubeMethodHandler {
  const readOptions = options.timeoutMs ? { timeoutMs: options.timeoutMs } : {};

  async function lookUp(record: PodConnectRecord, run: ChainRun): Promise<PodLookup> {
    let access: ResolvedAccess;
    try {
      const resolution = await options.resolver.resolve(method, record);
      if ('skip' in resolution) return { outcome: 'skipped', detail: resolution.skip };
      access = resolution.access;
    } catch (error) {
      return { outcome: 'failed', access: null, error };
    }
    const silent = run.unreachableServers.skipReason(access);
    if (silent !== null) return { outcome: 'skipped', detail: silent };
    try {
      // kubectl reads the pod to choose a container and to refuse finished pods; so do we. A record that follows a
      // workload lists the pods its selector matches instead, and takes the newest Running, Ready one
      // (kube/api/podSelection.ts).
      return { outcome: 'found', access, pod: await findRecordPod(access, record, readOptions) };
    } catch (error) {
      run.unreachableServers.note(access, method, error);
      return { outcome: 'failed', access, error };
    }
  }

  return {
    method,
    labelFor(record) {
      // A pasted kubeconfig has no name of its own.
      const linkedId =
        method === 'podKubeconfig' ? linkedImportedContextId(record, Boolean(record.secrets.kubeconfig)) : null;
      if (!linkedId) return null;
      const name = options.importedContextName?.(linkedId) ?? null;
      return name === null ? null : `imported context ${name}`;
    },
    skipReason: (record) =>
      record.podName || record.labelSelector ? null : 'no pod name or label selector in the record',
    lookUp,
    async open(record: PodConnectRecord, context: ConnectContext, run: ChainRun): Promise<OpenedSession> {
      const lookup = await lookUp(record, run);
      if (lookup.outcome === 'skipped') throw new MethodSkippedError(lookup.detail);
      if (lookup.outcome === 'failed') throw lookup.error;
      try {
        return await openInPod(lookup.access, lookup.pod, record, context, options);
      } catch (error) {
        run.unreachableServers.note(lookup.access, method, error);
        throw error;
      }
    },
  };
}

/** The pod's containers have all exited for good (phase Succeeded or Failed): no exec can ever open in it. */
export class FinishedPodError extends Error {
  constructor(
    readonly namespace: string,
    readonly podName: string,
    readonly phase: string,
  ) {
    super(
      `Pod ${namespace}/${podName} has ${phase.toLowerCase()} (phase ${phase}): a finished pod has no running container to open a shell in. Open a running pod of the same workload instead.`,
    );
    this.name = 'FinishedPodError';
  }
}

/** The container has no shell (a distroless image, or a shell override it lacks): a debug container is the way in. */
export function isNoShellFailure(error: unknown): boolean {
  return error instanceof KubeExecError && error.reason === 'noShell';
}

/**
 * Refuses a finished pod, picks the container like kubectl (the API server refuses an exec without one into a pod that
 * has several) and opens the shell.
 */
async function openInPod(
  access: ResolvedAccess,
  pod: RecordPod,
  record: PodConnectRecord,
  context: ConnectContext,
  options: KubeMethodOptions,
): Promise<OpenedSession> {
  const namespace = record.namespace;
  const podName = pod.name;
  if (isFinishedPhase(pod.phase)) throw new FinishedPodError(namespace, podName, pod.phase);
  const wanted = context.containerOverride ?? record.container;
  if (wanted && !pod.containers.includes(wanted)) {
    throw new Error(
      `Pod ${namespace}/${podName} has no container "${wanted}" (it has ${pod.containers.join(', ')}): pick one of those in the record.`,
    );
  }
  const container = wanted ?? pod.defaultContainer ?? pod.containers[0]!;
  if (context.debug) {
    return openDebugContainer(access, pod, container, context, {
      ...(options.debugImage ? { debugImage: options.debugImage } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.keepaliveIntervalMs ? { keepaliveIntervalMs: options.keepaliveIntervalMs } : {}),
      ...(options.debugStartTimeoutMs ? { debugStartTimeoutMs: options.debugStartTimeoutMs } : {}),
    });
  }
  const session = await openKubeExecSession({
    kubeConfig: access.kubeConfig,
    namespace,
    pod: podName,
    container,
    command: shellCommand(record.shell),
    size: context.size(),
    signal: context.signal,
    proxyEnv: access.proxyEnv,
    ...(options.keepaliveIntervalMs ? { keepaliveIntervalMs: options.keepaliveIntervalMs } : {}),
    ...(options.timeoutMs ? { connectTimeoutMs: options.timeoutMs } : {}),
  });
  return {
    session,
    // The attempt log says how the server was reached: "… via socks5://127.0.0.1:1080 (proxy-url)".
    target: `${namespace}/${podName} (container ${container})${record.podName ? '' : `, picked by ${record.labelSelector}`}${viaProxyWords(proxyRouteOf(access.kubeConfig, access.proxyEnv))}`,
    kube: { namespace, pod: podName, container, containers: pod.containers },
  };
}

/** The pod a record connects to: the one it names, else the one its label selector picks now (pickBySelector). */
function findRecordPod(
  access: ResolvedAccess,
  record: PodConnectRecord,
  options: { timeoutMs?: number },
): Promise<RecordPod> {
  return record.podName
    ? readPod(access, record.namespace, record.podName, options)
    : pickBySelector(access, record.namespace, record.labelSelector!, options);
}

/** The pod a selector record connects to, in the shape readPod gives. Throws NoReadyPodError when none is ready. */
async function pickBySelector(
  access: ResolvedAccess,
  namespace: string,
  selector: string,
  options: { timeoutMs?: number },
): Promise<RecordPod & { matched: number }> {
  const matching = await listPods(access, namespace, { labelSelector: selector, ...options });
  const pod = pickReadyPod(matching, selector, namespace);
  return {
    name: pod.name,
    namespace: pod.namespace,
    phase: pod.phase,
    containers: pod.containers,
    defaultContainer: pod.defaultContainer,
    ready: pod.allReady,
    nodeName: pod.nodeName,
    podIP: pod.podIP,
    matched: matching.length,
  };
}
