/**
 * A container image without some programs (tar, for `kubectl cp`), made by PATH: a folder of links to every program
 * of the usual PATH except the hidden ones, and the exec's PATH set to that folder alone. The process still runs on
 * this machine, but neither execvp nor its shell can find what is hidden, as in an image that lacks it.
 */
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTAINER_PATH } from './exec';

/** Makes `<root>/<name>` with links to CONTAINER_PATH's programs except `hidden`; returns it as a PATH value. */
export async function pathWithout(root: string, name: string, hidden: readonly string[]): Promise<string> {
  const folder = join(root, name);
  await mkdir(folder, { recursive: true });
  const linked = new Set<string>(hidden);
  for (const dir of CONTAINER_PATH.split(':')) {
    const programs = await readdir(dir).catch(() => [] as string[]);
    for (const program of programs) {
      if (linked.has(program)) continue;
      linked.add(program);
      await symlink(join(dir, program), join(folder, program));
    }
  }
  return folder;
}
