/**
 * The tab list kept across a reload of the page: which records, their titles and order, and which one showed. Kept in
 * sessionStorage, which belongs to this browser tab (or desktop window) and survives its reloads but not its closing:
 * a new window starts empty, as a new terminal window does. Only ids and titles are stored, never output or secrets.
 */
import { z } from 'zod';
import type { TabModel } from '../components/tabs/tabModel';

const SAVED_TABS_KEY = 'podterm.tabs';
/** More than anyone keeps open; a larger stored list is not ours (or is damaged) and is ignored. */
const MAX_SAVED_TABS = 200;

const savedTabSchema = z
  .object({
    podId: z.string().min(1).max(100),
    title: z.string().max(200),
    recordName: z.string().max(200).optional(),
    renamed: z.boolean().optional(),
  })
  .strip();
const savedTabsSchema = z.object({
  tabs: z.array(savedTabSchema).max(MAX_SAVED_TABS),
  activeIndex: z.number().int().min(0),
});

export type SavedTab = z.infer<typeof savedTabSchema>;
export type SavedTabs = z.infer<typeof savedTabsSchema>;

/** The stored list, or null when there is none or it cannot be read (then the window starts empty, as it would). */
export function readSavedTabs(): SavedTabs | null {
  try {
    const raw = sessionStorage.getItem(SAVED_TABS_KEY);
    if (raw === null) return null;
    const parsed = savedTabsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeSavedTabs(tabs: readonly TabModel[], activeKey: number | null): void {
  const saved: SavedTabs = {
    tabs: tabs.map(({ podId, title, recordName, renamed }) => ({
      podId,
      title,
      ...(recordName !== undefined ? { recordName } : {}),
      ...(renamed ? { renamed } : {}),
    })),
    activeIndex: Math.max(
      0,
      tabs.findIndex((tab) => tab.key === activeKey),
    ),
  };
  try {
    sessionStorage.setItem(SAVED_TABS_KEY, JSON.stringify(saved));
  } catch {
    // Storage full or switched off: the tabs simply do not come back after a reload.
  }
}

/** A tab whose shell is open or on its way (connecting, asking a question): leaving the page would end it. */
export function hasLiveSession(tabs: readonly TabModel[]): boolean {
  return tabs.some((tab) => tab.session.getState().phase !== 'ended');
}
