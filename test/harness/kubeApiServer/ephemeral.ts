/**
 * Debug containers: the `pods/ephemeralcontainers` subresource (GET, PATCH, PUT, as `kubectl debug` and Podterm use
 * it), a watch of pods (kubectl debug -it waits for the container through one), and `pods/attach` to the container's
 * process (attach.ts). An added container shows in the pod's spec.ephemeralContainers at once and in
 * status.ephemeralContainerStatuses as the kubelet would report it: waiting (ContainerCreating), then running; or
 * ErrImagePull then ImagePullBackOff for an image the test marked unpullable. Each change is a new resourceVersion and
 * an event on every matching watch.
 *
 * Tests can make it refuse (DebugControls): RBAC ('forbidden': 403 in the authorizer's words for patch/update of
 * pods/ephemeralcontainers) or a cluster too old to have the subresource ('absent': 404 without details, which is how
 * kubectl tells it from a missing pod).
 */
import type { ServerResponse } from 'node:http';
import type WebSocket from 'ws';
import { authorize } from './auth';
import { ContainerProcess, startTargetProcess, type AttachRecord, type TargetProcess } from './attach';
import { queryBool } from './exec';
import {
  iso,
  nextResourceVersion,
  type Cluster,
  type ContainerStatus,
  type EphemeralContainerSpec,
  type FixturePod,
  type Pod,
} from './fixtures';
import { badRequest, forbidden, noSuchResource, notFound, type JsonReply } from './status';

export const EPHEMERAL_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/ephemeralcontainers\/?$/;
export const ATTACH_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/attach\/?$/;
const PODS_PATH = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods\/?$/;
/**
 * The kubelet's steps for a new container, as the status shows them: first seen waiting, then running (or failing to
 * pull). Short, so tests are quick, yet long enough that a client polling or watching sees the waiting state.
 */
const KUBELET_STEP_MS = 150;
/** What a busybox-like debug image runs when the container names no command: its shell. */
const DEFAULT_IMAGE_COMMAND = ['sh'];
/** DNS-1123 label, what the API server requires of a container name. */
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_CONTAINER_NAME = 63;

export interface DebugControls {
  /**
   * null: the subresource works. 'forbidden': RBAC refuses patch/update of pods/ephemeralcontainers to everyone (a
   * role that allows exec but not debug). 'absent': the server has no such subresource (Kubernetes before 1.23 with
   * the feature off): 404 the server could not find the requested resource.
   */
  refuse: null | 'forbidden' | 'absent';
  /** Images the node cannot pull: the container waits with ErrImagePull, then ImagePullBackOff, and never runs. */
  unpullableImages: Set<string>;
  /**
   * Keeps new containers waiting (ContainerCreating) until releaseWaiting(): a test can see the waiting state however
   * slowly a loaded machine lets its client poll.
   */
  holdWaiting: boolean;
}

export interface EphemeralRequestRecord {
  method: string;
  namespace: string;
  pod: string;
  contentType: string;
  /** The request body as sent (a patch or a whole pod). */
  body: unknown;
  code: number;
}

interface Watcher {
  namespace: string | null;
  name: string | null;
  response: ServerResponse;
  timer: NodeJS.Timeout | undefined;
}

const ok = (body: unknown): JsonReply => ({ code: 200, body });

function invalid(pod: string, causes: Array<{ field: string; message: string; reason: string }>): JsonReply {
  const text = causes.map((cause) => `${cause.field}: ${cause.message}`).join(', ');
  return {
    code: 422,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Pod "${pod}" is invalid: ${text}`,
      reason: 'Invalid',
      details: { name: pod, kind: 'Pod', causes },
      code: 422,
    },
  };
}

function conflict(pod: string): JsonReply {
  return {
    code: 409,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Operation cannot be fulfilled on pods "${pod}": the object has been modified; please apply your changes to the latest version and try again`,
      reason: 'Conflict',
      details: { name: pod, kind: 'pods' },
      code: 409,
    },
  };
}

function unsupportedMediaType(contentType: string): JsonReply {
  return {
    code: 415,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`,
      reason: 'UnsupportedMediaType',
      details: {},
      code: 415,
    },
  };
}

export interface AttachPlan {
  fixture: FixturePod;
  container: string;
  process: ContainerProcess;
  stdin: boolean;
  tty: boolean;
}

export class DebugContainers {
  readonly controls: DebugControls = { refuse: null, unpullableImages: new Set(), holdWaiting: false };
  private held: Array<() => void> = [];
  readonly requests: EphemeralRequestRecord[] = [];
  readonly attachRequests: AttachRecord[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly processes = new Map<string, ContainerProcess>();
  private readonly targets = new Map<string, Promise<TargetProcess>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly containerDir: string,
  ) {}

  /** The process of a pod's ephemeral container, while the server knows it (tests look at its pid). */
  processOf(namespace: string, pod: string, container: string): ContainerProcess | null {
    return this.processes.get(`${namespace}/${pod}/${container}`) ?? null;
  }

  /** The stand-in main process of a pod's container, once a debug container targeted it. */
  targetOf(namespace: string, pod: string, container: string): Promise<TargetProcess> | null {
    return this.targets.get(`${namespace}/${pod}/${container}`) ?? null;
  }

  // --- the subresource ---

  serveSubresource(request: { method: string; url: URL; user: string; contentType: string; body: string }): JsonReply {
    const match = EPHEMERAL_PATH.exec(request.url.pathname);
    const namespace = decodeURIComponent(match?.[1] ?? '');
    const podName = decodeURIComponent(match?.[2] ?? '');
    let parsed: unknown;
    try {
      parsed = request.body ? JSON.parse(request.body) : null;
    } catch {
      parsed = request.body;
    }
    const reply = this.subresource(request, namespace, podName, parsed);
    this.requests.push({
      method: request.method,
      namespace,
      pod: podName,
      contentType: request.contentType,
      body: parsed,
      code: reply.code,
    });
    return reply;
  }

  private subresource(
    request: { method: string; user: string; contentType: string },
    namespace: string,
    podName: string,
    body: unknown,
  ): JsonReply {
    if (this.controls.refuse === 'absent') return noSuchResource();
    const verb = { GET: 'get', PATCH: 'patch', PUT: 'update' }[request.method];
    if (!verb) {
      return {
        code: 405,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'the server does not allow this method on the requested resource',
          reason: 'MethodNotAllowed',
          details: {},
          code: 405,
        },
      };
    }
    const refusedByRole = this.controls.refuse === 'forbidden' && verb !== 'get';
    if (refusedByRole || !authorize(request.user, verb)) {
      return forbidden(request.user, verb, 'pods/ephemeralcontainers', namespace, podName);
    }
    const fixture = this.findPod(namespace, podName);
    if (!fixture) return notFound('pods', podName);
    const pod = fixture.pod;
    if (verb === 'get') return ok(pod);
    if (typeof body !== 'object' || body === null) return badRequest('the request body is not a JSON object');
    const existing = pod.spec.ephemeralContainers ?? [];
    let wanted: EphemeralContainerSpec[];
    if (verb === 'update') {
      const sent = body as Partial<Pod>;
      if (sent.metadata?.resourceVersion && sent.metadata.resourceVersion !== pod.metadata.resourceVersion) {
        return conflict(podName);
      }
      wanted = sent.spec?.ephemeralContainers ?? [];
    } else {
      const type = request.contentType.split(';')[0]?.trim() ?? '';
      const patched = (body as { spec?: { ephemeralContainers?: EphemeralContainerSpec[] } }).spec?.ephemeralContainers;
      if (type === 'application/strategic-merge-patch+json') {
        // The list merges by name (patchMergeKey); elements not named stay as they are.
        wanted = existing.map((container) => ({ ...container }));
        for (const element of patched ?? []) {
          const index = wanted.findIndex((container) => container.name === element.name);
          if (index >= 0) wanted[index] = { ...wanted[index]!, ...element };
          else wanted.push(element);
        }
      } else if (type === 'application/merge-patch+json') {
        // RFC 7386: a list is replaced whole.
        wanted = patched ?? existing;
      } else {
        return unsupportedMediaType(type);
      }
    }
    const problems = this.validate(pod, existing, wanted);
    if (problems.length > 0) return invalid(podName, problems);
    const added = wanted.filter((container) => !existing.some((old) => old.name === container.name));
    pod.spec.ephemeralContainers = wanted;
    this.changed(fixture);
    for (const container of added) this.startContainer(fixture, container);
    return ok(pod);
  }

  private validate(pod: Pod, existing: EphemeralContainerSpec[], wanted: EphemeralContainerSpec[]) {
    const problems: Array<{ field: string; message: string; reason: string }> = [];
    const regular = pod.spec.containers.map((container) => container.name);
    for (const old of existing) {
      const now = wanted.find((container) => container.name === old.name);
      if (!now) {
        problems.push({
          field: 'spec.ephemeralContainers',
          message: `Forbidden: existing ephemeral containers "${old.name}" may not be removed`,
          reason: 'FieldValueForbidden',
        });
      } else if (JSON.stringify(now) !== JSON.stringify(old)) {
        problems.push({
          field: 'spec.ephemeralContainers',
          message: `Forbidden: existing ephemeral containers "${old.name}" may not be changed`,
          reason: 'FieldValueForbidden',
        });
      }
    }
    const seen = new Set(regular);
    wanted.forEach((container, index) => {
      const at = `spec.ephemeralContainers[${index}]`;
      if (!container.name || !CONTAINER_NAME.test(container.name) || container.name.length > MAX_CONTAINER_NAME) {
        problems.push({
          field: `${at}.name`,
          message: `Invalid value: "${container.name ?? ''}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
          reason: 'FieldValueInvalid',
        });
      } else if (seen.has(container.name)) {
        problems.push({
          field: `${at}.name`,
          message: `Duplicate value: "${container.name}"`,
          reason: 'FieldValueDuplicate',
        });
      }
      seen.add(container.name);
      if (!container.image) {
        problems.push({ field: `${at}.image`, message: 'Required value', reason: 'FieldValueRequired' });
      }
      if (container.targetContainerName && !regular.includes(container.targetContainerName)) {
        problems.push({
          field: `${at}.targetContainerName`,
          message: `Not found: "${container.targetContainerName}"`,
          reason: 'FieldValueNotFound',
        });
      }
    });
    return problems;
  }

  /** The kubelet's part: waiting, then running (a real process) or a pull failure. */
  private startContainer(fixture: FixturePod, spec: EphemeralContainerSpec): void {
    const pod = fixture.pod;
    // A kubelet runs nothing in a pod whose containers have all finished.
    if (pod.status.phase !== 'Running') return;
    const unpullable = this.controls.unpullableImages.has(spec.image);
    const reference = spec.image.includes('/') ? spec.image : `docker.io/library/${spec.image}`;
    const status = (state: ContainerStatus['state']): ContainerStatus => ({
      name: spec.name,
      image: spec.image,
      imageID: '',
      ready: false,
      restartCount: 0,
      state,
    });
    const setStatus = (next: ContainerStatus) => {
      const statuses = (pod.status.ephemeralContainerStatuses ?? []).filter((old) => old.name !== spec.name);
      pod.status.ephemeralContainerStatuses = [...statuses, next];
      this.changed(fixture);
    };
    this.later(() => {
      if (unpullable) {
        setStatus(
          status({
            waiting: {
              reason: 'ErrImagePull',
              message: `failed to pull and unpack image "${reference}:latest": failed to resolve reference "${reference}:latest": ${reference}:latest: not found`,
            },
          }),
        );
        this.later(() =>
          setStatus(
            status({ waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${spec.image}"` } }),
          ),
        );
        return;
      }
      setStatus(status({ waiting: { reason: 'ContainerCreating' } }));
      const start = () => this.later(() => void this.run(fixture, spec, status, setStatus));
      if (this.controls.holdWaiting) this.held.push(start);
      else start();
    });
  }

  private async run(
    fixture: FixturePod,
    spec: EphemeralContainerSpec,
    status: (state: ContainerStatus['state']) => ContainerStatus,
    setStatus: (next: ContainerStatus) => void,
  ): Promise<void> {
    const pod = fixture.pod;
    const namespace = pod.metadata.namespace;
    let target: TargetProcess | null = null;
    if (spec.targetContainerName) {
      const key = `${namespace}/${pod.metadata.name}/${spec.targetContainerName}`;
      let pending = this.targets.get(key);
      if (!pending) {
        pending = startTargetProcess(pod.metadata.name, spec.targetContainerName, this.containerDir);
        this.targets.set(key, pending);
      }
      target = await pending;
    }
    if (this.stopped) return;
    const command = [...(spec.command ?? DEFAULT_IMAGE_COMMAND), ...(spec.args ?? [])];
    const process = new ContainerProcess({ command, hostname: pod.metadata.name, cwd: this.containerDir, target });
    this.processes.set(`${namespace}/${pod.metadata.name}/${spec.name}`, process);
    const startedAt = iso(Date.now());
    const running = status({ running: { startedAt } });
    setStatus({ ...running, imageID: `${spec.image}@sha256:${'0'.repeat(64)}`, started: true });
    void process.exited.then((exitCode) => {
      if (this.stopped) return;
      setStatus(
        status({
          terminated: {
            exitCode,
            reason: exitCode === 0 ? 'Completed' : 'Error',
            startedAt,
            finishedAt: iso(Date.now()),
          },
        }),
      );
    });
  }

  /** Lets the containers held by controls.holdWaiting start, and stops holding new ones. */
  releaseWaiting(): void {
    this.controls.holdWaiting = false;
    for (const start of this.held.splice(0)) start();
  }

  private later(step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) step();
    }, KUBELET_STEP_MS);
    this.timers.add(timer);
  }

  private findPod(namespace: string, name: string): FixturePod | undefined {
    return this.cluster.pods.find(
      (candidate) => candidate.pod.metadata.namespace === namespace && candidate.pod.metadata.name === name,
    );
  }

  /** A new resourceVersion for the pod (and the lists), and a MODIFIED event to every watch that matches it. */
  private changed(fixture: FixturePod): void {
    const version = nextResourceVersion();
    fixture.pod.metadata.resourceVersion = version;
    this.cluster.resourceVersion = version;
    for (const watcher of this.watchers) {
      if (this.matches(watcher, fixture.pod)) this.sendEvent(watcher, 'MODIFIED', fixture.pod);
    }
  }

  // --- watching pods ---

  /** True for a pods list that asks to watch: this class answers it as a stream. */
  isPodWatch(url: URL): boolean {
    const watch = url.searchParams.get('watch');
    return PODS_PATH.test(url.pathname) && watch !== null && watch !== 'false' && watch !== '0';
  }

  /**
   * Streams watch events (one JSON object per line, like kube-apiserver's watch over HTTP/1.1 chunked): ADDED for every
   * matching pod when the client starts from nothing (no resourceVersion, or "0"), MODIFIED for one newer than the
   * version it gives, then every change until timeoutSeconds or the client leaves. Supports the one field selector
   * clients use to follow a pod: metadata.name=NAME.
   */
  serveWatch(url: URL, user: string, response: ServerResponse): JsonReply | null {
    const match = PODS_PATH.exec(url.pathname);
    const namespace = match?.[1] ? decodeURIComponent(match[1]) : null;
    if (!authorize(user, 'watch')) return forbidden(user, 'watch', 'pods', namespace, null);
    const selector = url.searchParams.get('fieldSelector');
    let name: string | null = null;
    if (selector) {
      const field = /^metadata\.name==?([^,]+)$/.exec(selector);
      if (!field) return badRequest(`field selector "${selector}" is not supported by this test server`);
      name = decodeURIComponent(field[1] ?? '');
    }
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    const watcher: Watcher = { namespace, name, response, timer: undefined };
    this.watchers.add(watcher);
    const from = url.searchParams.get('resourceVersion');
    for (const { pod } of this.cluster.pods) {
      if (!this.matches(watcher, pod)) continue;
      if (from === null || from === '' || from === '0') this.sendEvent(watcher, 'ADDED', pod);
      else if (Number(pod.metadata.resourceVersion) > Number(from)) this.sendEvent(watcher, 'MODIFIED', pod);
    }
    const end = () => {
      clearTimeout(watcher.timer);
      if (this.watchers.delete(watcher)) response.end();
    };
    const timeout = Number(url.searchParams.get('timeoutSeconds'));
    if (timeout > 0) watcher.timer = setTimeout(end, timeout * 1000);
    response.on('close', end);
    return null;
  }

  private matches(watcher: Watcher, pod: Pod): boolean {
    return (
      (watcher.namespace === null || watcher.namespace === pod.metadata.namespace) &&
      (watcher.name === null || watcher.name === pod.metadata.name)
    );
  }

  private sendEvent(watcher: Watcher, type: 'ADDED' | 'MODIFIED', pod: Pod): void {
    watcher.response.write(`${JSON.stringify({ type, object: pod })}\n`);
  }

  // --- attach ---

  /** Checks an attach request in the API server's order; returns the error to answer, or what to attach to. */
  prepareAttach(url: URL, user: string): JsonReply | AttachPlan {
    const match = ATTACH_PATH.exec(url.pathname);
    const namespace = decodeURIComponent(match?.[1] ?? '');
    const podName = decodeURIComponent(match?.[2] ?? '');
    if (!authorize(user, 'create')) return forbidden(user, 'create', 'pods/attach', namespace, podName);
    const fixture = this.findPod(namespace, podName);
    if (!fixture) return notFound('pods', podName);
    const params = url.searchParams;
    const stdin = queryBool(params, 'stdin');
    const tty = queryBool(params, 'tty');
    if (!stdin && !queryBool(params, 'stdout') && !queryBool(params, 'stderr')) {
      return badRequest('you must specify at least 1 of stdin, stdout, stderr');
    }
    const pod = fixture.pod;
    const names = [
      ...pod.spec.containers.map((container) => container.name),
      ...(pod.spec.ephemeralContainers ?? []).map((container) => container.name),
    ];
    const requested = params.get('container');
    const container = requested ?? (names.length === 1 ? names[0] : null);
    if (!container) {
      return badRequest(
        `a container name must be specified for pod ${podName}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`,
      );
    }
    if (!names.includes(container)) return badRequest(`container ${container} is not valid for pod ${podName}`);
    const phase = pod.status.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      return badRequest(`cannot attach to a container in a completed pod; current phase is ${phase}`);
    }
    const process = this.processOf(namespace, podName, container);
    // Regular containers have no process in this harness; a real kubelet would attach to their main process.
    if (!process) return badRequest(`container ${container} in pod ${podName} has no process this test server runs`);
    // Approximates the runtime's refusal to attach to an exited container (containerd: "container is in
    // CONTAINER_EXITED state").
    if (!process.running) {
      return {
        code: 500,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `error attaching to container: container ${container} is in CONTAINER_EXITED state`,
          reason: 'InternalError',
          details: { causes: [{ message: `container ${container} is in CONTAINER_EXITED state` }] },
          code: 500,
        },
      };
    }
    return { fixture, container, process, stdin, tty };
  }

  attach(ws: WebSocket, protocol: string, plan: AttachPlan, user: string): void {
    const pod = plan.fixture.pod;
    this.attachRequests.push({
      namespace: pod.metadata.namespace,
      pod: pod.metadata.name,
      container: plan.container,
      protocol,
      user,
      stdin: plan.stdin,
      tty: plan.tty,
      finished: plan.process.attach(ws, { stdin: plan.stdin, tty: plan.tty }),
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const watcher of this.watchers) {
      clearTimeout(watcher.timer);
      watcher.response.end();
    }
    this.watchers.clear();
    // Ending a target's PID namespace ends every process in it, debug shells included; the rest get SIGHUP.
    for (const target of this.targets.values()) (await target).stop();
    for (const process of this.processes.values()) process.stop();
    await Promise.all([...this.processes.values()].map((process) => process.exited));
  }
}
