/** Renaming, reordering, duplicating and closing the other tabs: the tab strip's editing, kept beside useTabs. */
import { useCallback, type Dispatch, type SetStateAction } from 'react';
import type { PodView } from '../../../common/pods';
import type { TabModel } from '../components/tabs/tabModel';

/** A tab title longer than this is a paste accident; the strip shows ~30 characters anyway. */
export const MAX_TAB_TITLE_CHARS = 100;

export function useTabEditing(
  tabs: TabModel[],
  setTabs: Dispatch<SetStateAction<TabModel[]>>,
  activeKey: number | null,
  setActiveKey: (key: number | null) => void,
  open: (pod: Pick<PodView, 'id' | 'name'>) => void,
) {
  /** An empty title goes back to the record's name (what the tab was opened with). */
  const rename = useCallback(
    (key: number, title: string) => {
      const trimmed = title.trim().slice(0, MAX_TAB_TITLE_CHARS);
      setTabs((current) =>
        current.map((tab) =>
          tab.key === key ? { ...tab, title: trimmed || (tab.recordName ?? tab.title), renamed: trimmed !== '' } : tab,
        ),
      );
    },
    [setTabs],
  );

  /** Moves the tab to `index` in the strip (clamped), keeping every session as it is. */
  const move = useCallback(
    (key: number, index: number) => {
      setTabs((current) => {
        const from = current.findIndex((tab) => tab.key === key);
        if (from < 0) return current;
        const to = Math.max(0, Math.min(current.length - 1, index));
        if (from === to) return current;
        const next = [...current];
        const [moved] = next.splice(from, 1);
        next.splice(to, 0, moved!);
        return next;
      });
    },
    [setTabs],
  );

  /** Ctrl+Shift+PageUp/PageDown: the active tab one place left or right. */
  const moveActive = useCallback(
    (step: number) => {
      if (activeKey === null) return;
      const index = tabs.findIndex((tab) => tab.key === activeKey);
      if (index >= 0) move(activeKey, index + step);
    },
    [tabs, activeKey, move],
  );

  /** Another session for the same record, in a new tab titled like this one's record. */
  const duplicate = useCallback(
    (key: number) => {
      const tab = tabs.find((candidate) => candidate.key === key);
      if (tab) open({ id: tab.podId, name: tab.recordName ?? tab.title });
    },
    [tabs, open],
  );

  const closeOthers = useCallback(
    (key: number) => {
      const keep = tabs.find((tab) => tab.key === key);
      if (!keep) return;
      for (const tab of tabs) if (tab.key !== key) tab.session.dispose();
      setTabs([keep]);
      setActiveKey(key);
    },
    [tabs, setTabs, setActiveKey],
  );

  return { rename, move, moveActive, duplicate, closeOthers };
}
