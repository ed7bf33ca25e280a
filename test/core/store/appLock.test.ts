/**
 * The app lock (podterm.lock): taken by createCore, read by the CLI. Stale locks (a dead pid) are ignored and replaced;
 * a live holder's lock is never taken over or removed by someone else.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireAppLock, APP_LOCK_FILE_NAME, readAppLock } from '../../../main/core/store/appLock';
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
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ pid: process.pid, mode: 'web', startedAt: 1234 });
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

  it('leaves a live holder in place: not replaced, not removed by our release', async () => {
    const dir = await tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const theirs = acquireAppLock(dir, 'electron', other.pid!);
      const ours = acquireAppLock(dir, 'web');
      expect(readAppLock(dir)).toMatchObject({ pid: other.pid, mode: 'electron' });
      ours.release();
      expect(readAppLock(dir)).toMatchObject({ pid: other.pid });
      theirs.release();
      expect(readAppLock(dir)).toBeNull();
    } finally {
      other.kill();
    }
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
