import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { podSearchKey, searchNeedle, type PodSummary } from '../../../common/pods';
import type { RendererClient } from '../client';
import { useAppEvent } from './useAppEvent';
import { messageOf } from '../../../common/errors';

/**
 * The sidebar's records: every summary, loaded once and again whenever main says they changed, filtered here as the
 * search changes. Filtering in the page needs no round trip and no debounce: a keystroke over 10,000 records is one
 * substring test per record against keys computed once per load (common/pods.ts podSearchKey, the store's own rule).
 */
export function usePods(client: RendererClient, onError: (message: string) => void) {
  const [query, setQuery] = useState('');
  const [all, setAll] = useState<PodSummary[] | null>(null);
  const latest = useRef(0);
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  });

  const reload = useCallback(async () => {
    // Answers can overtake each other; only the newest load's may land.
    const ticket = ++latest.current;
    try {
      const result = await client.api.pods.list({});
      if (ticket === latest.current) setAll(result);
    } catch (error) {
      if (ticket === latest.current) {
        setAll((current) => current ?? []);
        onErrorRef.current(messageOf(error));
      }
    }
  }, [client]);

  useEffect(() => {
    // A task, not this effect's own turn: the load's answer sets state, which an effect body must not do directly.
    const timer = setTimeout(() => void reload(), 0);
    return () => clearTimeout(timer);
  }, [reload]);
  // Saved, deleted or re-statused anywhere (another tab, a connection's outcome): the list and its dots follow at once.
  useAppEvent(client, 'podsChanged', () => void reload());

  const keys = useMemo(() => all?.map(podSearchKey) ?? [], [all]);
  // The search box shows each keystroke at once; the list follows as soon as React has time (it may skip a stale one).
  const searched = useDeferredValue(query);
  const pods = useMemo(() => {
    const needle = searchNeedle(searched);
    if (all === null || needle === '') return all;
    return all.filter((_, index) => keys[index]!.includes(needle));
  }, [all, keys, searched]);
  return { pods, query, setQuery, reload };
}
