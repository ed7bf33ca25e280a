/**
 * The app lock (podterm.lock): taken by createCore, read by the CLI. Stale locks (a dead pid) are ignored and replaced;
 * a live holder's lock is never taken over or removed by someone else, and a second Podterm is refused.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireAppLock, AppLockHeldError, APP_LOCK_FILE_NAME, readAppLock } from '../../../main/core/store/appLock';
import { createTestCore } from '../../harness/core';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'podterm-lock-'));
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has exited: a lock naming it is stale. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('acquireAppLock / readAppLock', () => {
  it('writes {pid, mode, startedAt} (0600), reports it as the holder, and removes it on release', async () => {
    const dir = await tempDir();
    const lock = acquireAppLock(dir, 'web', process.pid, () => 1234);
    const path = join(dir, APP_LOCK_FILE_NAME);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      pid: process.pid,
      mode: 'web',
      startedAt: 1234,
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(readAppLock(dir)).toEqual({ pid: process.pid, mode: 'web', startedAt: 1234 });
    lock.release();
    lock.release();
    expect(existsSync(path)).toBe(false);
    expect(readAppLock(dir)).toBeNull();
  });

  it('ignores and replaces a stale lock, and ignores a damaged one', async () => {
    const dir = await tempDir();
    const path = join(dir, APP_LOCK_FILE_NAME);
    const pid = await deadPid();
    await writeFile(path, JSON.stringify({ pid, mode: 'electron', startedAt: 1 }));
    expect(readAppLock(dir)).toBeNull();
    const lock = acquireAppLock(dir, 'electron');
    expect(readAppLock(dir)?.pid).toBe(process.pid);
    lock.release();

    await writeFile(path, '{"pid": ');
    expect(readAppLock(dir)).toBeNull();
    acquireAppLock(dir, 'web').release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses while a live holder has it, naming the holder, and never removes its lock', async () => {
    const dir = await tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const theirs = acquireAppLock(dir, 'electron', other.pid!);
      expect(() => acquireAppLock(dir, 'web')).toThrow(AppLockHeldError);
      expect(() => acquireAppLock(dir, 'web')).toThrow(
        `Another Podterm (pid ${other.pid}, desktop app) is already using the data directory ${dir}. Quit it first`,
      );
      expect(readAppLock(dir)).toMatchObject({ pid: other.pid, mode: 'electron' });
      theirs.release();
      expect(readAppLock(dir)).toBeNull();
    } finally {
      other.kill();
    }
  });

  it('is released only by its owner: a lock replaced meanwhile (same pid, other token) stays', async () => {
    const dir = await tempDir();
    const path = join(dir, APP_LOCK_FILE_NAME);
    const first = acquireAppLock(dir, 'web');
    const replacement = JSON.stringify({ pid: process.pid, mode: 'web', startedAt: 1, token: 'f'.repeat(32) });
    await writeFile(path, replacement);
    first.release();
    expect(await readFile(path, 'utf8')).toBe(replacement);
  });
});

describe('createCore', () => {
  it('holds the lock while open and releases it on close', async () => {
    const test = await createTestCore();
    expect(readAppLock(test.dataDir)).toMatchObject({ pid: process.pid, mode: 'web' });
    await test.core.close();
    expect(existsSync(join(test.dataDir, APP_LOCK_FILE_NAME))).toBe(false);
    await test.cleanup();
  });
});
