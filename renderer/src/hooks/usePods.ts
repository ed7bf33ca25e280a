import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { MAX_PODS_LIST_IDS } from '../../../common/limits';
import { podSearchKey, searchNeedle, type PodSummary } from '../../../common/pods';
import type { RendererClient } from '../client';
import { useAppEvent } from './useAppEvent';
import { messageOf } from '../../../common/errors';

/** Search keys by summary object: a record re-read after a status change gets a new key, the others keep theirs. */
const searchKeys = new WeakMap<PodSummary, string>();
function searchKeyOf(summary: PodSummary): string {
  let key = searchKeys.get(summary);
  if (key === undefined) searchKeys.set(summary, (key = podSearchKey(summary)));
  return key;
}

/**
 * The sidebar's records: every summary, loaded once and again whenever main says they changed, filtered here as the
 * search changes. Filtering in the page needs no round trip and no debounce: a keystroke over 10,000 records is one
 * substring test per record against keys computed once per record (common/pods.ts podSearchKey, the store's own rule).
 * A connection's outcome re-reads only the records it names, not the whole list (which is megabytes at 10,000).
 */
export function usePods(client: RendererClient, onError: (message: string) => void) {
  const [query, setQuery] = useState('');
  const [all, setAll] = useState<PodSummary[] | null>(null);
  /** Bumped by every whole-list load asked for: a partial answer lands only if none was asked for since. */
  const latestFullLoad = useRef(0);
  /**
   * The whole-list load in flight, if any, and whether more changes came meanwhile. Loads never overlap: changes that
   * arrive during one (a script saving records one by one) make one more load after it, not one load each.
   */
  const fullLoad = useRef<{ again: boolean } | null>(null);
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  });

  const reload = useCallback(async () => {
    latestFullLoad.current++;
    if (fullLoad.current) {
      fullLoad.current.again = true;
      return;
    }
    const state = { again: false };
    fullLoad.current = state;
    try {
      do {
        state.again = false;
        try {
          setAll(await client.api.pods.list({}));
        } catch (error) {
          setAll((current) => current ?? []);
          onErrorRef.current(messageOf(error));
        }
      } while (state.again);
    } finally {
      fullLoad.current = null;
    }
  }, [client]);

  /** Re-reads the named records and puts them in their places (their names, hence places, did not change). */
  const reloadSome = useCallback(
    async (ids: readonly string[]) => {
      const ticket = latestFullLoad.current;
      try {
        const fresh = new Map((await client.api.pods.list({ ids: [...ids] })).map((pod) => [pod.id, pod]));
        // A whole-list load asked for meanwhile answers later and includes these changes.
        if (ticket !== latestFullLoad.current) return;
        setAll((current) => {
          if (current === null) return current;
          const gone = new Set(ids.filter((id) => !fresh.has(id)));
          return current.filter((pod) => !gone.has(pod.id)).map((pod) => fresh.get(pod.id) ?? pod);
        });
      } catch {
        void reload();
      }
    },
    [client, reload],
  );

  useEffect(() => {
    // A task, not this effect's own turn: the load's answer sets state, which an effect body must not do directly.
    const timer = setTimeout(() => void reload(), 0);
    return () => clearTimeout(timer);
  }, [reload]);
  // Saved, deleted or re-statused anywhere (another tab, a connection's outcome): the list and its dots follow at once.
  useAppEvent(client, 'podsChanged', (event) => {
    const podIds = 'podIds' in event ? event.podIds : undefined;
    if (podIds && podIds.length <= MAX_PODS_LIST_IDS) void reloadSome(podIds);
    else void reload();
  });

  // The search box shows each keystroke at once; the list follows as soon as React has time (it may skip a stale one).
  const searched = useDeferredValue(query);
  const pods = useMemo(() => {
    const needle = searchNeedle(searched);
    if (all === null || needle === '') return all;
    return all.filter((pod) => searchKeyOf(pod).includes(needle));
  }, [all, searched]);
  return { pods, query, setQuery, reload };
}
