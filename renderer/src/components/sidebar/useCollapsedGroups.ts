import { useCallback, useState } from 'react';

/** Where the sidebar remembers which cluster and namespace groups are folded (group keys, as JSON). */
const COLLAPSED_GROUPS_KEY = 'podterm.sidebar.collapsedGroups';

function load(): Set<string> {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(COLLAPSED_GROUPS_KEY) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((key): key is string => typeof key === 'string') : []);
  } catch {
    // A hand-edited or corrupt value only costs the folding; start with every group open.
    return new Set();
  }
}

/** The folded groups, kept across restarts. */
export function useCollapsedGroups() {
  const [collapsed, setCollapsed] = useState(load);
  const setGroup = useCallback((key: string, fold: boolean) => {
    setCollapsed((current) => {
      if (current.has(key) === fold) return current;
      const next = new Set(current);
      if (fold) next.add(key);
      else next.delete(key);
      localStorage.setItem(COLLAPSED_GROUPS_KEY, JSON.stringify([...next]));
      return next;
    });
  }, []);
  return { collapsed, setGroup };
}
