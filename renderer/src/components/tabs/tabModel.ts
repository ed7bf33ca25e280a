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
