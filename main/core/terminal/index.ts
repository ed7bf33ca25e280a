/**
 * terminal/: what every shell transport is and shares. The TerminalSession interface the session manager knows, the
 * event rules behind it (all data before one exit or error, settled once), the base both transports build on
 * (connecting settled once, listeners kept in one place, closed once), and the helpers they use. The
 * transports themselves live in kube/exec and ssh; this room imports neither.
 */
export type { Disposable, TerminalExit, TerminalSession } from './terminalSession';
export { Disposables, Opening, TransportSession } from './transportSession';
export { checkTerminalSize, closeWithin, formatSeconds, swallowErrorsUntilClose } from './transportHelpers';
export type {
  RemoteCommand,
  RemoteCommandEnd,
  RemoteFileAccess,
  RemoteFileStat,
  RemoteFileSystem,
} from './remoteFiles';
