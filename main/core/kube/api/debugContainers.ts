/**
 * Debug containers: adding an ephemeral container to a pod the way `kubectl debug -it POD --image=IMAGE
 * --target=CONTAINER` does (a strategic merge patch of the `pods/ephemeralcontainers` subresource), and waiting for it
 * to run by reading the pod until its status says so. The attach that follows is kube/exec's.
 *
 * Each refusal gets its own error with its fix: RBAC (verb and resource named), a cluster without the subresource
 * (404 with no object named: kubectl tells it from a missing pod the same way), an image that cannot be pulled (the
 * container's waiting reason), a pod that is not running, a container that ended before it could be attached.
 */
import { randomBytes } from 'node:crypto';
import type { RequestContext, V1ContainerState, V1EphemeralContainer, V1Pod } from '@kubernetes/client-node';
import { describeApiError, isApiException, withApiCall, type ApiCallOptions } from './podReader';
import { kubernetesClient, type ResolvedAccess } from '../access';

/** What `kubectl debug` would send, so an API server (and its admission webhooks) sees the usual request. */
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
/** Podterm's debug containers are named like kubectl's "debugger-xxxxx", so people can tell whose they are. */
export const DEBUG_CONTAINER_PREFIX = 'podterm-debug-';
/** Five characters from kubectl's alphabet for generated names (k8s.io/apimachinery/pkg/util/rand), no vowels. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const NAME_SUFFIX_LENGTH = 5;
/** One read of the pod while waiting: a few KB, answered in milliseconds by a healthy API server. */
const READ_TIMEOUT_MS = 10_000;
/**
 * How often to read the pod while the container starts. A cached image starts in about a second; half a second shows
 * each state change while the user watches, at two small GETs a second.
 */
export const DEBUG_POLL_MS = 500;
/**
 * How long a new debug container may take to run. kubectl's --pod-running-timeout defaults to 1 minute; pulling a
 * debug image on a node that never ran it can take longer on a slow registry, so 2 minutes before giving up.
 */
export const DEBUG_START_TIMEOUT_MS = 120_000;
/** Waiting reasons that mean the image will not arrive without someone fixing something (kubelet's images.go). */
const IMAGE_FAILURES = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
]);

export const DEBUG_CONTAINER_FAILURES = [
  'forbidden',
  'unsupported',
  'imagePull',
  'podNotRunning',
  'ended',
  'timeout',
  'invalid',
] as const;
export type DebugContainerFailure = (typeof DEBUG_CONTAINER_FAILURES)[number];

/** A debug container could not be added or did not come up. The message names the problem and the fix. */
export class DebugContainerError extends Error {
  constructor(
    readonly reason: DebugContainerFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DebugContainerError';
  }
}

export interface DebugContainerTarget {
  namespace: string;
  pod: string;
  /** The ephemeral container's name. */
  name: string;
}

/** A debug container's state, as the pod status says it. */
export type DebugContainerState =
  /** Not in the status yet: the kubelet has not picked it up. */
  | { kind: 'pending' }
  | { kind: 'waiting'; reason: string; message: string | null }
  | { kind: 'running' }
  | { kind: 'terminated'; exitCode: number; reason: string | null };

/** A fresh name: "podterm-debug-" and five random characters, like kubectl's "debugger-" ones. */
export function newDebugContainerName(): string {
  const bytes = randomBytes(NAME_SUFFIX_LENGTH);
  let suffix = '';
  for (const byte of bytes) suffix += NAME_ALPHABET[byte % NAME_ALPHABET.length];
  return `${DEBUG_CONTAINER_PREFIX}${suffix}`;
}

/** The state of one ephemeral container in a pod, and its spec (null when the pod has no such container). */
export function debugContainerOf(
  pod: V1Pod,
  name: string,
): { spec: V1EphemeralContainer; state: DebugContainerState } | null {
  const spec = pod.spec?.ephemeralContainers?.find((container) => container.name === name);
  if (!spec) return null;
  const status = pod.status?.ephemeralContainerStatuses?.find((candidate) => candidate.name === name);
  return { spec, state: stateOf(status?.state) };
}

function stateOf(state: V1ContainerState | undefined): DebugContainerState {
  if (state?.running) return { kind: 'running' };
  if (state?.terminated) {
    return { kind: 'terminated', exitCode: state.terminated.exitCode, reason: state.terminated.reason ?? null };
  }
  if (state?.waiting) {
    return { kind: 'waiting', reason: state.waiting.reason ?? 'Waiting', message: state.waiting.message ?? null };
  }
  return { kind: 'pending' };
}

/** "waiting (ContainerCreating)", "running", "terminated (exit code 0, Completed)": for the attempt log. */
export function describeDebugState(state: DebugContainerState): string {
  switch (state.kind) {
    case 'pending':
      return 'created, not started by the node yet';
    case 'waiting':
      return `waiting (${state.reason}${state.message ? `: ${state.message}` : ''})`;
    case 'running':
      return 'running';
    case 'terminated':
      return `terminated (exit code ${state.exitCode}${state.reason ? `, ${state.reason}` : ''})`;
  }
}

/** Sets the patch's content type: client-node's generated patch picks json-patch by default. */
function withContentType(options: ApiCallOptions, contentType: string): ApiCallOptions {
  return {
    ...options,
    middleware: [
      ...(options?.middleware ?? []),
      {
        pre(request: RequestContext) {
          request.setHeaderParam('Content-Type', contentType);
          return new (kubernetesClient().Observable)(Promise.resolve(request));
        },
        post: (response) => new (kubernetesClient().Observable)(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

function statusDetailsName(errorBody: string | null): string | null {
  if (!errorBody) return null;
  try {
    const parsed = JSON.parse(errorBody) as { details?: { name?: unknown } } | null;
    return typeof parsed?.details?.name === 'string' && parsed.details.name !== '' ? parsed.details.name : null;
  } catch {
    return null;
  }
}

function statusMessageOf(errorBody: string | null): string | null {
  if (!errorBody) return null;
  try {
    const message = (JSON.parse(errorBody) as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : null;
  } catch {
    return null;
  }
}

/**
 * Adds the debug container: image, stdin and a TTY (its shell is what the tab attaches to), and the target container
 * whose process namespace it joins. Resolves with the pod as the API server returned it.
 */
export async function addDebugContainer(
  access: ResolvedAccess,
  target: DebugContainerTarget & { image: string; targetContainer: string },
  options: { timeoutMs?: number } = {},
): Promise<V1Pod> {
  const { namespace, pod, name, image, targetContainer } = target;
  const body = {
    spec: {
      ephemeralContainers: [
        {
          name,
          image,
          stdin: true,
          tty: true,
          targetContainerName: targetContainer,
          terminationMessagePolicy: 'File',
        },
      ],
    },
  };
  const where = `pod ${namespace}/${pod}`;
  return withApiCall(
    access,
    { timeoutMs: options.timeoutMs ?? READ_TIMEOUT_MS },
    (api, callOptions) =>
      api.patchNamespacedPodEphemeralcontainers(
        { name: pod, namespace, body },
        withContentType(callOptions, STRATEGIC_MERGE_PATCH),
      ),
    (error, errorBody) => {
      if (isApiException(error) && error.code === 403) {
        const said = statusMessageOf(errorBody);
        return new DebugContainerError(
          'forbidden',
          `${access.description} may not add a debug container to ${where} (403 Forbidden${said ? `: ${said}` : ''}). Ask the cluster admin for RBAC permission to patch pods/ephemeralcontainers (verb "patch", resource "pods/ephemeralcontainers") in namespace "${namespace}", or use credentials that have it.`,
        );
      }
      if (isApiException(error) && error.code === 404 && statusDetailsName(errorBody) === null) {
        // A missing pod names itself in the Status details; a missing subresource does not (kubectl's test too).
        return new DebugContainerError(
          'unsupported',
          `The API server at ${access.server} has no ephemeral containers (404 on pods/ephemeralcontainers): the cluster is too old for debug containers. They need Kubernetes 1.23 or newer (1.16-1.22 only with the EphemeralContainers feature gate on). Upgrade the cluster, or give the image a shell.`,
        );
      }
      if (isApiException(error) && error.code === 422) {
        return new DebugContainerError(
          'invalid',
          `The API server refused the debug container for ${where} (422 Invalid: ${statusMessageOf(errorBody) ?? 'no reason given'}). Check the debug image setting.`,
        );
      }
      return describeApiError(error, access, errorBody, {
        what: `add a debug container to ${where}`,
        forbiddenFix: 'Ask for RBAC permission to patch pods/ephemeralcontainers.',
        trustFix: "Give the cluster's CA certificate in the kubeconfig (certificate-authority-data).",
        answered: (code, said) =>
          `the API server at ${access.server} answered ${code} when asked to add a debug container to ${where}${said}.`,
        failed: (text) => `could not add a debug container to ${where} at ${access.server}: ${text}`,
      });
    },
  );
}

/** Reads the pod and the state of one of its ephemeral containers (null when the pod has no such container). */
export async function readDebugContainer(
  access: ResolvedAccess,
  target: DebugContainerTarget,
): Promise<{ pod: V1Pod; container: ReturnType<typeof debugContainerOf> }> {
  const { namespace, pod: podName, name } = target;
  const pod = await withApiCall(
    access,
    { timeoutMs: READ_TIMEOUT_MS },
    (api, callOptions) => api.readNamespacedPod({ name: podName, namespace }, callOptions),
    (error, errorBody) =>
      describeApiError(error, access, errorBody, {
        what: `read pod ${namespace}/${podName}`,
        forbiddenFix: 'Ask for RBAC permission to get pods.',
        trustFix: "Give the cluster's CA certificate in the kubeconfig (certificate-authority-data).",
        answered: (code, said) =>
          `the API server at ${access.server} answered ${code} when asked for pod ${namespace}/${podName}${said}.`,
        failed: (text) => `could not read pod ${namespace}/${podName} at ${access.server}: ${text}`,
      }),
  );
  return { pod, container: debugContainerOf(pod, name) };
}

export interface WaitOptions {
  /** Called with each new state, so the attempt log can show it. */
  onState(state: DebugContainerState): void;
  signal: AbortSignal;
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Reads the pod until the debug container runs. Rejects with a DebugContainerError when it cannot: the image cannot be
 * pulled (its waiting reason and message), it ended first, the pod stopped running, or it took too long.
 */
export async function waitForDebugContainer(
  access: ResolvedAccess,
  target: DebugContainerTarget & { image: string },
  options: WaitOptions,
): Promise<void> {
  const { namespace, pod, name, image } = target;
  const timeoutMs = options.timeoutMs ?? DEBUG_START_TIMEOUT_MS;
  const pollMs = options.pollMs ?? DEBUG_POLL_MS;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (options.signal.aborted) throw new DebugContainerError('timeout', 'Adding the debug container was cancelled.');
    const read = await readDebugContainer(access, target);
    const phase = read.pod.status?.phase ?? 'Unknown';
    if (!read.container) {
      throw new DebugContainerError('ended', `Pod ${namespace}/${pod} has no container "${name}" any more.`);
    }
    const state = read.container.state;
    const words = describeDebugState(state);
    if (words !== last) {
      last = words;
      options.onState(state);
    }
    if (state.kind === 'running') return;
    if (state.kind === 'terminated') {
      throw new DebugContainerError(
        'ended',
        `The debug container ${name} ended (exit code ${state.exitCode}${state.reason ? `, ${state.reason}` : ''}) before Podterm could attach to it: the image "${image}" may not start a shell by default. Use an image whose default command is a shell, such as busybox.`,
      );
    }
    if (state.kind === 'waiting' && IMAGE_FAILURES.has(state.reason)) {
      throw new DebugContainerError(
        'imagePull',
        `The debug image "${image}" cannot be pulled (${state.reason}${state.message ? `: ${state.message}` : ''}). Check the debug image setting (Settings, for this cluster's context), and that the node can reach the registry; a private registry needs an imagePullSecret on the pod's service account.`,
      );
    }
    if (phase !== 'Running') {
      throw new DebugContainerError(
        'podNotRunning',
        `Pod ${namespace}/${pod} stopped running (phase ${phase}) while its debug container was starting. Open a running pod of the same workload.`,
      );
    }
    if (Date.now() >= deadline) {
      throw new DebugContainerError(
        'timeout',
        `The debug container ${name} did not start within ${timeoutMs / 1000} s (it is ${describeDebugState(state)}). The node may still be pulling "${image}": try again in a moment.`,
      );
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollMs);
      options.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
