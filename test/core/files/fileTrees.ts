/**
 * Test trees for file transfers: one with the names that break naive copies (spaces, unicode, a leading dash, a
 * symlink pointing out of the folder), a big file, and a description of a tree (names, types, modes, contents) to
 * compare two copies made by different tools.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';

export const MIB = 1024 * 1024;

/** Makes `<parent>/<name>/…` with odd names; returns its path. The symlink points outside and must be skipped. */
export async function makeOddTree(parent: string, name = 'odd tree'): Promise<string> {
  const root = join(parent, name);
  await mkdir(join(root, 'sub dir', '-dash dir', 'ünïcødé ✓'), { recursive: true });
  await writeFile(join(root, 'a b.txt'), 'spaces\n');
  await writeFile(join(root, '-leading-dash'), 'dash\n');
  await writeFile(join(root, 'empty'), '');
  await writeFile(join(root, 'sub dir', 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'sub dir', 'run.sh'), 0o755);
  await writeFile(join(root, 'sub dir', 'private'), 'secret-ish\n');
  await chmod(join(root, 'sub dir', 'private'), 0o600);
  await writeFile(join(root, 'sub dir', '-dash dir', 'ünïcødé ✓', '日本語 ファイル.txt'), 'unicode\n');
  await writeFile(join(root, 'x'.repeat(120)), 'a name longer than the ustar field\n');
  await writeFile(join(root, 'bin'), randomBytes(70_000));
  await symlink('/etc/passwd', join(root, 'outside-link'));
  return root;
}

/** Writes `size` bytes of random data (in 1 MiB pieces, so the test itself never holds the file). */
export async function makeBigFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  const piece = randomBytes(MIB);
  for (let written = 0; written < size; written += MIB) {
    piece.writeUInt32LE(written / MIB, 0); // each MiB different, so a repeated or dropped piece shows
    if (!out.write(Buffer.from(piece.subarray(0, Math.min(MIB, size - written))))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface TreeLine {
  path: string;
  kind: 'file' | 'dir' | 'link';
  mode: string;
  content?: string;
}

/** Every entry below `root` (sorted), with its mode and (for small files) its text or (for big ones) a hash. */
export async function describeTree(
  root: string,
  options: { mtime?: boolean } = {},
): Promise<Array<TreeLine & { mtime?: number }>> {
  const lines: Array<TreeLine & { mtime?: number }> = [];
  const visit = async (path: string, relative: string) => {
    const stats = await lstat(path);
    const mode = (stats.mode & 0o7777).toString(8);
    const mtime = options.mtime ? Math.floor(stats.mtimeMs / 1000) : undefined;
    if (stats.isSymbolicLink()) lines.push({ path: relative, kind: 'link', mode });
    else if (stats.isDirectory()) {
      lines.push({ path: relative, kind: 'dir', mode, ...(mtime !== undefined && relative !== '.' ? { mtime } : {}) });
      for (const name of (await readdir(path)).sort())
        await visit(join(path, name), relative === '.' ? name : `${relative}/${name}`);
    } else {
      const content = stats.size < 200_000 ? (await readFile(path)).toString('base64') : await sha256(path);
      lines.push({ path: relative, kind: 'file', mode, content, ...(mtime !== undefined ? { mtime } : {}) });
    }
  };
  await visit(root, '.');
  return lines;
}
