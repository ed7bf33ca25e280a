/** A file the desktop page saves (a records export, maybe with secrets) ends up readable by the user only. */
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { EXPORT_FILE_MODE, narrowDownloads, type OwnDownloadItem } from '../../main/electron/downloads';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

class Item extends EventEmitter implements OwnDownloadItem {
  constructor(private readonly path: string) {
    super();
  }
  getSavePath(): string {
    return this.path;
  }
}

async function savedFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'podterm-download-'));
  dirs.push(dir);
  const path = join(dir, 'podterm-records-with-secrets.json');
  await writeFile(path, '[]', { mode: 0o644 });
  return path;
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

it('narrows a completed download to 0600, and leaves a cancelled one alone', async () => {
  const session = new EventEmitter();
  const errors: string[] = [];
  narrowDownloads(session, (message) => errors.push(message));
  const done = await savedFile();
  const cancelled = await savedFile();
  const doneItem = new Item(done);
  const cancelledItem = new Item(cancelled);
  session.emit('will-download', {}, doneItem);
  session.emit('will-download', {}, cancelledItem);
  doneItem.emit('done', {}, 'completed');
  cancelledItem.emit('done', {}, 'cancelled');
  await expect.poll(() => modeOf(done)).toBe(EXPORT_FILE_MODE);
  expect(await modeOf(cancelled)).toBe(0o644);
  expect(errors).toEqual([]);
});

it('says when a saved file cannot be narrowed', async () => {
  const session = new EventEmitter();
  const errors: string[] = [];
  narrowDownloads(session, (message) => errors.push(message));
  const item = new Item(join(tmpdir(), 'podterm-no-such-dir', 'gone.json'));
  session.emit('will-download', {}, item);
  item.emit('done', {}, 'completed');
  await expect.poll(() => errors.length).toBe(1);
  expect(errors[0]).toMatch(/could not make .*gone\.json readable by you only: ENOENT/);
});
