/**
 * terminal/: what every shell transport is and shares. The TerminalSession interface the session manager knows, the
 * event rules behind it (all data before one exit or error, settled once), and the helpers both transports use. The
 * transports themselves live in kube/exec and ssh; this room imports neither.
 */
export { SessionEvents } from './sessionEvents';
export type { Disposable, TerminalExit, TerminalSession } from './terminalSession';
export {
  checkTerminalSize,
  closeWithin,
  DNS_CODES,
  formatSeconds,
  listen,
  UNREACHABLE_CODES,
} from './transportHelpers';
