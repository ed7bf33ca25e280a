/**
 * The app lock: a running Podterm (desktop or browser mode) writes `podterm.lock` beside the database saying who it
 * is. One Podterm per data directory: a second one is refused at start (AppLockHeldError), and the `podterm` command
 * line refuses to write while the lock is held. Each Podterm keeps its records in memory and would not see, or would
 * overwrite, changes another process made under it; SQLite itself keeps the file consistent either way.
 *
 * Why refuse rather than share: two instances on one directory are each a writer under the other, the very thing the
 * lock exists to prevent, and a shared lock needs a holder count that a crash can leave wrong. The desktop app is a
 * single instance already (Electron's lock); a second browser-mode server for the same data is better started with
 * another --data-dir or not at all.
 *
 * Ownership is a random token written in the file: only the process whose token is in it removes it, so a stale lock
 * taken over by another process, or a lock file replaced by hand, is never removed by the first owner's release.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The lock file's name inside the data directory. */
export const APP_LOCK_FILE_NAME = 'podterm.lock';

/** Who holds the database; what `podterm.lock` contains (JSON). */
export interface AppLockHolder {
  pid: number;
  /** "electron" (the desktop app) or "web" (browser mode). */
  mode: string;
  /** Epoch milliseconds. */
  startedAt: number;
}

/** The file's content: the holder and the owner's token (absent in locks written by older Podterms). */
interface LockFileContent extends AppLockHolder {
  token?: string;
}

export interface AppLock {
  /** Removes the lock file if it is still ours (our token in it). Safe to call twice. */
  release(): void;
}

/** Owner read/write: the file names a pid only, but the data directory is owner-only anyway. */
const LOCK_FILE_MODE = 0o600;
/** 128 random bits: no two processes (or two cores in one process) ever draw the same token. */
const TOKEN_BYTES = 16;

const APP_MODE_NAMES: Record<string, string> = { electron: 'desktop app', web: 'browser mode' };

/** A live Podterm holds the data directory: this one must not start on it. */
export class AppLockHeldError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: AppLockHolder,
  ) {
    super(
      `Another Podterm (pid ${holder.pid}, ${describeAppMode(holder.mode)}) is already using the data directory ` +
        `${dataDir}. Quit it first, or start this one with another data directory (--data-dir DIR). If no Podterm ` +
        `is running, delete ${join(dataDir, APP_LOCK_FILE_NAME)}.`,
    );
    this.name = 'AppLockHeldError';
  }
}

/** "desktop app", "browser mode", or the mode as written. */
export function describeAppMode(mode: string): string {
  return APP_MODE_NAMES[mode] ?? mode;
}

/**
 * Takes the lock for this process. A lock left by a process that is gone (a crash, a kill -9), and a damaged one, is
 * replaced. A lock held by a live Podterm, this process included (another core on the same directory), throws
 * AppLockHeldError and leaves that lock alone.
 */
export function acquireAppLock(
  dataDir: string,
  mode: string,
  pid: number = process.pid,
  now: () => number = Date.now,
): AppLock {
  const path = join(dataDir, APP_LOCK_FILE_NAME);
  const token = randomBytes(TOKEN_BYTES).toString('hex');
  const content: LockFileContent = { pid, mode, startedAt: now(), token };
  // Written whole beside the final name, then linked into place: link() fails when the name exists, so the lock
  // appears complete or not at all, and of two processes starting together exactly one gets it.
  const temporary = `${path}.${token}.tmp`;
  const fd = openSync(temporary, 'wx', LOCK_FILE_MODE);
  try {
    writeSync(fd, `${JSON.stringify(content)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    // Two tries: the second after moving a stale lock aside.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(temporary, path);
        return { release: () => removeIfOurs(path, token) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readLockFile(path);
      if (current && isAlive(current.pid)) throw new AppLockHeldError(dataDir, current);
      removeStale(path, current);
    }
    const winner = readLockFile(path);
    if (winner) throw new AppLockHeldError(dataDir, winner);
    throw new Error(`Could not take the lock ${path}: it keeps reappearing; delete it if no Podterm is running.`);
  } finally {
    removeQuietly(temporary);
  }
}

/** The live holder of the data directory's lock, or null (no lock, a stale one, or an unreadable one). */
export function readAppLock(dataDir: string): AppLockHolder | null {
  const holder = readLockFile(join(dataDir, APP_LOCK_FILE_NAME));
  return holder && isAlive(holder.pid) ? { pid: holder.pid, mode: holder.mode, startedAt: holder.startedAt } : null;
}

function readLockFile(path: string): LockFileContent | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockFileContent>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return {
      pid: parsed.pid,
      mode: typeof parsed.mode === 'string' ? parsed.mode : 'unknown',
      startedAt: typeof parsed.startedAt === 'number' ? parsed.startedAt : 0,
      ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}),
    };
  } catch {
    // Half-written (a crash between open and write) or not ours: treat as stale.
    return null;
  }
}

/** Signal 0 checks existence without signalling; EPERM means it exists but belongs to another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeIfOurs(path: string, token: string): void {
  if (readLockFile(path)?.token === token) removeQuietly(path);
}

/**
 * Removes the stale lock `seen`, but not a lock another process took in the meantime: the file is first moved aside
 * (atomic), and put back if what was moved is not the one found stale.
 */
function removeStale(path: string, seen: LockFileContent | null): void {
  const aside = `${path}.${randomBytes(TOKEN_BYTES).toString('hex')}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // Gone already: someone else cleared it.
  }
  const moved = readLockFile(aside);
  const same = moved === null ? seen === null : seen !== null && JSON.stringify(moved) === JSON.stringify(seen);
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // Yet another lock appeared meanwhile; it is the holder now, and the next try will find it.
    }
  }
  removeQuietly(aside);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to remove.
  }
}
