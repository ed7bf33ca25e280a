/**
 * The app lock: a running Podterm (desktop or browser mode) writes `podterm.lock` beside the database saying who it
 * is, so the `podterm` command line can refuse to write while the app holds the database (the app keeps records in
 * memory and would not see, or would overwrite, changes made under it). It is advisory: SQLite itself keeps the file
 * consistent; the lock keeps people from surprising a running app.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
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

export interface AppLock {
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

/** Owner read/write: the file names a pid only, but the data directory is owner-only anyway. */
const LOCK_FILE_MODE = 0o600;

/**
 * Takes the lock for this process. A lock left by a process that is gone (a crash, a kill -9) is replaced. A lock held
 * by another live Podterm is left alone: that one still owns the database, and releasing ours must not remove its lock.
 */
export function acquireAppLock(
  dataDir: string,
  mode: string,
  pid: number = process.pid,
  now: () => number = Date.now,
): AppLock {
  const path = join(dataDir, APP_LOCK_FILE_NAME);
  const holder: AppLockHolder = { pid, mode, startedAt: now() };
  const text = `${JSON.stringify(holder)}\n`;
  // Two tries: the second after removing a stale lock (another process may win the race in between; then it owns it).
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', LOCK_FILE_MODE);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return { release: () => removeIfOurs(path, pid) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readLockFile(path);
      if (current && current.pid !== pid && isAlive(current.pid)) return { release: () => {} };
      removeQuietly(path);
    }
  }
  return { release: () => {} };
}

/** The live holder of the data directory's lock, or null (no lock, a stale one, or an unreadable one). */
export function readAppLock(dataDir: string): AppLockHolder | null {
  const holder = readLockFile(join(dataDir, APP_LOCK_FILE_NAME));
  return holder && isAlive(holder.pid) ? holder : null;
}

function readLockFile(path: string): AppLockHolder | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as Partial<AppLockHolder>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return {
      pid: parsed.pid,
      mode: typeof parsed.mode === 'string' ? parsed.mode : 'unknown',
      startedAt: typeof parsed.startedAt === 'number' ? parsed.startedAt : 0,
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

function removeIfOurs(path: string, pid: number): void {
  if (readLockFile(path)?.pid === pid) removeQuietly(path);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to remove.
  }
}
