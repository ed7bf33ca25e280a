/**
 * Session recording as asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one
 * `[seconds, "o", text]` line per output chunk and `[seconds, "r", "COLSxROWS"]` per resize.
 *
 * Only the remote's OUTPUT is recorded, never the user's keystrokes ("i" events): a password typed at a prompt that
 * does not echo it (sudo, ssh, `read -s`) never reaches this file. What the remote prints, including anything it
 * echoes back, is recorded, as it would be on screen.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
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
}

/** One session's recording in progress. */
export class SessionRecording {
  readonly path: string;
  private readonly stream: WriteStream;
  private readonly decoder = new TextDecoder();
  private readonly startedAt: number;
  private readonly now: () => number;
  private closed: Promise<void> | null = null;

  constructor(options: RecordingOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    mkdirSync(options.dir, { recursive: true, mode: RECORDINGS_DIR_MODE });
    this.path = join(options.dir, recordingFileName(options.name, this.startedAt));
    // 'wx': never overwrite an earlier recording that happens to share the name.
    this.stream = createWriteStream(this.path, { flags: 'wx', mode: RECORDING_FILE_MODE });
    // An error (disk full) must not crash main; the file is simply incomplete, and stop() still answers.
    this.stream.on('error', () => {});
    const header = {
      version: 2,
      width: options.size.cols,
      height: options.size.rows,
      timestamp: Math.floor(this.startedAt / 1000),
      // SHELL is left out: which shell the remote started (bash, ash, sh, an override) is not known here.
      env: { TERM: RECORDED_TERM },
      title: options.name,
    };
    this.stream.write(`${JSON.stringify(header)}\n`);
  }

  /** Remote output, as the bytes arrived (a UTF-8 character split across chunks is joined by the streaming decoder). */
  output(chunk: Uint8Array): void {
    if (this.closed) return;
    const text = this.decoder.decode(chunk, { stream: true });
    if (text) this.event('o', text);
  }

  resize(size: TerminalSize): void {
    if (!this.closed) this.event('r', `${size.cols}x${size.rows}`);
  }

  /** Ends the file; resolves once it is flushed. Idempotent. */
  stop(): Promise<void> {
    if (this.closed) return this.closed;
    const rest = this.decoder.decode();
    if (rest) this.event('o', rest);
    this.closed = new Promise<void>((resolve) => {
      this.stream.end(() => resolve());
      this.stream.once('error', () => resolve());
    });
    return this.closed;
  }

  private event(type: 'o' | 'r', data: string): void {
    const seconds = Math.max(0, this.now() - this.startedAt) / 1000;
    this.stream.write(`${JSON.stringify([Number(seconds.toFixed(6)), type, data])}\n`);
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
