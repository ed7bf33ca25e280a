import { useCallback, useEffect, useRef, useState } from 'react';
import type { PodView } from '../../../common/pods';
import type { RendererClient } from '../client';
import type { TabModel } from '../components/tabs/tabModel';
import { TerminalSession } from '../session/terminalSession';
import { useTabEditing } from './useTabEditing';

interface TabCallbacks {
  onError(message: string): void;
  onConnected(): void;
}

/** The open tabs and which one shows. Sessions are created and disposed here, in event handlers, never in render. */
export function useTabs(client: RendererClient, callbacks: TabCallbacks) {
  const [tabs, setTabs] = useState<TabModel[]>([]);
  const [activeKey, setActiveKey] = useState<number | null>(null);
  const nextKey = useRef(1);
  const callbacksRef = useRef(callbacks);
  useEffect(() => {
    callbacksRef.current = callbacks;
  });

  const open = useCallback(
    (pod: Pick<PodView, 'id' | 'name'>) => {
      const session = new TerminalSession({
        client,
        podId: pod.id,
        onError: (message) => callbacksRef.current.onError(message),
        onConnected: () => callbacksRef.current.onConnected(),
      });
      const key = nextKey.current++;
      setTabs((current) => [...current, { key, podId: pod.id, title: pod.name, recordName: pod.name, session }]);
      setActiveKey(key);
    },
    [client],
  );

  const close = useCallback(
    (key: number) => {
      const index = tabs.findIndex((tab) => tab.key === key);
      const tab = tabs[index];
      if (!tab) return;
      tab.session.dispose();
      const remaining = tabs.filter((other) => other.key !== key);
      setTabs(remaining);
      if (key === activeKey) {
        // Like browsers: the neighbour to the right takes over, else the one to the left.
        setActiveKey((remaining[index] ?? remaining[index - 1])?.key ?? null);
      }
    },
    [tabs, activeKey],
  );

  const cycle = useCallback(
    (step: number) => {
      const index = tabs.findIndex((tab) => tab.key === activeKey);
      if (index < 0 || tabs.length < 2) return;
      const next = tabs[(index + step + tabs.length) % tabs.length];
      if (next) setActiveKey(next.key);
    },
    [tabs, activeKey],
  );

  /** "Connect": bring forward the newest tab of the record whose session is not over, else open one. */
  const connect = useCallback(
    (pod: Pick<PodView, 'id' | 'name'>) => {
      const live = tabs.filter((tab) => tab.podId === pod.id && tab.session.getState().phase !== 'ended').at(-1);
      if (live) setActiveKey(live.key);
      else open(pod);
    },
    [tabs, open],
  );

  const extra = useTabEditing(tabs, setTabs, activeKey, setActiveKey, open);
  return { tabs, activeKey, setActiveKey, open, close, cycle, connect, ...extra };
}
