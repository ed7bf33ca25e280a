import { useCallback, useEffect, useRef, useState } from 'react';
import type { PodView } from '../../../common/pods';
import type { RendererClient } from '../client';
import { distinctTitle, type TabModel } from '../components/tabs/tabModel';
import { TerminalSession } from '../session/terminalSession';
import { hasLiveSession, readSavedTabs, writeSavedTabs, type SavedTab } from './savedTabs';
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

  const newTab = useCallback(
    (saved: SavedTab, connectOnMount: boolean, debug = false): TabModel => {
      const session = new TerminalSession({
        client,
        podId: saved.podId,
        connectOnMount,
        debug,
        onError: (message) => callbacksRef.current.onError(message),
        onConnected: () => callbacksRef.current.onConnected(),
      });
      return { key: nextKey.current++, ...saved, session };
    },
    [client],
  );

  const openTab = useCallback(
    (pod: Pick<PodView, 'id' | 'name'>, debug: boolean) => {
      const tab = newTab({ podId: pod.id, title: pod.name, recordName: pod.name }, true, debug);
      // A second tab of one record (or of two records of one name) is "name (2)", so the strip tells them apart.
      setTabs((current) => [
        ...current,
        {
          ...tab,
          title: distinctTitle(
            pod.name,
            current.map((other) => other.title),
          ),
        },
      ]);
      setActiveKey(tab.key);
    },
    [newTab],
  );
  const open = useCallback((pod: Pick<PodView, 'id' | 'name'>) => openTab(pod, false), [openTab]);
  /** A new tab with a debug (ephemeral) container in the record's pod instead of an exec shell. */
  const openDebug = useCallback((pod: Pick<PodView, 'id' | 'name'>) => openTab(pod, true), [openTab]);

  // After a reload the page's tabs come back, titles and order kept, each waiting to be reconnected (not all at once:
  // ten tabs would be ten connections, SSH logins and host-key questions before the user has looked at any of them).
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const saved = readSavedTabs();
    if (!saved || saved.tabs.length === 0) return;
    const back = saved.tabs.map((tab) => newTab(tab, false));
    // Once per page, after mount: the sessions are created here and not in a state initializer because render must
    // not create them (StrictMode renders twice; the second set would leak), so this one extra render is the cost.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setTabs(back);
    setActiveKey(back[Math.min(saved.activeIndex, back.length - 1)]?.key ?? null);
  }, [newTab]);

  useEffect(() => {
    if (!restored.current) return;
    writeSavedTabs(tabs, activeKey);
  }, [tabs, activeKey]);

  // Closing or reloading the page ends every shell in it: ask first while any tab is connected or connecting. In the
  // desktop app main shows the question (main/electron/closeGuard.ts); a browser shows its own.
  const tabsRef = useRef(tabs);
  useEffect(() => {
    tabsRef.current = tabs;
  });
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!hasLiveSession(tabsRef.current)) return;
      event.preventDefault();
      // Older Chromium (and Electron's will-prevent-unload) still look at returnValue.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

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
  return { tabs, activeKey, setActiveKey, open, openDebug, close, cycle, connect, ...extra };
}
