/**
 * Changes to the cluster's pods and the watches that follow them, as kube-apiserver serves `?watch=true`: one HTTP
 * answer kept open, sent with chunked transfer encoding, one JSON event per line (ADDED, MODIFIED, DELETED; BOOKMARK
 * when the client allowed bookmarks; ERROR with a 410 Expired Status when the resourceVersion asked for is older than
 * the history kept, "too old resource version", after which the client must list again).
 */
import type { ServerResponse } from 'node:http';
import { makeNamespace, makePod, nextResourceVersion, type Cluster, type Pod, type PodSpecInput } from './fixtures';

/** Changes remembered for watches that resume from a resourceVersion; the real watch cache keeps a bounded window too. */
const HISTORY_LIMIT = 100_000;
/**
 * How often an idle watch that allowed bookmarks gets one. kube-apiserver sends them about once a minute; the test
 * server sends them sooner so a test sees one without waiting that long.
 */
export const DEFAULT_BOOKMARK_INTERVAL_MS = 2_000;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Change {
  type: WatchEventType;
  pod: Pod;
  resourceVersion: number;
}

/** What a watch sends for a pod: the pod itself, or (for kubectl get -w) a one-row Table. */
export type WatchObjectRenderer = (pod: Pod) => unknown;

export class PodChanges {
  private history: Change[] = [];
  /** Changes at or below this resourceVersion are forgotten: a watch from before it gets 410. */
  private forgottenUpTo = 0;
  private readonly listeners = new Set<(change: Change) => void>();
  /** Ends each open watch, as the server does when a watch's timeoutSeconds pass. */
  readonly openWatches = new Set<() => void>();

  constructor(private readonly cluster: Cluster) {}

  private record(type: WatchEventType, pod: Pod): void {
    const resourceVersion = Number(nextResourceVersion());
    pod.metadata.resourceVersion = String(resourceVersion);
    this.cluster.resourceVersion = String(resourceVersion);
    const change = { type, pod, resourceVersion };
    this.history.push(change);
    if (this.history.length > HISTORY_LIMIT) {
      const dropped = this.history.splice(0, this.history.length - HISTORY_LIMIT);
      this.forgottenUpTo = dropped.at(-1)?.resourceVersion ?? this.forgottenUpTo;
    }
    for (const listener of [...this.listeners]) listener(change);
  }

  addNamespace(name: string): void {
    if (this.cluster.namespaces.some((namespace) => namespace.metadata.name === name)) return;
    this.cluster.namespaces.push(makeNamespace(name, Date.now()));
  }

  /** Adds a pod (Running, one busybox container, unless said otherwise) and tells the watches. */
  addPod(input: Partial<PodSpecInput> & { namespace: string; name: string }): Pod {
    const fixture = makePod(
      {
        containers: [{ name: 'main', image: 'busybox:1.36' }],
        phase: 'Running',
        ageMinutes: 0,
        podIP: `10.245.${(this.cluster.pods.length >> 8) & 255}.${this.cluster.pods.length & 255}`,
        ...input,
      },
      Date.now(),
    );
    this.addNamespace(input.namespace);
    this.cluster.pods.push(fixture);
    this.record('ADDED', fixture.pod);
    return fixture.pod;
  }

  /** Adds `count` pods named `${prefix}-00001`… at once (a namespace of thousands); watches are told of each. */
  addPods(namespace: string, count: number, prefix: string): void {
    const width = String(count).length;
    for (let index = 1; index <= count; index++) {
      this.addPod({ namespace, name: `${prefix}-${String(index).padStart(width, '0')}` });
    }
  }

  /** Deletes a pod; returns whether it existed. */
  deletePod(namespace: string, name: string): boolean {
    const index = this.cluster.pods.findIndex(
      (fixture) => fixture.pod.metadata.namespace === namespace && fixture.pod.metadata.name === name,
    );
    const [removed] = index >= 0 ? this.cluster.pods.splice(index, 1) : [];
    if (!removed) return false;
    this.record('DELETED', removed.pod);
    return true;
  }

  /** A container of the pod restarts (its count goes up), as the kubelet reports it. */
  restartPod(namespace: string, name: string): void {
    const fixture = this.cluster.pods.find(
      (candidate) => candidate.pod.metadata.namespace === namespace && candidate.pod.metadata.name === name,
    );
    if (!fixture) throw new Error(`no pod ${namespace}/${name}`);
    for (const status of fixture.pod.status.containerStatuses) status.restartCount += 1;
    this.record('MODIFIED', fixture.pod);
  }

  /** Forgets every change so far (a compaction): a watch resuming from an older resourceVersion gets 410. */
  forgetHistory(): void {
    // The cluster moves on past the compaction (as etcd's revision always does), so a list made now gets a version a
    // watch can start from, while every version a client held before is too old.
    this.cluster.resourceVersion = nextResourceVersion();
    this.forgottenUpTo = Number(this.cluster.resourceVersion);
    this.history = [];
  }

  /** Ends every open watch normally (the server's timeout): clients resume from the last version they saw. */
  endWatches(): void {
    for (const end of [...this.openWatches]) end();
  }

  /** The changes after a resourceVersion, or null when some of them are forgotten (→ 410 Expired). */
  since(resourceVersion: number): Change[] | null {
    if (resourceVersion < this.forgottenUpTo) return null;
    return this.history.filter((change) => change.resourceVersion > resourceVersion);
  }

  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface WatchRequest {
  /** null: every namespace. */
  namespace: string | null;
  params: URLSearchParams;
  /** Which pods the watch's label selector keeps (rest.ts's parser). */
  matches: (pod: Pod) => boolean;
  render: WatchObjectRenderer;
  bookmarkIntervalMs: number;
}

/** The 410 a watch from a forgotten resourceVersion ends with, worded as the watch cache words it. */
function expired(asked: number, current: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `too old resource version: ${asked} (${current})`,
    reason: 'Expired',
    code: 410,
  };
}

/** Serves one watch until the client leaves, its timeoutSeconds pass or the server stops. */
export function serveWatch(
  response: ServerResponse,
  request: WatchRequest,
  changes: PodChanges,
  cluster: Cluster,
): void {
  const { params } = request;
  const fieldName = /^metadata\.name=(.+)$/.exec(params.get('fieldSelector') ?? '')?.[1] ?? null;
  const wanted = (pod: Pod) =>
    (request.namespace === null || pod.metadata.namespace === request.namespace) &&
    (fieldName === null || pod.metadata.name === fieldName) &&
    request.matches(pod);
  response.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // kube-apiserver flushes the headers at once, so a client knows its watch is open before the first event.
  response.flushHeaders();
  const send = (type: string, object: unknown) => {
    if (!response.writableEnded) response.write(`${JSON.stringify({ type, object })}\n`);
  };
  const rawVersion = params.get('resourceVersion') ?? '';
  const fromVersion = rawVersion === '' || rawVersion === '0' ? null : Number(rawVersion);
  if (fromVersion !== null && !Number.isFinite(fromVersion)) {
    send('ERROR', {
      ...expired(0, cluster.resourceVersion),
      message: `invalid resource version: ${rawVersion}`,
      reason: 'BadRequest',
      code: 400,
    });
    response.end();
    return;
  }
  let backlog: Change[];
  if (fromVersion === null) {
    // No version: the current state as ADDED events, then what changes.
    backlog = cluster.pods
      .map((fixture) => fixture.pod)
      .filter(wanted)
      .map((pod) => ({ type: 'ADDED' as const, pod, resourceVersion: Number(pod.metadata.resourceVersion) }));
  } else {
    const since = changes.since(fromVersion);
    if (since === null) {
      send('ERROR', expired(fromVersion, cluster.resourceVersion));
      response.end();
      return;
    }
    backlog = since.filter((change) => wanted(change.pod));
  }
  for (const change of backlog) send(change.type, request.render(change.pod));
  const unsubscribe = changes.subscribe((change) => {
    if (wanted(change.pod)) send(change.type, request.render(change.pod));
  });
  const bookmarks = ['true', '1'].includes(params.get('allowWatchBookmarks') ?? '')
    ? setInterval(
        () =>
          send('BOOKMARK', { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: cluster.resourceVersion } }),
        request.bookmarkIntervalMs,
      )
    : null;
  const timeoutSeconds = Number(params.get('timeoutSeconds') ?? '');
  const timeout =
    Number.isFinite(timeoutSeconds) && timeoutSeconds > 0
      ? setTimeout(() => response.end(), timeoutSeconds * 1000)
      : null;
  const end = () => response.end();
  changes.openWatches.add(end);
  response.on('close', () => {
    changes.openWatches.delete(end);
    unsubscribe();
    if (bookmarks) clearInterval(bookmarks);
    if (timeout) clearTimeout(timeout);
  });
}

/** Whether a request is a watch (kube-apiserver's `watch=true` or `watch=1`). */
export function isWatch(params: URLSearchParams): boolean {
  return ['true', '1'].includes(params.get('watch') ?? '');
}
