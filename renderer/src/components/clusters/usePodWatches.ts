/**
 * The namespaces the cluster browser follows live: one `clusters.watchPods` per expanded namespace, its pushed
 * updates (list chunks, then the watch's changes, and how it is followed) applied to the pods the tree shows, and an
 * unwatch when the namespace collapses, its context collapses or the browser goes away.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ClusterContextView, ClusterPodsUpdate, ClusterPodView } from '../../../../common/clusters';
import { CLUSTER_PODS_EVENT } from '../../../../common/contract';
import { messageOf } from '../../../../common/errors';
import type { RendererClient } from '../../client';
import type { FollowInfo, Loadable } from './clusterTree';

interface Followed {
  key: string;
  watchId: number | null;
  cancelled: boolean;
  /** What the tree shows: name → pod. */
  shown: Map<string, ClusterPodView>;
  /** A list after the first (a re-list after 410): collected here, then it replaces `shown` whole. */
  relisting: Map<string, ClusterPodView> | null;
  listedOnce: boolean;
}

export function usePodWatches(
  client: RendererClient,
  setPods: (
    update: (
      current: ReadonlyMap<string, Loadable<ClusterPodView[]>>,
    ) => ReadonlyMap<string, Loadable<ClusterPodView[]>>,
  ) => void,
) {
  const [follow, setFollow] = useState<ReadonlyMap<string, FollowInfo>>(new Map());
  const byKey = useRef(new Map<string, Followed>());
  const byId = useRef(new Map<number, Followed>());
  /** Namespaces whose pods were shown before: following one again (the browser shown again) replaces them whole. */
  const shownBefore = useRef(new Set<string>());
  /** Updates that arrived before watchPods answered with their id (main starts listing at once). */
  const early = useRef(new Map<number, ClusterPodsUpdate[]>());

  const publish = useCallback(
    (entry: Followed) => {
      shownBefore.current.add(entry.key);
      const value = [...entry.shown.values()].sort((a, b) => a.name.localeCompare(b.name));
      setPods((current) => new Map(current).set(entry.key, { state: 'ready', value }));
    },
    [setPods],
  );
  const setInfo = useCallback((key: string, info: FollowInfo | null) => {
    setFollow((current) => {
      const next = new Map(current);
      if (info) next.set(key, info);
      else next.delete(key);
      return next;
    });
  }, []);

  const apply = useCallback(
    (entry: Followed, updates: readonly ClusterPodsUpdate[]) => {
      if (entry.cancelled) return;
      let changed = false;
      for (const update of updates) {
        switch (update.kind) {
          case 'listStarted':
            if (entry.listedOnce) entry.relisting = new Map();
            break;
          case 'chunk':
            for (const pod of update.pods) (entry.relisting ?? entry.shown).set(pod.name, pod);
            changed ||= entry.relisting === null;
            break;
          case 'listEnded':
            if (entry.relisting) entry.shown = entry.relisting;
            entry.relisting = null;
            if (!entry.listedOnce) setInfo(entry.key, { mode: 'listed', message: null });
            entry.listedOnce = true;
            changed = true;
            break;
          case 'changes':
            for (const change of update.changes) {
              if (change.type === 'DELETED') entry.shown.delete(change.pod.name);
              else entry.shown.set(change.pod.name, change.pod);
            }
            changed = true;
            break;
          case 'state':
            if (update.mode === 'failed' && !entry.listedOnce) {
              setPods((current) =>
                new Map(current).set(entry.key, { state: 'error', message: update.message ?? 'failed' }),
              );
            }
            setInfo(entry.key, { mode: update.mode, message: update.message });
            break;
        }
      }
      if (changed) publish(entry);
      if (!entry.listedOnce) setInfo(entry.key, { mode: 'listing', message: null });
    },
    [publish, setInfo, setPods],
  );

  useEffect(
    () =>
      client.onAppEvent((event) => {
        if (event.type !== CLUSTER_PODS_EVENT) return;
        const entry = byId.current.get(event.watchId);
        if (entry) apply(entry, event.updates);
        else early.current.set(event.watchId, [...(early.current.get(event.watchId) ?? []), ...event.updates]);
      }),
    [client, apply],
  );

  const unfollow = useCallback(
    (key: string) => {
      const entry = byKey.current.get(key);
      if (!entry) return;
      entry.cancelled = true;
      byKey.current.delete(key);
      if (entry.watchId !== null) {
        byId.current.delete(entry.watchId);
        void client.api.clusters.unwatchPods({ watchId: entry.watchId }).catch(() => undefined);
      }
      setInfo(key, null);
    },
    [client, setInfo],
  );

  const followNamespace = useCallback(
    (key: string, context: ClusterContextView, namespace: string) => {
      if (byKey.current.has(key)) return;
      // Pods shown before stay until the new list is whole (then it replaces them), instead of blinking to empty.
      const again = shownBefore.current.has(key);
      const entry: Followed = {
        key,
        watchId: null,
        cancelled: false,
        shown: new Map(),
        relisting: null,
        listedOnce: again,
      };
      byKey.current.set(key, entry);
      if (!again) {
        setPods((current) => new Map(current).set(key, { state: 'loading' }));
        setInfo(key, { mode: 'listing', message: null });
      }
      client.api.clusters.watchPods({ context: context.ref, namespace }).then(
        ({ watchId }) => {
          if (entry.cancelled) {
            void client.api.clusters.unwatchPods({ watchId }).catch(() => undefined);
            return;
          }
          entry.watchId = watchId;
          byId.current.set(watchId, entry);
          const waiting = early.current.get(watchId);
          early.current.delete(watchId);
          if (waiting) apply(entry, waiting);
        },
        (error: unknown) => {
          byKey.current.delete(key);
          setInfo(key, null);
          setPods((current) => new Map(current).set(key, { state: 'error', message: messageOf(error) }));
        },
      );
    },
    [client, apply, setInfo, setPods],
  );

  // Gone with the browser: every watch stops (the main side also stops them when the window goes).
  useEffect(
    () => () => {
      for (const key of [...byKey.current.keys()]) unfollow(key);
    },
    [unfollow],
  );

  /** Follows exactly these namespaces (key → context and namespace): new ones start, others stop. */
  const followOnly = useCallback(
    (wanted: ReadonlyMap<string, { context: ClusterContextView; namespace: string }>) => {
      for (const key of [...byKey.current.keys()]) if (!wanted.has(key)) unfollow(key);
      for (const [key, { context, namespace }] of wanted) followNamespace(key, context, namespace);
    },
    [followNamespace, unfollow],
  );

  return { follow, followOnly };
}
