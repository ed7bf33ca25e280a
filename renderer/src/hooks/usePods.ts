import { useCallback, useEffect, useRef, useState } from 'react';
import type { PodView } from '../../../common/pods';
import type { RendererClient } from '../client';
import { useAppEvent } from './useAppEvent';
import { messageOf } from '../../../common/errors';

/** Short enough to feel instant, long enough that typing "prod-api" is one or two queries rather than eight. */
const SEARCH_DEBOUNCE_MS = 80;

/** The sidebar's records for the current search, re-queried as the search changes, on demand, and when main says so. */
export function usePods(client: RendererClient, onError: (message: string) => void) {
  const [query, setQuery] = useState('');
  const [pods, setPods] = useState<PodView[] | null>(null);
  const latest = useRef(0);
  const queryRef = useRef(query);
  const onErrorRef = useRef(onError);
  useEffect(() => {
    queryRef.current = query;
    onErrorRef.current = onError;
  });

  const load = useCallback(
    async (text: string) => {
      // Answers can overtake each other; only the newest query's may land.
      const ticket = ++latest.current;
      try {
        const trimmed = text.trim();
        const result = await client.api.pods.list(trimmed ? { query: trimmed } : {});
        if (ticket === latest.current) setPods(result);
      } catch (error) {
        if (ticket === latest.current) {
          setPods((current) => current ?? []);
          onErrorRef.current(messageOf(error));
        }
      }
    },
    [client],
  );

  useEffect(() => {
    const timer = setTimeout(() => void load(query), query ? SEARCH_DEBOUNCE_MS : 0);
    return () => clearTimeout(timer);
  }, [load, query]);

  const reload = useCallback(() => load(queryRef.current), [load]);
  // Saved, deleted or re-statused anywhere (another tab, a connection's outcome): the list and its dots follow at once.
  useAppEvent(client, 'podsChanged', () => void reload());
  return { pods, query, setQuery, reload };
}
