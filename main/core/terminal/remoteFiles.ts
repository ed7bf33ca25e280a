/**
 * What a shell transport offers for moving files to and from the machine it reached, without the files room knowing
 * the transport's library: SSH hands out an SFTP channel on the same connection, the Kubernetes exec transport runs a
 * command (tar) in the same container over a second exec. The files room (main/core/files) builds transfers on these.
 */
import type { Readable, Writable } from 'node:stream';

/** What lstat says about one remote path; times in seconds since the epoch (SFTP's unit). */
export interface RemoteFileStat {
  kind: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
  /** Permission bits only (07777). */
  mode: number;
  atime: number;
  mtime: number;
}

/** A remote file system over SFTP. Paths are absolute remote paths; nothing here follows a symlink unless it says so. */
export interface RemoteFileSystem {
  /** The absolute form of a path (SFTP realpath): the home directory for ".". */
  realpath(path: string): Promise<string>;
  /** Null when nothing is there. Never follows a symlink. */
  lstat(path: string): Promise<RemoteFileStat | null>;
  /** Entry names and their lstat, without "." and "..". */
  readdir(path: string): Promise<Array<{ name: string; stat: RemoteFileStat }>>;
  mkdir(path: string, mode: number): Promise<void>;
  /** Opens the file for reading; the stream ends at its end. */
  createReadStream(path: string): Readable;
  /** Creates (exclusively: an existing file is an error) and writes the file. */
  createWriteStream(path: string, mode: number): Writable;
  /** Replaces `to` atomically when the server can (OpenSSH's posix-rename), else removes it first. */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  setModeAndTimes(path: string, mode: number, atime: number, mtime: number): Promise<void>;
  close(): void;
}

/** How a command run for a transfer ended. */
export interface RemoteCommandEnd {
  /** The exit code; null when the command could not run or the connection ended without one. */
  code: number | null;
  /** Why, when there is no code (the executable is missing, the container stopped, the connection broke). */
  message: string | null;
  /** True when the command could not start because its program does not exist in the container. */
  programMissing: boolean;
}

/** One command running on the remote with separate stdin, stdout and stderr (no terminal), flow-controlled both ways. */
export interface RemoteCommand {
  /** Writing waits (the write callback) while the connection's send buffer is full. */
  stdin: Writable;
  /** Paused reading pauses the connection, so the remote stops producing. */
  stdout: Readable;
  /** Everything the command wrote to stderr so far (bounded). */
  stderr(): string;
  /** Tells the command there is no more input (its stdin reads end-of-file) without closing the connection. */
  closeStdin(): void;
  /** Settles once the command ended and every byte of its stdout was read. */
  finished: Promise<RemoteCommandEnd>;
  /** Ends the connection now (a cancelled transfer). */
  abort(): void;
}

export type RemoteFileAccess =
  | { kind: 'sftp'; open(): Promise<RemoteFileSystem> }
  | {
      kind: 'exec';
      /** "container main of pod default/web", for messages. */
      target: string;
      run(argv: string[]): Promise<RemoteCommand>;
    };
