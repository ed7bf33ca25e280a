/**
 * "Debug with an ephemeral container": the Kubernetes methods' other way into a pod. Instead of an exec, it adds a
 * debug container (kube/api) targeting the container the record would have opened, so the debug shell sees that
 * container's processes; waits for it to run, showing each state in the attempt log; and attaches the tab to its shell
 * (kube/exec, pods/attach). A tab that had one re-attaches to it while it runs rather than adding another: ephemeral
 * containers cannot be removed, each one stays in the pod spec until the pod goes.
 */
import { DEFAULT_DEBUG_IMAGE } from '../../../common/settings';
import type { ResolvedAccess } from '../kube/access';
import {
  addDebugContainer,
  DebugContainerError,
  describeDebugState,
  newDebugContainerName,
  readDebugContainer,
  waitForDebugContainer,
} from '../kube/api';
import { openKubeAttachSession } from '../kube/exec';
import type { ConnectContext, OpenedSession, RecordPod } from './types';

/** Enter, sent once to a debug container Podterm just created: its shell printed its prompt before the attach, and
 * an attach replays nothing (kubectl asks the user to press Enter instead). */
const SHOW_PROMPT = '\r';

export interface DebugOptions {
  /** The debug image for the access's kubeconfig context (the settings'); defaults to busybox. */
  debugImage?: (contextName: string | null) => string;
  /** Bounds each request and the attach upgrade, as for exec. */
  timeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** How long the new container may take to run; defaults to kube/api's DEBUG_START_TIMEOUT_MS. */
  debugStartTimeoutMs?: number;
}

/** Opens (or re-attaches to) a debug container in `pod`, aimed at `container`. */
export async function openDebugContainer(
  access: ResolvedAccess,
  pod: RecordPod,
  container: string,
  context: ConnectContext,
  options: DebugOptions,
): Promise<OpenedSession> {
  const { namespace, name: podName } = pod;
  const progress = (detail: string) => context.progress?.(detail);
  if (pod.phase !== 'Running') {
    throw new DebugContainerError(
      'podNotRunning',
      `Pod ${namespace}/${podName} is not running (phase ${pod.phase || 'unknown'}): a debug container can only join a running pod. Wait until it runs, or open a running pod of the same workload.`,
    );
  }
  const image = options.debugImage?.(access.contextName) ?? DEFAULT_DEBUG_IMAGE;
  const reattach = context.debug?.reattach ?? null;

  if (reattach !== null) {
    const { container: existing } = await readDebugContainer(access, { namespace, pod: podName, name: reattach });
    if (existing?.state.kind === 'running') {
      progress(`re-attaching to debug container ${reattach} (running)`);
      const target = existing.spec.targetContainerName ?? container;
      return attach(
        access,
        pod,
        target,
        { name: reattach, image: existing.spec.image ?? image },
        context,
        options,
        false,
      );
    }
    progress(
      existing
        ? `debug container ${reattach} has ${describeDebugState(existing.state)}; adding a new one`
        : `debug container ${reattach} is not in the pod; adding a new one`,
    );
  }

  const name = newDebugContainerName();
  progress(`adding debug container ${name} (image ${image}, target container ${container})`);
  await addDebugContainer(
    access,
    { namespace, pod: podName, name, image, targetContainer: container },
    options.timeoutMs ? { timeoutMs: options.timeoutMs } : {},
  );
  await waitForDebugContainer(
    access,
    { namespace, pod: podName, name, image },
    {
      signal: context.signal,
      onState: (state) => progress(`debug container ${name}: ${describeDebugState(state)}`),
      ...(options.debugStartTimeoutMs ? { timeoutMs: options.debugStartTimeoutMs } : {}),
    },
  );
  progress(`debug container ${name} is running; attaching`);
  return attach(access, pod, container, { name, image }, context, options, true);
}

async function attach(
  access: ResolvedAccess,
  pod: RecordPod,
  target: string,
  debug: { name: string; image: string },
  context: ConnectContext,
  options: DebugOptions,
  isNew: boolean,
): Promise<OpenedSession> {
  const session = await openKubeAttachSession({
    kubeConfig: access.kubeConfig,
    namespace: pod.namespace,
    pod: pod.name,
    container: debug.name,
    size: context.size(),
    signal: context.signal,
    ...(options.keepaliveIntervalMs ? { keepaliveIntervalMs: options.keepaliveIntervalMs } : {}),
    ...(options.timeoutMs ? { connectTimeoutMs: options.timeoutMs } : {}),
  });
  if (isNew) session.write(SHOW_PROMPT);
  return {
    session,
    target: `${pod.namespace}/${pod.name} (debug container ${debug.name}, image ${debug.image}, targeting ${target})`,
    kube: {
      namespace: pod.namespace,
      pod: pod.name,
      container: target,
      containers: pod.containers,
      debugContainer: debug,
    },
  };
}
