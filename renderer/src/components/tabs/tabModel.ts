import type { TerminalSession } from '../../session/terminalSession';

/** One open tab: a record's terminal. The session object outlives renders; the tab list is plain state. */
export interface TabModel {
  key: number;
  podId: string;
  /** The record's name when the tab opened (kept if the record is later renamed or deleted). */
  title: string;
  /** The record's name when the tab opened, so clearing a custom title goes back to it. */
  recordName?: string;
  /** The user renamed the tab. */
  renamed?: boolean;
  session: TerminalSession;
}

/**
 * The title for a new tab of `name`: the name itself, or "name (2)", "name (3)", … when a tab already shows that title,
 * so two shells of one record (or two records of one name) can be told apart in the strip. The lowest free number is
 * used, so closing "name (2)" and opening again gives "name (2)" again.
 */
export function distinctTitle(name: string, taken: Iterable<string>): string {
  const titles = new Set(taken);
  if (!titles.has(name)) return name;
  for (let number = 2; ; number += 1) {
    const candidate = `${name} (${number})`;
    if (!titles.has(candidate)) return candidate;
  }
}
