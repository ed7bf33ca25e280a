/**
 * The cluster browser's model as plain functions: what is loaded per context and namespace, and the flat list of rows
 * the tree shows for the current expansion and filter (one list, so keyboard navigation is an index).
 */
import type {
  ClusterContextRef,
  ClusterContextView,
  ClusterExecAccess,
  ClusterNamespaceList,
  ClusterPodView,
} from '../../../../common/clusters';

/**
 * How a followed namespace is kept up to date (usePodWatches.ts), for the line under it: listing (its first list is
 * arriving), listed (its watch is being opened), watching (live), retrying, polling (a list every few seconds), failed.
 */
export interface FollowInfo {
  mode: 'listing' | 'listed' | 'watching' | 'retrying' | 'polling' | 'failed';
  message: string | null;
}

/** A request's state: not asked yet, in flight, answered, or failed with the main side's message. */
export type Loadable<T> =
  { state: 'idle' } | { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; message: string };

export const refKey = (ref: ClusterContextRef): string =>
  ref.source === 'default' ? `default:${ref.name}` : `imported:${ref.id}`;
export const namespaceKey = (ref: ClusterContextRef, namespace: string): string => `${refKey(ref)}/${namespace}`;

export type TreeRow =
  | { kind: 'context'; key: string; context: ClusterContextView; expanded: boolean; loading: boolean }
  | {
      kind: 'namespace';
      key: string;
      context: ClusterContextView;
      namespace: string;
      expanded: boolean;
      loading: boolean;
      count: number | null;
      /** How its pods are followed (usePodWatches.ts); null when not followed. */
      following: FollowInfo['mode'] | null;
    }
  | { kind: 'pod'; key: string; context: ClusterContextView; pod: ClusterPodView }
  | {
      kind: 'message';
      key: string;
      tone: 'error' | 'muted';
      text: string;
      depth: 1 | 2;
      partialOf?: ClusterContextView;
    };

export interface TreeState {
  contexts: ClusterContextView[];
  expanded: ReadonlySet<string>;
  namespaces: ReadonlyMap<string, Loadable<ClusterNamespaceList>>;
  pods: ReadonlyMap<string, Loadable<ClusterPodView[]>>;
  filter: string;
  /** How each followed namespace is kept up to date; absent: not followed. */
  follow?: ReadonlyMap<string, FollowInfo>;
  /** Whether the user may exec in a namespace, once asked. */
  execAccess?: ReadonlyMap<string, ClusterExecAccess>;
}

/**
 * The visible rows. With a filter, a namespace shows when its name matches or when any of its loaded pods does, and
 * its pods are narrowed to the matching ones (a namespace whose name matches shows all of its pods); contexts always
 * show, so their errors stay in sight.
 */
export function visibleRows(state: TreeState): TreeRow[] {
  const needle = state.filter.trim().toLowerCase();
  const rows: TreeRow[] = [];
  for (const context of state.contexts) {
    const key = refKey(context.ref);
    const namespaces = state.namespaces.get(key) ?? { state: 'idle' };
    const expanded = state.expanded.has(key);
    rows.push({ kind: 'context', key, context, expanded, loading: namespaces.state === 'loading' });
    if (!expanded) continue;
    if (namespaces.state === 'error') {
      rows.push({ kind: 'message', key: `${key}#error`, tone: 'error', text: namespaces.message, depth: 1 });
      continue;
    }
    if (namespaces.state !== 'ready') continue;
    if (namespaces.value.partial) {
      // Said once, quietly, under the context: the user may not list namespaces, so these are the known ones.
      rows.push({
        kind: 'message',
        key: `${key}#partial`,
        tone: 'muted',
        text: namespaces.value.partial,
        depth: 1,
        partialOf: context,
      });
    }
    let shown = 0;
    for (const namespace of namespaces.value.namespaces) {
      const nsKey = namespaceKey(context.ref, namespace);
      const pods = state.pods.get(nsKey) ?? { state: 'idle' };
      const nameMatches = needle === '' || namespace.toLowerCase().includes(needle);
      const podList = pods.state === 'ready' ? pods.value : [];
      const matchingPods = nameMatches ? podList : podList.filter((pod) => pod.name.toLowerCase().includes(needle));
      if (!nameMatches && matchingPods.length === 0) continue;
      shown += 1;
      // A filter that matches pods inside opens their namespace, so typing "api" shows the api pods at once.
      const open = state.expanded.has(nsKey) || (!nameMatches && matchingPods.length > 0);
      rows.push({
        kind: 'namespace',
        key: nsKey,
        context,
        namespace,
        expanded: open,
        loading: pods.state === 'loading' || state.follow?.get(nsKey)?.mode === 'listing',
        count: pods.state === 'ready' ? pods.value.length : null,
        following: state.follow?.get(nsKey)?.mode ?? null,
      });
      if (!open) continue;
      const follow = state.follow?.get(nsKey);
      if (follow?.message && follow.mode !== 'watching' && pods.state !== 'error') {
        rows.push({
          kind: 'message',
          key: `${nsKey}#follow`,
          tone: follow.mode === 'failed' ? 'error' : 'muted',
          text: follow.message,
          depth: 2,
        });
      }
      const exec = state.execAccess?.get(nsKey);
      if (exec && !exec.allowed && exec.reason) {
        rows.push({ kind: 'message', key: `${nsKey}#exec`, tone: 'muted', text: exec.reason, depth: 2 });
      }
      if (pods.state === 'error') {
        rows.push({ kind: 'message', key: `${nsKey}#error`, tone: 'error', text: pods.message, depth: 2 });
      } else if (pods.state === 'ready' && pods.value.length === 0) {
        rows.push({
          kind: 'message',
          key: `${nsKey}#empty`,
          tone: 'muted',
          text: 'No pods in this namespace.',
          depth: 2,
        });
      }
      for (const pod of matchingPods) rows.push({ kind: 'pod', key: `${nsKey}/${pod.name}`, context, pod });
    }
    if (shown === 0) {
      const text = needle ? `No namespace or loaded pod matches “${state.filter.trim()}”.` : 'No namespaces.';
      rows.push({ kind: 'message', key: `${key}#none`, tone: 'muted', text, depth: 1 });
    }
  }
  return rows;
}

/** Like kubectl's AGE column: "45s", "42m", "5h", "7d", "2y". */
export function podAge(createdAt: number, now: number): string {
  if (!createdAt) return '';
  const seconds = Math.max(0, Math.floor((now - createdAt) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  return days < 730 ? `${days}d` : `${Math.floor(days / 365)}y`;
}

/** The status dot's tone: ok for Running and Ready, warn for starting or not ready, muted for finished, bad for failing. */
export function podTone(pod: ClusterPodView): 'ok' | 'warn' | 'muted' | 'bad' {
  if (pod.allReady) return 'ok';
  if (pod.phase === 'Succeeded') return 'muted';
  if (pod.phase === 'Failed' || /BackOff|Err|Error|OOMKilled/.test(pod.status)) return 'bad';
  return 'warn';
}

/**
 * Succeeded or Failed: every container has exited, so no shell can ever open in the pod (kubectl exec refuses it too).
 * The browser offers its workload's running pods instead.
 */
export function isFinished(pod: Pick<ClusterPodView, 'phase'>): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}

/**
 * The workload to open instead of a finished pod: its own, when another pod of it in the same namespace is Running and
 * ready now (what a record following it would connect to); null when there is none, so nothing is offered that fails.
 */
export function runningWorkloadOf(pod: ClusterPodView, namespacePods: readonly ClusterPodView[]): Workload | null {
  const workload = workloadOf(pod);
  if (!workload) return null;
  const running = namespacePods.some(
    (peer) => peer.name !== pod.name && peer.allReady && workloadOf(peer)?.selector === workload.selector,
  );
  return running ? workload : null;
}

/** A workload a pod belongs to, as a selector record would follow it. */
export interface Workload {
  selector: string;
  /** The record's name: "api workload". */
  name: string;
}

/** The labels that name a workload, most specific first (the Kubernetes recommended label, then the usual ones). */
const WORKLOAD_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name'];

/** The pod's workload by its first naming label, or null when it has none. */
export function workloadOf(pod: ClusterPodView): Workload | null {
  for (const key of WORKLOAD_LABELS) {
    const value = pod.labels[key];
    if (value) return { selector: `${key}=${value}`, name: `${value} workload` };
  }
  return null;
}
