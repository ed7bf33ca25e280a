/**
 * Files to and from an SSH server over SFTP on the tab's own connection. Each file is written under a hidden
 * temporary name in its folder and renamed over its target when complete (OpenSSH's posix-rename: atomic); a folder
 * that does not exist yet is built whole under a temporary name and renamed into place, so a cancelled upload leaves
 * nothing partial. Modes and times are kept as `scp -p` keeps them (mode, access and modification time), both ways.
 * Symlinks are never followed: on the server a link in the way is replaced, never written through; links in what is
 * copied are skipped and listed.
 */
import { randomBytes } from 'node:crypto';
import { chmod, utimes } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { FileTransferResult, FileUploadPlan } from '../../../common/contract';
import type { RemoteFileStat, RemoteFileSystem } from '../terminal';
import {
  ensureLocalFolder,
  freeLocalName,
  makeStagingFolder,
  moveIntoPlace,
  removeStaging,
  walkLocal,
  writeLocalFile,
  type LocalEntry,
} from './localTree';
import { checkName, remoteJoin } from './names';
import { planFrom, splitRemotePath } from './execTransfer';
import { cancelled, ProgressCounter, throwIfCancelled, type TransferOptions } from './progress';
import { FileTransferError } from './transferError';

interface Node {
  entry: LocalEntry;
  children: Node[];
}

function nest(entries: LocalEntry[]): Node[] {
  const roots: Node[] = [];
  const byPath = new Map<string, Node>();
  for (const entry of entries) {
    const node = { entry, children: [] };
    byPath.set(entry.parts.join('/'), node);
    const parent = byPath.get(entry.parts.slice(0, -1).join('/'));
    if (entry.parts.length > 1 && parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

function remoteFailure(doing: string, error: unknown): FileTransferError {
  if (error instanceof FileTransferError) return error;
  return new FileTransferError('remote', `${doing} failed on the server: ${(error as Error).message}`);
}

async function resolveFolder(files: RemoteFileSystem, destination: string): Promise<string> {
  const absolute = await files.realpath(destination === '' ? '.' : destination).catch((error: unknown) => {
    throw new FileTransferError(
      'notFound',
      `The folder ${destination} is not on the server (${(error as Error).message}): choose another.`,
    );
  });
  const stat = await files.lstat(absolute);
  if (stat?.kind !== 'directory') {
    throw new FileTransferError('notFound', `${absolute} is not a folder on the server: choose another.`);
  }
  return absolute;
}

export async function planSftpUpload(
  files: RemoteFileSystem,
  paths: readonly string[],
  destination: string,
): Promise<FileUploadPlan> {
  const tree = await walkLocal(paths);
  const folder = await resolveFolder(files, destination);
  const found = new Map<string, RemoteFileStat | null>();
  for (const entry of tree.entries) {
    const parentKey = entry.parts.slice(0, -1).join('/');
    // Below something absent or not a real folder there is nothing to ask about.
    if (entry.parts.length > 1 && found.get(parentKey)?.kind !== 'directory') continue;
    found.set(entry.parts.join('/'), await files.lstat(remoteJoin(folder, entry.parts.join('/'))));
  }
  const letter = { directory: 'd', symlink: 'l', file: 'f', other: 'f' } as const;
  return planFrom(tree, folder, (parts) => {
    const stat = found.get(parts.join('/'));
    return stat ? letter[stat.kind] : undefined;
  });
}

/** Removes what this upload created under a temporary name (a file, or a folder tree). */
async function removeRemote(files: RemoteFileSystem, path: string): Promise<void> {
  const stat = await files.lstat(path).catch(() => null);
  if (stat === null) return;
  if (stat.kind !== 'directory') {
    await files.unlink(path).catch(() => undefined);
    return;
  }
  for (const child of await files.readdir(path).catch(() => []))
    await removeRemote(files, remoteJoin(path, child.name));
  await files.rmdir(path).catch(() => undefined);
}

export async function sftpUpload(
  files: RemoteFileSystem,
  paths: readonly string[],
  destination: string,
  options: TransferOptions = {},
): Promise<FileTransferResult> {
  const tree = await walkLocal(paths);
  const folder = await resolveFolder(files, destination);
  const progress = new ProgressCounter(tree.totalBytes, false, options);
  /** Temporary names alive now; removed on failure or cancel. */
  const temporary = new Set<string>();
  const tempName = (name: string) => `.${name}.podterm-partial-${randomBytes(6).toString('hex')}`;

  const sendFile = async (entry: LocalEntry, path: string) => {
    throwIfCancelled(options.signal);
    progress.startFile(entry.parts.join('/'));
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        progress.add(chunk.length);
        callback(null, chunk);
      },
    });
    await pipeline(createReadStream(entry.path), counter, files.createWriteStream(path, entry.mode & 0o777), {
      signal: options.signal,
    });
    await files.setModeAndTimes(path, entry.mode, Math.floor(entry.atime), Math.floor(entry.mtime));
  };

  /** Builds a node at `path` (a name nobody else uses), children first, times last (writing children moves them). */
  const build = async (node: Node, path: string): Promise<void> => {
    if (node.entry.kind === 'file') return sendFile(node.entry, path);
    await files.mkdir(path, 0o700);
    for (const child of node.children) await build(child, remoteJoin(path, child.entry.parts.at(-1) ?? ''));
    await files.setModeAndTimes(path, node.entry.mode, Math.floor(node.entry.atime), Math.floor(node.entry.mtime));
  };

  const place = async (node: Node, parent: string): Promise<void> => {
    const name = node.entry.parts.at(-1) ?? '';
    checkName(name, `"${node.entry.path}"`);
    const target = remoteJoin(parent, name);
    const there = await files.lstat(target);
    if (there?.kind === 'directory' && node.entry.kind === 'directory') {
      for (const child of node.children) await place(child, target);
      await files.setModeAndTimes(target, node.entry.mode, Math.floor(node.entry.atime), Math.floor(node.entry.mtime));
      return;
    }
    if (there?.kind === 'directory') {
      throw new FileTransferError(
        'conflict',
        `${target} is a folder on the server; a file of that name cannot replace it. Rename one of them.`,
      );
    }
    const temp = remoteJoin(parent, tempName(name));
    temporary.add(temp);
    await build(node, temp);
    // A symlink or file in the way is replaced by the rename itself, never followed.
    await files.rename(temp, target);
    temporary.delete(temp);
  };

  try {
    for (const root of nest(tree.entries)) await place(root, folder);
    progress.finish();
    return { bytes: progress.done, savedAs: folder, skipped: tree.skipped };
  } catch (error) {
    for (const temp of temporary) await removeRemote(files, temp);
    if (options.signal?.aborted) throw cancelled();
    throw remoteFailure('The upload', error);
  }
}

export async function sftpDownload(
  files: RemoteFileSystem,
  remotePath: string,
  localFolder: string,
  options: TransferOptions = {},
): Promise<FileTransferResult> {
  const { name } = splitRemotePath(remotePath);
  const absolute = await files.realpath(remotePath.trim()).catch(() => remotePath.trim());
  const top = await files.lstat(absolute).catch((error: unknown) => {
    throw remoteFailure('Reading the path', error);
  });
  if (top === null) throw new FileTransferError('notFound', `Nothing at ${absolute} on the server: check the path.`);
  if (top.kind !== 'file' && top.kind !== 'directory') {
    throw new FileTransferError(
      'notFound',
      `${absolute} is a ${top.kind === 'symlink' ? 'symlink' : 'special file'}; choose the file it names.`,
    );
  }
  // The list first, for the total; only names and stats are held, never data.
  const list: Array<{ parts: string[]; stat: RemoteFileStat; remote: string }> = [];
  const skipped: string[] = [];
  const walk = async (remote: string, parts: string[], stat: RemoteFileStat): Promise<void> => {
    throwIfCancelled(options.signal);
    if (stat.kind !== 'file' && stat.kind !== 'directory') {
      skipped.push(parts.join('/'));
      return;
    }
    list.push({ parts, stat, remote });
    if (stat.kind !== 'directory') return;
    const children = await files.readdir(remote);
    children.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const child of children) {
      checkName(child.name, `the server's name "${child.name}" in ${remote}`);
      await walk(remoteJoin(remote, child.name), [...parts, child.name], child.stat);
    }
  };
  const staging = await makeStagingFolder(localFolder);
  try {
    await walk(absolute, [name], top);
    const progress = new ProgressCounter(
      list.reduce((sum, item) => sum + (item.stat.kind === 'file' ? item.stat.size : 0), 0),
      false,
      options,
    );
    for (const item of list) {
      throwIfCancelled(options.signal);
      if (item.stat.kind === 'directory') {
        await ensureLocalFolder(staging, item.parts, 0o700);
        continue;
      }
      const parent = await ensureLocalFolder(staging, item.parts.slice(0, -1), 0o700);
      progress.startFile(item.parts.join('/'));
      const local = join(parent, item.parts.at(-1) ?? name);
      const source = files.createReadStream(item.remote);
      const onAbort = () => source.destroy(cancelled());
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await writeLocalFile(local, 0o600, source as AsyncIterable<Buffer>, (count) => progress.add(count));
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
      await chmod(local, item.stat.mode);
      await utimes(local, item.stat.atime, item.stat.mtime);
    }
    // Folders last, deepest first: writing into a folder changes its time.
    for (const item of [...list].reverse()) {
      if (item.stat.kind !== 'directory') continue;
      const local = join(staging, ...item.parts);
      await chmod(local, item.stat.mode | 0o700);
      await utimes(local, item.stat.atime, item.stat.mtime);
    }
    throwIfCancelled(options.signal);
    const target = join(localFolder, await freeLocalName(localFolder, name));
    await moveIntoPlace(staging, name, target);
    if (top.kind === 'directory') await chmod(target, top.mode);
    progress.finish();
    return { bytes: progress.done, savedAs: target, skipped };
  } catch (error) {
    await removeStaging(staging);
    if (options.signal?.aborted) throw cancelled();
    throw remoteFailure('The download', error);
  }
}
