/**
 * The read-only REST surface: version, legacy discovery (what kubectl walks on a cold cache), and GET/list of pods and
 * namespaces, as plain JSON or as a meta.k8s.io/v1 Table when the client asks for one (kubectl get does).
 */
import { authorize } from './auth';
import type { Cluster, Namespace, Pod } from './fixtures';
import { badRequest, forbidden, methodNotAllowed, noSuchResource, notFound, type JsonReply } from './status';
import { chunkOf, isChunk, type Chunk } from './pagination';
import { AUTHORIZATION_GROUP, AUTHORIZATION_RESOURCES } from './rbac';

/** What GET /version says: a plausible v1.32.0 build, matching the kubectl these machines carry. */
const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:59:15Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const API_RESOURCES = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    {
      name: 'namespaces',
      singularName: 'namespace',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['get', 'list'],
      shortNames: ['ns'],
    },
    {
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get', 'list', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
    },
    { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    {
      name: 'pods/ephemeralcontainers',
      singularName: '',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get', 'patch', 'update'],
    },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
  ],
};

const VERB_BY_METHOD: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export interface RestRequest {
  method: string;
  url: URL;
  accept: string;
  user: string;
  /** host:port the client reached us on, for APIVersions.serverAddressByClientCIDRs. */
  serverAddress: string;
}

const ok = (body: unknown): JsonReply => ({ code: 200, body });

/** Like k8s.io/apimachinery/pkg/util/duration.HumanDuration, coarsely: "42m", "3h", "7d". */
function age(timestamp: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

function partialMetadata(metadata: Pod['metadata'] | Namespace['metadata']) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

function column(name: string, description: string, priority = 0, format = '') {
  return { name, type: name === 'Restarts' ? 'integer' : 'string', format, description, priority };
}

/** The columns and cells kube-apiserver's pod printer (pkg/printers/internalversion) produces. */
export function podTable(pods: Pod[], resourceVersion: string, now: number, more: Chunk<Pod>['metadata'] = {}) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...more },
    columnDefinitions: [
      column('Name', 'Name must be unique within a namespace.', 0, 'name'),
      column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'The number of times the containers in this pod have been restarted.'),
      column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
      column('IP', 'IP address allocated to the pod. Routable at least within the cluster.', 1),
      column('Node', 'NodeName is a request to schedule this pod onto a specific node.', 1),
      column('Nominated Node', 'nominatedNodeName is set when this pod preempts other pods on the node.', 1),
      column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    rows: pods.map((pod) => {
      const statuses = pod.status.containerStatuses;
      const ready = statuses.filter((status) => status.ready).length;
      const restarts = statuses.reduce((sum, status) => sum + status.restartCount, 0);
      const phase = pod.status.phase === 'Succeeded' ? 'Completed' : pod.status.phase;
      return {
        cells: [
          pod.metadata.name,
          `${ready}/${pod.spec.containers.length}`,
          phase,
          restarts,
          age(pod.metadata.creationTimestamp, now),
          pod.status.podIP,
          pod.spec.nodeName,
          '<none>',
          '<none>',
        ],
        object: partialMetadata(pod.metadata),
      };
    }),
  };
}

function namespaceTable(
  namespaces: Namespace[],
  resourceVersion: string,
  now: number,
  more: Chunk<Namespace>['metadata'] = {},
) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...more },
    columnDefinitions: [
      column('Name', 'Name must be unique within a namespace.', 0, 'name'),
      column('Status', 'The status of the namespace'),
      column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
    ],
    rows: namespaces.map((namespace) => ({
      cells: [namespace.metadata.name, namespace.status.phase, age(namespace.metadata.creationTimestamp, now)],
      object: partialMetadata(namespace.metadata),
    })),
  };
}

/** Items in a list carry no kind/apiVersion on the wire; the list does. */
function list<T extends { kind: string; apiVersion: string }>(
  kind: string,
  items: T[],
  resourceVersion: string,
  more: Chunk<T>['metadata'] = {},
) {
  return {
    kind,
    apiVersion: 'v1',
    metadata: { resourceVersion, ...more },
    items: items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
  };
}

export function handleRest(request: RestRequest, cluster: Cluster): JsonReply {
  const { method, url, user } = request;
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const wantsTable = request.accept.includes('as=Table');
  const now = Date.now();
  const selected = selectByLabels(url.searchParams.get('labelSelector'));
  if ('error' in selected) return badRequest(selected.error);
  const pods = cluster.pods.map((fixture) => fixture.pod).filter((pod) => selected.matches(pod.metadata.labels));

  if (method !== 'GET') {
    const verb = VERB_BY_METHOD[method] ?? method.toLowerCase();
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(path);
    if (match && !authorize(user, verb)) {
      return forbidden(
        user,
        verb,
        'pods',
        decodeURIComponent(match[1] ?? ''),
        match[2] ? decodeURIComponent(match[2]) : null,
      );
    }
    return methodNotAllowed();
  }
  // Pod watches are served by watch.ts before this; a watch on anything else would be a silent plain list here.
  if (
    url.searchParams.get('watch') &&
    url.searchParams.get('watch') !== 'false' &&
    url.searchParams.get('watch') !== '0'
  ) {
    return badRequest('watch is not supported by this test server');
  }

  if (path === '/version') return ok(VERSION_INFO);
  if (path === '/api') {
    return ok({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: request.serverAddress }],
    });
  }
  if (path === '/apis') return ok({ kind: 'APIGroupList', apiVersion: 'v1', groups: [AUTHORIZATION_GROUP] });
  if (path === '/apis/authorization.k8s.io/v1') return ok(AUTHORIZATION_RESOURCES);
  if (path === '/api/v1') return ok(API_RESOURCES);

  if (path === '/api/v1/pods') return podList(pods, cluster, url, wantsTable, now);
  if (path === '/api/v1/namespaces') {
    const chunk = chunkOf(cluster.namespaces, cluster.resourceVersion, url.searchParams);
    if (!isChunk(chunk)) return chunk;
    return ok(
      wantsTable
        ? namespaceTable(chunk.items, chunk.resourceVersion, now, chunk.metadata)
        : list('NamespaceList', chunk.items, chunk.resourceVersion, chunk.metadata),
    );
  }

  const segments = path.split('/').slice(1).map(decodeURIComponent);
  // ['api', 'v1', 'namespaces', ns, ...rest]
  if (segments[0] !== 'api' || segments[1] !== 'v1' || segments[2] !== 'namespaces' || !segments[3]) {
    return noSuchResource();
  }
  const namespaceName = segments[3];
  const rest = segments.slice(4);
  if (rest.length === 0) {
    const namespace = cluster.namespaces.find((candidate) => candidate.metadata.name === namespaceName);
    if (!namespace) return notFound('namespaces', namespaceName);
    return ok(wantsTable ? namespaceTable([namespace], cluster.resourceVersion, now) : namespace);
  }
  if (rest[0] !== 'pods' || rest.length > 2) return noSuchResource();
  const inNamespace = pods.filter((pod) => pod.metadata.namespace === namespaceName);
  if (rest.length === 1) {
    // Like kube-apiserver: listing in a namespace that does not exist is an empty list, not an error.
    return podList(inNamespace, cluster, url, wantsTable, now);
  }
  const podName = rest[1] ?? '';
  const pod = inNamespace.find((candidate) => candidate.metadata.name === podName);
  if (!pod) return notFound('pods', podName);
  return ok(wantsTable ? podTable([pod], cluster.resourceVersion, now) : pod);
}

/** A pod list, whole or the chunk `limit`/`continue` ask for. */
function podList(pods: Pod[], cluster: Cluster, url: URL, wantsTable: boolean, now: number): JsonReply {
  const chunk = chunkOf(pods, cluster.resourceVersion, url.searchParams);
  if (!isChunk(chunk)) return chunk;
  return ok(
    wantsTable
      ? podTable(chunk.items, chunk.resourceVersion, now, chunk.metadata)
      : list('PodList', chunk.items, chunk.resourceVersion, chunk.metadata),
  );
}

/**
 * `?labelSelector=` as kube-apiserver reads its equality-based form (k8s.io/apimachinery/pkg/labels): comma-separated
 * `k=v`, `k==v`, `k!=v`, `k`, `!k`. Written independently of Podterm's own parser so the server stays a judge of it.
 * Set-based terms answer 400 here (the real server supports them; nothing in Podterm sends them).
 */
export function selectByLabels(
  selector: string | null,
): { matches: (labels: Record<string, string>) => boolean } | { error: string } {
  if (selector === null || selector.trim() === '') return { matches: () => true };
  const tests: Array<(labels: Record<string, string>) => boolean> = [];
  for (const raw of selector.split(',')) {
    const term = raw.trim();
    const equality = /^([A-Za-z0-9./_-]+)\s*(==|!=|=)\s*([A-Za-z0-9._-]*)$/.exec(term);
    if (equality) {
      const [, key = '', op, value = ''] = equality;
      tests.push(op === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value);
      continue;
    }
    const existence = /^(!?)([A-Za-z0-9./_-]+)$/.exec(term);
    if (existence) {
      const [, not, key = ''] = existence;
      tests.push(not ? (labels) => !(key in labels) : (labels) => key in labels);
      continue;
    }
    return { error: `unable to parse requirement: found '${term}', expected: key=value, key!=value, key or !key` };
  }
  return { matches: (labels) => tests.every((test) => test(labels)) };
}
