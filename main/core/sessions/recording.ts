/**
 * Session recording as asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one
 * `[seconds, "o", text]` line per output chunk and `[seconds, "r", "COLSxROWS"]` per resize.
 *
 * Only the remote's OUTPUT is recorded, never the user's keystrokes ("i" events): a password typed at a prompt that
 * does not echo it (sudo, ssh, `read -s`) never reaches this file. What the remote prints, including anything it
 * echoes back, is recorded, as it would be on screen.
 */
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  openSync,
  statSync,
  unlinkSync,
  writeSync,
  type WriteStream,
} from 'node:fs';
import { join } from 'node:path';
import type { TerminalSize } from '../../../common/contract';

/** A recording may hold whatever was on screen (tokens printed by a command, hostnames): owner-only, like podterm.db. */
const RECORDING_FILE_MODE = 0o600;
const RECORDINGS_DIR_MODE = 0o700;
/** The terminal type our sessions ask the remote for (see sshSession.ts DEFAULT_TERM); players use it for colours. */
const RECORDED_TERM = 'xterm-256color';
/** Keeps file names portable (Windows refuses : and several other characters) and free of path separators. */
const UNSAFE_FILE_NAME_CHARS = /[^A-Za-z0-9._-]+/g;
/** A record name can be long; the file name only needs to be recognisable. */
const MAX_NAME_PART = 60;

export interface RecordingOptions {
  /** <dataDir>/recordings. Created (0700) if missing. */
  dir: string;
  /** The pod record's name; becomes part of the file name. */
  name: string;
  size: TerminalSize;
  now?: () => number;
  /** A write failed (disk full, file system gone read-only) after the recording started; `message` says so for people. */
  onFailure?: (message: string) => void;
}

/** How a recording ended: saved to `path`, or failed (`message` for the tab; `path` only when the file holds output). */
export type RecordingOutcome = { saved: true; path: string } | { saved: false; message: string; path: string | null };

/** The file could not be made, or a write failed: the message names the folder or file and what to do. */
export class RecordingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RecordingError';
  }
}

/** One session's recording in progress. */
export class SessionRecording {
  readonly path: string;
  private readonly stream: WriteStream;
  private readonly decoder = new TextDecoder();
  private readonly startedAt: number;
  private readonly now: () => number;
  /** The header's length: a file no longer than it holds no output, and is removed rather than reported. */
  private readonly headerBytes: number;
  private failure: string | null = null;
  private closed: Promise<RecordingOutcome> | null = null;

  /** Creates the file and writes its header at once, so a folder that cannot be written fails here (RecordingError). */
  constructor(private readonly options: RecordingOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.path = join(options.dir, recordingFileName(options.name, this.startedAt));
    const header = {
      version: 2,
      width: options.size.cols,
      height: options.size.rows,
      timestamp: Math.floor(this.startedAt / 1000),
      // SHELL is left out: which shell the remote started (bash, ash, sh, an override) is not known here.
      env: { TERM: RECORDED_TERM },
      title: options.name,
    };
    const headerLine = `${JSON.stringify(header)}\n`;
    this.headerBytes = Buffer.byteLength(headerLine);
    let fd: number;
    try {
      mkdirSync(options.dir, { recursive: true, mode: RECORDINGS_DIR_MODE });
      // 'wx': never overwrite an earlier recording that happens to share the name.
      fd = openSync(this.path, 'wx', RECORDING_FILE_MODE);
    } catch (error) {
      throw new RecordingError(`Could not start recording: ${describeWriteFailure(error, options.dir)}`, {
        cause: error,
      });
    }
    try {
      writeSync(fd, headerLine);
    } catch (error) {
      closeSync(fd);
      removeQuietly(this.path);
      throw new RecordingError(`Could not start recording: ${describeWriteFailure(error, options.dir)}`, {
        cause: error,
      });
    }
    this.stream = createWriteStream(this.path, { fd, flags: 'a' });
    // A failed write (disk full) must not crash main: the recording stops, and the tab is told.
    this.stream.on('error', (error) => this.fail(error));
  }

  /** Remote output, as the bytes arrived (a UTF-8 character split across chunks is joined by the streaming decoder). */
  output(chunk: Uint8Array): void {
    if (this.closed || this.failure) return;
    const text = this.decoder.decode(chunk, { stream: true });
    if (text) this.event('o', text);
  }

  resize(size: TerminalSize): void {
    if (!this.closed && !this.failure) this.event('r', `${size.cols}x${size.rows}`);
  }

  /** Ends the file; resolves once it is flushed, with what became of it. Idempotent. */
  stop(): Promise<RecordingOutcome> {
    if (this.closed) return this.closed;
    const rest = this.failure ? '' : this.decoder.decode();
    if (rest) this.event('o', rest);
    this.closed = new Promise<void>((resolve) => {
      // A failed write destroys the stream: it has closed already and will not call back.
      if (this.stream.destroyed) return resolve();
      this.stream.end(() => resolve());
      this.stream.once('error', () => resolve());
      this.stream.once('close', () => resolve());
    }).then(() => this.outcome());
    return this.closed;
  }

  private outcome(): RecordingOutcome {
    if (!this.failure) return { saved: true, path: this.path };
    if (holdsOutput(this.path, this.headerBytes)) {
      return {
        saved: false,
        path: this.path,
        message: `${this.failure} The file ${this.path} holds only what was recorded before that.`,
      };
    }
    removeQuietly(this.path);
    return { saved: false, path: null, message: `${this.failure} Nothing was saved.` };
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = `The recording stopped: ${describeWriteFailure(error, this.options.dir)}`;
    this.options.onFailure?.(this.failure);
  }

  private event(type: 'o' | 'r', data: string): void {
    const seconds = Math.max(0, this.now() - this.startedAt) / 1000;
    this.stream.write(`${JSON.stringify([Number(seconds.toFixed(6)), type, data])}\n`);
  }
}

/** Why a recording file could not be written, and what the user can do, in one sentence. */
function describeWriteFailure(error: unknown, dir: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding ${dir} is full (${code}). Free some space, then press Record again.`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in ${dir} (${code}). Make that folder writable by you, then press Record again.`;
    case 'EROFS':
      return `${dir} is on a read-only file system (${code}). Recordings need a writable data directory.`;
    default:
      return `${dir} could not be written (${error instanceof Error ? error.message : String(error)}).`;
  }
}

/** More than the header: some output reached the file. */
function holdsOutput(path: string, headerBytes: number): boolean {
  try {
    return statSync(path).size > headerBytes;
  } catch {
    return false;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or the folder no longer lets us: nothing more to do.
  }
}

/** "prod-api-2026-11-26T08-30-00.123Z.cast": the record's name and the start time, safe on every file system. */
export function recordingFileName(name: string, at: number): string {
  const safeName = name
    .replace(UNSAFE_FILE_NAME_CHARS, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_NAME_PART);
  const time = new Date(at).toISOString().replace(/:/g, '-');
  return `${safeName || 'session'}-${time}.cast`;
}
