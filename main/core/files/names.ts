/**
 * The one check every name in a transfer passes, on both sides, before anything is written: a name is one path
 * component, so joining it to the chosen folder can never leave that folder. Archives from a container and folder
 * listings from a server are input like any other: a "../x" or "/etc/x" in them is refused, not trusted.
 */
import { FileTransferError } from './transferError';

/** Names that mean something other than a file in the folder. */
const SPECIAL = new Set(['', '.', '..']);

/**
 * Null when `name` is a plain file name; else why not. `lineBreaksAllowed` is false for names that cross a shell
 * script line by line (the Kubernetes side's overwrite check).
 */
export function nameProblem(name: string, lineBreaksAllowed = true): string | null {
  if (SPECIAL.has(name)) return `"${name}" is not a file name`;
  if (name.includes('/')) return `"${name}" contains a slash`;
  if (name.includes('\0')) return `"${name.replace(/\0/g, '\\0')}" contains a NUL byte`;
  if (!lineBreaksAllowed && /[\r\n]/.test(name)) return `"${JSON.stringify(name)}" contains a line break`;
  return null;
}

export function checkName(name: string, where: string, lineBreaksAllowed = true): void {
  const problem = nameProblem(name, lineBreaksAllowed);
  if (problem !== null) {
    throw new FileTransferError(
      'badName',
      `Refused ${where}: ${problem}. Nothing outside the chosen folder is written.`,
    );
  }
}

/**
 * Splits an archive member's path ("./dir/file", "dir/file") into checked components. An absolute path or a ".."
 * anywhere is refused, as are empty components in the middle.
 */
export function archivePathComponents(path: string): string[] {
  if (path.startsWith('/')) {
    throw new FileTransferError('badName', `Refused the archive member "${path}": it is an absolute path.`);
  }
  const parts = path.split('/').filter((part, index) => !(index === 0 && part === '.'));
  for (const part of parts) checkName(part, `the archive member "${path}"`);
  return parts;
}

/** '/'-joins remote path pieces without doubling slashes. */
export function remoteJoin(folder: string, name: string): string {
  return folder.endsWith('/') ? `${folder}${name}` : `${folder}/${name}`;
}
