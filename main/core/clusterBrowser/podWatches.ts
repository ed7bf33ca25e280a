/**
 * The namespaces each window follows live (clusters.watchPods): one kube/api follower each, its chunks and changes
 * pushed to that window alone as `clusterPods` app events, stopped when the window unwatches (the namespace collapsed
 * or scrolled out of the tree) or goes away.
 */
import type { ClusterPodChange, ClusterPodsUpdate } from '../../../common/clusters';
import { CLUSTER_PODS_EVENT, ContractError, type AppEvent } from '../../../common/contract';
import { MAX_POD_WATCHES_PER_WINDOW } from '../../../common/limits';
import type { FollowState, ListedPod, PodFollower, PodFollowListener, WatchChange } from '../kube/api';

/**
 * Changes are gathered this long before one push: a rollout replacing 50 pods is one repaint, not 150, and a single
 * change still shows well within a second.
 */
const CHANGE_BATCH_MS = 100;

/** The window a watch belongs to: what sessions/ClientConnection offers (structurally, so no room import is needed). */
export interface WatchingWindow {
  onClosed(listener: () => void): void;
  postAppEvent(event: AppEvent): void;
}

/** Starts following one namespace, telling the listener; kube/api's followPods with the context's access. */
export type StartFollowing = (listener: PodFollowListener) => Promise<PodFollower>;

export class PodWatches {
  private nextId = 1;
  private readonly byWindow = new Map<WatchingWindow, Map<number, PodFollower>>();

  constructor(private readonly toView: (pod: ListedPod) => ClusterPodChange['pod']) {}

  /** Starts a watch for the window and returns its id; the first updates follow as app events. */
  async watch(window: WatchingWindow, start: StartFollowing): Promise<number> {
    let watches = this.byWindow.get(window);
    if (!watches) {
      const created = new Map<number, PodFollower>();
      watches = created;
      this.byWindow.set(window, created);
      window.onClosed(() => {
        for (const follower of created.values()) follower.stop();
        this.byWindow.delete(window);
      });
    }
    if (watches.size >= MAX_POD_WATCHES_PER_WINDOW) {
      throw new ContractError(
        'invalidPayload',
        `A window follows at most ${MAX_POD_WATCHES_PER_WINDOW} namespaces at once; collapse some first.`,
      );
    }
    const watchId = this.nextId++;
    const pusher = new UpdatePusher((updates) => window.postAppEvent({ type: CLUSTER_PODS_EVENT, watchId, updates }));
    const follower = await start(pusher.listener(this.toView));
    watches.set(watchId, {
      stop: () => {
        follower.stop();
        pusher.dispose();
      },
      done: follower.done,
    });
    return watchId;
  }

  /** Stops a watch of this window; false when it has none of that id (already stopped). */
  unwatch(window: WatchingWindow, watchId: number): boolean {
    const follower = this.byWindow.get(window)?.get(watchId);
    if (!follower) return false;
    follower.stop();
    this.byWindow.get(window)?.delete(watchId);
    return true;
  }

  /** How many watches are running, for tests. */
  get count(): number {
    let total = 0;
    for (const watches of this.byWindow.values()) total += watches.size;
    return total;
  }
}

/** Queues a follower's updates and pushes them: list chunks at once (first rows first), changes batched. */
class UpdatePusher {
  private queue: ClusterPodsUpdate[] = [];
  private changes: ClusterPodChange[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(private readonly push: (updates: ClusterPodsUpdate[]) => void) {}

  listener(toView: (pod: ListedPod) => ClusterPodChange['pod']): PodFollowListener {
    return {
      listStarted: () => this.now({ kind: 'listStarted' }),
      chunk: (pods) => this.now({ kind: 'chunk', pods: pods.map(toView) }),
      listEnded: () => this.now({ kind: 'listEnded' }),
      changed: (type: WatchChange, pod) => this.later({ type, pod: toView(pod) }),
      state: (state: FollowState) =>
        this.now({ kind: 'state', mode: state.mode, message: 'message' in state ? state.message : null }),
    };
  }

  private now(update: ClusterPodsUpdate): void {
    if (this.disposed) return;
    this.takeChanges();
    this.queue.push(update);
    this.flush();
  }

  private later(change: ClusterPodChange): void {
    if (this.disposed) return;
    this.changes.push(change);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.takeChanges();
      this.flush();
    }, CHANGE_BATCH_MS);
  }

  private takeChanges(): void {
    if (this.changes.length === 0) return;
    this.queue.push({ kind: 'changes', changes: this.changes });
    this.changes = [];
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    const updates = this.queue;
    this.queue = [];
    this.push(updates);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
