/**
 * The local side of a transfer: walking what is uploaded (never following a symlink: a link is listed as skipped, as
 * `kubectl cp` skips them), and writing what is downloaded into a private temporary folder inside the chosen one,
 * moved into place only when complete, so a cancelled or failed download leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readlink, rename, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { checkName } from './names';
import { FileTransferError } from './transferError';

export interface LocalEntry {
  /** Components below the chosen folder: ['photos', 'a b.jpg']. */
  parts: string[];
  kind: 'file' | 'directory' | 'symlink';
  /** For a symlink: what it points to (sent as a link, never followed). */
  linkTarget?: string;
  /** Absolute local path. */
  path: string;
  size: number;
  mode: number;
  /** Seconds. */
  mtime: number;
  atime: number;
}

export interface LocalTree {
  /** Directories before their contents. */
  entries: LocalEntry[];
  totalBytes: number;
  /** Paths (relative, '/'-joined) not sent: sockets, devices, and symlinks unless kept. */
  skipped: string[];
}

/**
 * Lists every file and folder under the dropped paths, folders first. A symlink is never followed: kept as a link
 * (`symlinks: 'keep'`, what kubectl cp sends) or listed as skipped.
 */
export async function walkLocal(paths: readonly string[], symlinks: 'keep' | 'skip' = 'skip'): Promise<LocalTree> {
  const tree: LocalTree = { entries: [], totalBytes: 0, skipped: [] };
  const visit = async (path: string, parts: string[]): Promise<void> => {
    const stats = await lstat(path).catch((error: unknown) => {
      throw new FileTransferError('local', `Cannot read ${path}: ${(error as Error).message}`);
    });
    const common = { parts, path, mode: stats.mode & 0o7777, mtime: stats.mtimeMs / 1000, atime: stats.atimeMs / 1000 };
    if (stats.isDirectory()) {
      tree.entries.push({ ...common, kind: 'directory', size: 0 });
      const names = (await readdir(path)).sort();
      for (const name of names) await visit(join(path, name), [...parts, name]);
    } else if (stats.isFile()) {
      tree.entries.push({ ...common, kind: 'file', size: stats.size });
      tree.totalBytes += stats.size;
    } else if (stats.isSymbolicLink() && symlinks === 'keep') {
      tree.entries.push({ ...common, kind: 'symlink', size: 0, linkTarget: await readlink(path) });
    } else {
      tree.skipped.push(parts.join('/'));
    }
  };
  const seen = new Set<string>();
  for (const path of paths) {
    const name = basename(path);
    checkName(name, `the dropped "${path}"`);
    if (seen.has(name)) {
      throw new FileTransferError('conflict', `Two dropped items are both named "${name}"; drop them one at a time.`);
    }
    seen.add(name);
    await visit(path, [name]);
  }
  return tree;
}

/** A private folder inside `folder` for a transfer's pieces until they are complete. */
export async function makeStagingFolder(folder: string): Promise<string> {
  const staging = join(folder, `.podterm-partial-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(staging, { mode: 0o700 });
  } catch (error) {
    throw new FileTransferError('local', `Cannot write in ${folder}: ${(error as Error).message}`);
  }
  return staging;
}

/** Creates `parts` under `root` without following a symlink on the way (a link in the path is refused). */
export async function ensureLocalFolder(root: string, parts: readonly string[], mode: number): Promise<string> {
  let path = root;
  for (const part of parts) {
    path = join(path, part);
    const stats = await lstat(path).catch(() => null);
    if (stats === null) await mkdir(path, { mode });
    else if (!stats.isDirectory()) {
      throw new FileTransferError('conflict', `${path} is in the way of a folder of the same name.`);
    }
  }
  return path;
}

/** Writes one file from its data, honouring backpressure; the mode is applied through the umask, as kubectl does. */
export async function writeLocalFile(
  path: string,
  mode: number,
  data: AsyncIterable<Buffer>,
  onBytes: (count: number) => void,
): Promise<void> {
  const out = createWriteStream(path, { flags: 'wx', mode: mode & 0o777 });
  // once() below rejects on 'error' while it waits; between waits the error is kept here and thrown after.
  let failed: Error | null = null;
  out.on('error', (error) => (failed ??= error));
  try {
    for await (const piece of data) {
      if (failed) throw failed;
      onBytes(piece.length);
      if (!out.write(piece)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } finally {
    out.destroy();
  }
}

/**
 * The name a download takes in `folder`: its own, or "name (1)", "name (2)" … when something of that name is there,
 * as browsers do, so a download never replaces a file the person has.
 */
export async function freeLocalName(folder: string, name: string): Promise<string> {
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let index = 0; ; index += 1) {
    const candidate = index === 0 ? name : `${stem} (${index})${extension}`;
    if ((await lstat(join(folder, candidate)).catch(() => null)) === null) return candidate;
  }
}

/** Moves a completed item from the staging folder into place, then removes the (now empty) staging folder. */
export async function moveIntoPlace(staging: string, name: string, target: string): Promise<void> {
  await rename(join(staging, name), target);
  await rmdir(staging).catch(() => undefined);
}

/** Cancel or failure: the staging folder and everything in it go. */
export async function removeStaging(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
}
