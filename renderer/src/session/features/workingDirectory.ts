/**
 * The shell's working directory, as the shell reports it with OSC 7 (`ESC ] 7 ; file://host/path BEL`: what
 * VTE-based terminals, iTerm2 and WezTerm read; bash and zsh send it from their prompt hooks on many distributions, and
 * any shell can with one line in its rc file). An upload dropped on the tab proposes it as the destination; without a
 * report the home folder is proposed instead (main resolves an empty destination to it).
 */
import type { Terminal } from '@xterm/xterm';
import type { Disposable } from '../disposable';

/** OSC 7's number. */
const OSC_CURRENT_DIRECTORY = 7;
/** A path longer than Linux's PATH_MAX is not a directory anyone is in. */
const MAX_DIRECTORY_CHARS = 4096;

/**
 * The absolute path from an OSC 7 payload ("file://host/home/me/a%20b" → "/home/me/a b"), or null when the payload
 * is not a file URL with an absolute, decodable path. The host is not checked: inside a container or over SSH the
 * shell names its own machine, which is the one files go to.
 */
export function parseOsc7(payload: string): string | null {
  const match = /^file:\/\/[^/]*(\/.*)$/.exec(payload.trim());
  if (!match?.[1]) return null;
  let path: string;
  try {
    path = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  if (path.length > MAX_DIRECTORY_CHARS || path.includes('\0')) return null;
  return path;
}

/** Keeps the last directory the shell reported; `current()` is null until it reports one. */
export class WorkingDirectory implements Disposable {
  private directory: string | null = null;
  private readonly registration: Disposable;

  constructor(term: Terminal) {
    this.registration = term.parser.registerOscHandler(OSC_CURRENT_DIRECTORY, (payload) => {
      const path = parseOsc7(payload);
      if (path !== null) this.directory = path;
      // Handled either way: an OSC 7 has nothing to draw.
      return true;
    });
  }

  current(): string | null {
    return this.directory;
  }

  /** A new session (reconnect) starts with no report. */
  reset(): void {
    this.directory = null;
  }

  dispose(): void {
    this.registration.dispose();
  }
}
