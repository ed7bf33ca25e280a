/**
 * The one interface the session manager knows. sshSession.ts (ssh2) implements it now; the Kubernetes exec session will
 * too. A TerminalSession is an opened shell: connecting, authenticating and host-key checks happen before one exists.
 */
import type { RemoteFileAccess } from './remoteFiles';

export interface TerminalExit {
  /** Null when the remote reported no code (killed by a signal, or the server sent none). */
  code: number | null;
  signal: string | null;
  /** Why, when the remote said more than a code (e.g. a Kubernetes exec that failed after the shell opened). */
  message?: string;
}

export interface Disposable {
  dispose(): void;
}

export interface TerminalSession {
  /** How files move to and from where this shell runs (main/core/files), when the transport can. */
  readonly remoteFiles?: RemoteFileAccess;
  write(data: Uint8Array | string): void;
  resize(cols: number, rows: number): void;
  /** Real backpressure: stops reading from the remote until resume() (ssh2 stream.pause(), ws.pause()). */
  pause(): void;
  resume(): void;
  /**
   * The user interrupted (^C) while paused: drop the output this process has received from the remote and holds
   * unread (a terminal's line discipline flushes its output queue on SIGINT the same way). What is still in the
   * network or in the remote's window arrives as usual.
   */
  discardBuffered(): void;
  /** Ends the remote shell and releases everything the session registered. Idempotent. */
  close(): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): Disposable;
  /** The shell exited. Fires at most once, and not after onError. */
  onExit(listener: (exit: TerminalExit) => void): Disposable;
  /** The connection broke while the shell was open. Fires at most once, and not after onExit. */
  onError(listener: (error: Error) => void): Disposable;
}
