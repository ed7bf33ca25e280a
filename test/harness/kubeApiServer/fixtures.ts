/**
 * The cluster the test API server pretends to run: a few namespaces and pods shaped like what kube-apiserver returns
 * (the fields kubectl and client-node read, plus the usual noise, so code that parses real pods is exercised).
 */
import { randomUUID } from 'node:crypto';

export const NODE_NAME = 'podterm-test-node';
/** The annotation kubectl and the API server honour to pick a container when none is named (kubectl >= 1.21). */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

export interface ContainerSpec {
  name: string;
  image: string;
}

/** An ephemeral container as `kubectl debug` adds it (core/v1 EphemeralContainer, the fields this server reads). */
export interface EphemeralContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  stdin?: boolean;
  tty?: boolean;
  targetContainerName?: string;
  [field: string]: unknown;
}

/** A container's state in the pod status (core/v1 ContainerState): exactly one of the three is set. */
export type ContainerState =
  | { running: { startedAt: string } }
  | { waiting: { reason: string; message?: string } }
  | { terminated: { exitCode: number; reason: string; startedAt: string; finishedAt: string } };

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: ContainerState;
}

export interface Pod {
  kind: 'Pod';
  apiVersion: 'v1';
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    containers: Array<ContainerSpec & { imagePullPolicy: string; terminationMessagePath: string; resources: object }>;
    restartPolicy: 'Always' | 'Never';
    nodeName: string;
    serviceAccountName: string;
    /** Added through the pods/ephemeralcontainers subresource only (ephemeral.ts); never removed. */
    ephemeralContainers?: EphemeralContainerSpec[];
  };
  status: {
    phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
    conditions: Array<{ type: string; status: 'True' | 'False'; lastTransitionTime: string }>;
    hostIP: string;
    podIP: string;
    podIPs: Array<{ ip: string }>;
    startTime: string;
    containerStatuses: Array<ContainerStatus & { containerID: string; started: boolean }>;
    ephemeralContainerStatuses?: ContainerStatus[];
  };
}

export interface FixturePod {
  pod: Pod;
  /** False for an image with no executables at all (distroless): every exec fails after the upgrade. */
  hasExecutables: boolean;
}

export interface Namespace {
  kind: 'Namespace';
  apiVersion: 'v1';
  metadata: { name: string; uid: string; resourceVersion: string; creationTimestamp: string; labels: object };
  spec: { finalizers: string[] };
  status: { phase: 'Active' };
}

export interface Cluster {
  namespaces: Namespace[];
  pods: FixturePod[];
  /** The resourceVersion of the latest change (clusterChanges.ts moves it on every change), for lists and watches. */
  resourceVersion: string;
}

const HOST_IP = '10.0.0.10';
const MINUTE_MS = 60_000;

export interface PodSpecInput {
  namespace: string;
  name: string;
  containers: ContainerSpec[];
  phase: 'Running' | 'Succeeded' | 'Pending';
  ageMinutes: number;
  /** Labels instead of the default app=<name without its ordinal>. */
  labels?: Record<string, string>;
  /** A Running pod whose containers are not ready (a failing readiness probe). */
  notReady?: boolean;
  podIP: string;
  annotations?: Record<string, string>;
  restartCount?: number;
  hasExecutables?: boolean;
}

let resourceVersionCounter = 1000;
/** Every change to an object takes the next one, as etcd's revision does. */
export const nextResourceVersion = () => String(++resourceVersionCounter);
export const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export function makePod(input: PodSpecInput, now: number): FixturePod {
  const created = iso(now - input.ageMinutes * MINUTE_MS);
  const running = input.phase === 'Running';
  const pending = input.phase === 'Pending';
  const containersReady = running && !input.notReady;
  const ready = containersReady ? 'True' : 'False';
  const pod: Pod = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      uid: randomUUID(),
      resourceVersion: nextResourceVersion(),
      creationTimestamp: created,
      labels: input.labels ?? { app: input.name.replace(/-\d+$/, '') },
      ...(input.annotations ? { annotations: input.annotations } : {}),
    },
    spec: {
      containers: input.containers.map((container) => ({
        ...container,
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        resources: {},
      })),
      restartPolicy: running ? 'Always' : 'Never',
      nodeName: NODE_NAME,
      serviceAccountName: 'default',
    },
    status: {
      phase: input.phase,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: type === 'Ready' || type === 'ContainersReady' ? ready : 'True',
        lastTransitionTime: created,
      })),
      hostIP: HOST_IP,
      podIP: input.podIP,
      podIPs: [{ ip: input.podIP }],
      startTime: created,
      containerStatuses: input.containers.map((container) => ({
        name: container.name,
        image: container.image,
        imageID: `${container.image.split(':')[0]}@sha256:${'0'.repeat(64)}`,
        containerID: `containerd://${randomUUID().replaceAll('-', '')}`,
        ready: containersReady,
        started: running,
        restartCount: input.restartCount ?? 0,
        state: running
          ? { running: { startedAt: created } }
          : pending
            ? { waiting: { reason: 'ContainerCreating' } }
            : { terminated: { exitCode: 0, reason: 'Completed', startedAt: created, finishedAt: created } },
      })),
    },
  };
  return { pod, hasExecutables: input.hasExecutables ?? true };
}

export function makeNamespace(name: string, now: number): Namespace {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name,
      uid: randomUUID(),
      resourceVersion: nextResourceVersion(),
      creationTimestamp: iso(now - 24 * 60 * MINUTE_MS),
      labels: { 'kubernetes.io/metadata.name': name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** A fresh cluster per server, so uids and ages are this run's. */
export function makeCluster(now = Date.now()): Cluster {
  const pods = [
    makePod(
      {
        namespace: 'default',
        name: 'shell-pod',
        containers: [{ name: 'main', image: 'busybox:1.36' }],
        phase: 'Running',
        ageMinutes: 42,
        podIP: '10.244.0.11',
      },
      now,
    ),
    makePod(
      {
        namespace: 'default',
        name: 'multi',
        containers: [
          { name: 'app', image: 'nginx:1.27' },
          { name: 'sidecar', image: 'busybox:1.36' },
        ],
        phase: 'Running',
        ageMinutes: 180,
        podIP: '10.244.0.12',
        annotations: { [DEFAULT_CONTAINER_ANNOTATION]: 'sidecar' },
        restartCount: 1,
      },
      now,
    ),
    makePod(
      {
        namespace: 'default',
        name: 'finished',
        containers: [{ name: 'job', image: 'busybox:1.36' }],
        phase: 'Succeeded',
        ageMinutes: 300,
        podIP: '10.244.0.13',
      },
      now,
    ),
    makePod(
      {
        namespace: 'default',
        name: 'distroless',
        containers: [{ name: 'app', image: 'gcr.io/distroless/static-debian12:nonroot' }],
        phase: 'Running',
        ageMinutes: 60,
        podIP: '10.244.0.14',
        hasExecutables: false,
      },
      now,
    ),
    makePod(
      {
        namespace: 'prod',
        name: 'api-0',
        containers: [{ name: 'api', image: 'registry.example.com/api:2.3.1' }],
        phase: 'Running',
        ageMinutes: 7 * 24 * 60,
        podIP: '10.244.1.20',
        labels: { app: 'api', track: 'stable' },
      },
      now,
    ),
    // Two newer pods of the same workload that a selector record must pass over: one whose readiness probe fails, one
    // still being created.
    makePod(
      {
        namespace: 'prod',
        name: 'api-canary-1',
        containers: [{ name: 'api', image: 'registry.example.com/api:2.4.0-rc1' }],
        phase: 'Running',
        notReady: true,
        ageMinutes: 30,
        podIP: '10.244.1.21',
        restartCount: 4,
        labels: { app: 'api', track: 'canary' },
      },
      now,
    ),
    makePod(
      {
        namespace: 'prod',
        name: 'api-canary-2',
        containers: [{ name: 'api', image: 'registry.example.com/api:2.4.0-rc1' }],
        phase: 'Pending',
        ageMinutes: 2,
        podIP: '',
        labels: { app: 'api', track: 'canary' },
      },
      now,
    ),
  ];
  return {
    namespaces: ['default', 'kube-system', 'prod'].map((name) => makeNamespace(name, now)),
    pods,
    resourceVersion: nextResourceVersion(),
  };
}

/**
 * The container an exec without `container=` runs in, as kube-apiserver decides (pkg/registry/core/pod/strategy.go,
 * streamLocation): the only container, or a 400 naming the choices. The API server does NOT read the default-container
 * annotation; kubectl resolves it client-side and always sends `container=`, so a client that leaves the container out
 * works on one-container pods only, here as on a real cluster.
 */
export function containerForExec(pod: Pod, requested: string | null): { container: string } | { error: string } {
  const names = pod.spec.containers.map((container) => container.name);
  if (requested) {
    return names.includes(requested)
      ? { container: requested }
      : { error: `container ${requested} is not valid for pod ${pod.metadata.name}` };
  }
  const [only] = names;
  if (names.length === 1 && only) return { container: only };
  return {
    error: `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`,
  };
}
