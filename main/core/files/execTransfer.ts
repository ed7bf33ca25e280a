/**
 * Files to and from a container the way `kubectl cp` moves them: a tar archive over an exec with plain pipes (no TTY),
 * `tar xf -` / `tar cf -` in the container. Unlike kubectl, an upload is unpacked into a hidden folder beside its
 * destination and moved into place only once tar succeeded, so a cancelled or broken upload leaves no partial file;
 * and every name in a downloaded archive is checked before anything is written. Modes and times follow kubectl cp
 * 1.32, checked against it in test/core/files/execTransfer.test.ts: an upload keeps modes (tar applies the container
 * user's umask unless it runs as root) and symlinks (as links), not modification times (kubectl runs `tar -xmf`); a
 * download makes files 0666 and folders 0755 through the local umask, keeps no times, and skips symlinks.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileTransferResult, FileUploadPlan } from '../../../common/contract';
import type { RemoteCommand, RemoteCommandEnd, RemoteFileAccess } from '../terminal';
import {
  ensureLocalFolder,
  freeLocalName,
  makeStagingFolder,
  moveIntoPlace,
  removeStaging,
  walkLocal,
  writeLocalFile,
  type LocalTree,
} from './localTree';
import { archivePathComponents, checkName } from './names';
import { cancelled, ProgressCounter, throwIfCancelled, type TransferOptions } from './progress';
import { END_OF_ARCHIVE, entryHeader, paddingAfter, readTar } from './tarFormat';
import { FileTransferError } from './transferError';

type ExecAccess = Extract<RemoteFileAccess, { kind: 'exec' }>;

/** What the scripts print on stderr so their failures can be told apart from tar's own words. */
const MARK_NO_TAR = 'podterm:no-tar';
const MARK_NO_FOLDER = 'podterm:no-folder';
const MARK_NOT_FOUND = 'podterm:not-found';
const MARK_CONFLICT = 'podterm:conflict';
const MARK_SIZE = 'podterm:size';
/** Exit code the scripts use when tar is missing (the shell's own "command not found"). */
const EXIT_NO_TAR = 127;
/** Local reads of 1 MiB: fewer, larger exec frames than fs's 64 KiB default; one chunk in memory at a time. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** kubectl cp's os.Create: downloaded files get 0666 through the umask (their archived mode is not kept). */
const KUBECTL_DOWNLOAD_FILE_MODE = 0o666;

/** sh preamble: resolve the folder ($1; relative means relative to $HOME, empty means $HOME) and require tar. */
const PREAMBLE = `command -v tar >/dev/null 2>&1 || { echo '${MARK_NO_TAR}' >&2; exit ${EXIT_NO_TAR}; }
cd || exit 66
case $1 in '') ;; *) cd -- "$1" 2>/dev/null || { echo '${MARK_NO_FOLDER}' >&2; exit 66; } ;; esac
`;

/**
 * The upload: unpack into a hidden folder in the destination, then move each item into place. A folder that exists
 * is merged into; a file (or a symlink, which is replaced, never followed) is replaced by mv, which renames.
 */
const UPLOAD_SCRIPT = `${PREAMBLE}staging="$PWD/.podterm-partial-$2"
mkdir -m 700 -- "$staging" || exit 73
trap 'rm -rf -- "$staging"' EXIT
trap 'exit 130' HUP INT TERM PIPE
tar -xmof - -C "$staging" || exit 74
merge() {
  for entry in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    target="$2/\${entry##*/}"
    if [ -d "$target" ] && [ ! -L "$target" ]; then
      if [ -d "$entry" ] && [ ! -L "$entry" ]; then merge "$entry" "$target" || return 1
      else echo "${MARK_CONFLICT} $target" >&2; return 1; fi
    else
      if [ -L "$target" ]; then rm -f -- "$target" || return 1; fi
      mv -f -- "$entry" "$target" || return 1
    fi
  done
}
merge "$staging" "$PWD" || exit 75
`;

/** The plan: the absolute destination, then one line per path (read from stdin) that exists: its type and path. */
const PLAN_SCRIPT = `${PREAMBLE}pwd
while IFS= read -r path; do
  if [ -L "$path" ]; then echo "l $path"
  elif [ -d "$path" ]; then echo "d $path"
  elif [ -e "$path" ]; then echo "f $path"; fi
done
`;

/** The download: $1 the folder, $2 the name in it; the size (KiB, for progress) on stderr, then the archive. */
const DOWNLOAD_SCRIPT = `${PREAMBLE}[ -e "./$2" ] || [ -L "./$2" ] || { echo '${MARK_NOT_FOUND}' >&2; exit 66; }
printf '%s %s\\n' '${MARK_SIZE}' "$(du -sk -- "./$2" 2>/dev/null | cut -f1)" >&2
exec tar cf - -- "./$2"
`;

function sh(script: string, ...args: string[]): string[] {
  // $0 is "sh" so messages read like the shell's own.
  return ['sh', '-c', script, 'sh', ...args];
}

function failure(access: ExecAccess, command: RemoteCommand, end: RemoteCommandEnd, doing: string): FileTransferError {
  const stderr = command.stderr();
  if (end.programMissing) {
    return new FileTransferError(
      'noTar',
      `${access.target} has no shell (sh), so files cannot be copied with tar as kubectl cp does. Copy through a debug container that has sh and tar (kubectl debug -it <pod> --image=busybox --target=<container>, then use its /proc/1/root).`,
    );
  }
  if (stderr.includes(MARK_NO_TAR) || end.code === EXIT_NO_TAR) {
    return new FileTransferError(
      'noTar',
      `${access.target} has no tar, which copying files needs (kubectl cp needs it too). Install tar in the image, or copy through a debug container that has it (kubectl debug -it <pod> --image=busybox --target=<container>, then use its /proc/1/root).`,
    );
  }
  if (stderr.includes(MARK_NO_FOLDER)) {
    return new FileTransferError(
      'notFound',
      `The folder does not exist in ${access.target}, or cannot be entered: choose another.`,
    );
  }
  if (stderr.includes(MARK_NOT_FOUND)) {
    return new FileTransferError('notFound', `Nothing of that name in ${access.target}: check the path.`);
  }
  const conflict = stderr.split('\n').find((line) => line.startsWith(MARK_CONFLICT));
  if (conflict !== undefined) {
    return new FileTransferError(
      'conflict',
      `${conflict.slice(MARK_CONFLICT.length + 1)} is a folder; a file of that name cannot replace it. Rename one of them.`,
    );
  }
  const said = stderr.trim() || end.message || `exit code ${String(end.code)}`;
  return new FileTransferError('remote', `${doing} in ${access.target} failed: ${said}`);
}

async function collect(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** What an upload of `paths` into `destination` would replace. */
export async function planExecUpload(
  access: ExecAccess,
  paths: readonly string[],
  destination: string,
): Promise<FileUploadPlan> {
  const tree = await walkLocal(paths, 'keep');
  for (const entry of tree.entries) for (const part of entry.parts) checkName(part, `"${entry.path}"`, false);
  const command = await access.run(sh(PLAN_SCRIPT, destination));
  const output = collect(command.stdout);
  command.stdin.end(tree.entries.map((entry) => `./${entry.parts.join('/')}\n`).join(''));
  const [text, end] = await Promise.all([output, command.finished]);
  if (end.code !== 0) throw failure(access, command, end, 'Looking at the destination');
  const [absolute = destination, ...lines] = text.split('\n').filter((line) => line !== '');
  const found = new Map(lines.map((line) => [line.slice(4), line[0]] as const));
  return planFrom(tree, absolute, (parts) => found.get(parts.join('/')) as 'l' | 'd' | 'f' | undefined);
}

/** Shared with the SFTP side: what exists where the tree would go, as overwrites and conflicts. */
export function planFrom(
  tree: LocalTree,
  destination: string,
  existing: (parts: string[]) => 'l' | 'd' | 'f' | undefined,
): FileUploadPlan {
  const overwrites: string[] = [];
  const conflicts: string[] = [];
  /** Below a replaced file or link nothing else exists any more. */
  const replaced = new Set<string>();
  for (const entry of tree.entries) {
    const key = entry.parts.join('/');
    if (entry.parts.some((_, index) => replaced.has(entry.parts.slice(0, index).join('/')))) continue;
    const there = existing(entry.parts);
    if (there === undefined) {
      replaced.add(key); // nothing there: nothing deeper exists either
    } else if (there === 'd') {
      if (entry.kind !== 'directory') conflicts.push(key);
    } else {
      if (entry.kind === 'directory' && there === 'f') conflicts.push(key);
      else overwrites.push(key);
      replaced.add(key);
    }
  }
  return {
    destination,
    files: tree.entries.filter((entry) => entry.kind === 'file').length,
    folders: tree.entries.filter((entry) => entry.kind === 'directory').length,
    bytesTotal: tree.totalBytes,
    overwrites,
    conflicts,
    skipped: tree.skipped,
  };
}

/** The archive of a local tree, produced as it is read: one file's chunk in memory at a time. */
async function* archive(
  tree: LocalTree,
  progress: ProgressCounter,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer> {
  for (const entry of tree.entries) {
    throwIfCancelled(signal);
    const path = entry.parts.join('/');
    yield entryHeader({
      path,
      kind: entry.kind,
      size: entry.size,
      mode: entry.mode,
      mtime: entry.mtime,
      linkTarget: entry.linkTarget,
    });
    if (entry.kind !== 'file') continue;
    progress.startFile(path);
    let sent = 0;
    for await (const chunk of createReadStream(entry.path, { highWaterMark: READ_CHUNK_BYTES })) {
      throwIfCancelled(signal);
      const piece = chunk as Buffer;
      // A file that grew while it was read: the header promised its old size, and tar reads exactly that.
      const fits = piece.subarray(0, Math.max(0, entry.size - sent));
      sent += fits.length;
      progress.add(fits.length);
      if (fits.length > 0) yield fits;
      if (sent >= entry.size) break;
    }
    if (sent < entry.size) {
      throw new FileTransferError('local', `${entry.path} shrank while it was being sent; try again.`);
    }
    const padding = paddingAfter(entry.size);
    if (padding > 0) yield Buffer.alloc(padding);
  }
  yield END_OF_ARCHIVE;
}

export async function execUpload(
  access: ExecAccess,
  paths: readonly string[],
  destination: string,
  options: TransferOptions = {},
): Promise<FileTransferResult> {
  // Links go as links, as kubectl cp sends them: tar makes the link and nothing is written through it.
  const tree = await walkLocal(paths, 'keep');
  for (const entry of tree.entries) for (const part of entry.parts) checkName(part, `"${entry.path}"`);
  throwIfCancelled(options.signal);
  const progress = new ProgressCounter(tree.totalBytes, false, options);
  const command = await access.run(sh(UPLOAD_SCRIPT, destination, randomBytes(6).toString('hex')));
  let cancelledHere = false;
  const onAbort = () => {
    cancelledHere = true;
    // End of input in the middle of the archive: tar fails, and the script's trap removes the hidden folder.
    command.closeStdin();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const sending = pipeline(Readable.from(archive(tree, progress, options.signal)), command.stdin).catch(
      (error: unknown) => {
        if (options.signal?.aborted) return; // the abort handler ended the input
        if (error instanceof FileTransferError) throw error;
        // The command ended early (tar refused, the folder is missing): its own words explain more than EPIPE.
      },
    );
    const [end] = await Promise.all([command.finished, sending, collect(command.stdout)]);
    if (cancelledHere || options.signal?.aborted) throw cancelled();
    if (end.code !== 0) throw failure(access, command, end, 'Unpacking the upload');
    progress.finish();
    return { bytes: progress.done, savedAs: destination, skipped: tree.skipped };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Splits a remote path into its folder and its last name (checked: "/" or ".." cannot be downloaded by name). */
export function splitRemotePath(path: string): { folder: string; name: string } {
  const normal = posix.normalize(path.trim()).replace(/\/+$/, '');
  const name = posix.basename(normal);
  checkName(name, `the remote path "${path}"`);
  const folder = posix.dirname(normal);
  return { folder: folder === '.' ? '' : folder, name };
}

export async function execDownload(
  access: ExecAccess,
  remotePath: string,
  localFolder: string,
  options: TransferOptions = {},
): Promise<FileTransferResult> {
  const { folder, name } = splitRemotePath(remotePath);
  const progress = new ProgressCounter(0, true, options);
  const staging = await makeStagingFolder(localFolder);
  const skipped: string[] = [];
  let command: RemoteCommand | null = null;
  const onAbort = () => command?.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    command = await access.run(sh(DOWNLOAD_SCRIPT, folder, name));
    command.stdin.end();
    const running = command;
    let sized = false;
    const unpacking = readTar(running.stdout as AsyncIterable<Buffer>, async (entry, data) => {
      if (!sized) {
        sized = true;
        const line = running
          .stderr()
          .split('\n')
          .find((text) => text.startsWith(MARK_SIZE));
        const kib = Number(line?.slice(MARK_SIZE.length + 1));
        if (kib > 0) progress.setTotal(kib * 1024, true);
      }
      throwIfCancelled(options.signal);
      const parts = archivePathComponents(entry.path);
      if (parts[0] !== name) {
        throw new FileTransferError(
          'badName',
          `Refused the archive member "${entry.path}": it is not under "${name}".`,
        );
      }
      if (entry.kind === 'directory') {
        // kubectl cp makes every folder 0755 (through the umask).
        await ensureLocalFolder(staging, parts, 0o755);
      } else if (entry.kind === 'file') {
        const parent = await ensureLocalFolder(staging, parts.slice(0, -1), 0o755);
        progress.startFile(parts.join('/'));
        // kubectl cp creates downloaded files 0666 through the umask, whatever the archive says; so do we.
        await writeLocalFile(join(parent, parts.at(-1) ?? name), KUBECTL_DOWNLOAD_FILE_MODE, data, (count) =>
          progress.add(count),
        );
      } else {
        skipped.push(parts.join('/'));
      }
    });
    const [end] = await Promise.all([running.finished, unpacking]);
    throwIfCancelled(options.signal);
    if (end.code !== 0) throw failure(access, running, end, 'Reading the file');
    const savedName = await freeLocalName(localFolder, name);
    const target = join(localFolder, savedName);
    await moveIntoPlace(staging, name, target);
    progress.finish();
    return { bytes: progress.done, savedAs: target, skipped };
  } catch (error) {
    await removeStaging(staging);
    if (options.signal?.aborted) throw cancelled();
    if (error instanceof FileTransferError) throw error;
    throw new FileTransferError('remote', `Downloading from ${access.target} failed: ${(error as Error).message}`);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    command?.abort();
  }
}
