/**
 * Fixed corpora, written once per run: a coloured `ls -lR`-like listing and plain prose-like text. The remote (a pty
 * behind sshd or the test API server) prints a corpus with `cat`; the bare page and the parser get the same bytes as the
 * pty delivers them ("\n" → "\r\n", the pty's onlcr).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a command prints after a corpus so the end is recognisable on screen without matching the typed command. */
export const END_MARKER = 'BENCH-42-END';
export const END_COMMAND = 'echo BENCH-$((40+2))-END';

export interface Corpus {
  name: string;
  /** The file the remote cats ("\n" line ends). */
  file: string;
  /** The same bytes as a pty delivers them, plus the end marker line: what the bare page is fed. */
  screenFile: string;
  bytes: number;
  screenBytes: Buffer;
}

function colouredListing(targetBytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let index = 0; size < targetBytes; index++) {
    const line =
      index % 40 === 0
        ? `\n./usr/share/dir${index}:\ntotal ${index * 4}\n`
        : `-rw-r--r-- 1 root root ${(index * 7919) % 100000} Jan ${(index % 28) + 1} 12:${String(index % 60).padStart(2, '0')} ` +
          (index % 3 === 0
            ? `\u001b[01;34mdirectory_${index}\u001b[0m`
            : index % 3 === 1
              ? `\u001b[01;32mscript_${index}.sh\u001b[0m`
              : `file_${index}.txt`) +
          '\n';
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

function plainText(targetBytes: number): string {
  const words = 'the quick brown fox jumps over a lazy dog while pods restart and logs scroll past'.split(' ');
  const parts: string[] = [];
  let size = 0;
  for (let index = 0; size < targetBytes; index++) {
    const line = Array.from({ length: 14 }, (_, word) => words[(index * 7 + word * 3) % words.length]).join(' ') + '\n';
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

export async function writeCorpora(dir: string, megabytes: number): Promise<Corpus[]> {
  const target = Math.round(megabytes * 1024 * 1024);
  const corpora = [
    { name: 'coloured ls -lR', text: colouredListing(target) },
    { name: 'plain text', text: plainText(target) },
  ];
  return Promise.all(
    corpora.map(async ({ name, text }, index) => {
      const file = join(dir, `corpus-${index}.txt`);
      const screenFile = join(dir, `corpus-${index}.screen`);
      const screenBytes = Buffer.from(`${text}${END_MARKER}\n`.replace(/\n/g, '\r\n'));
      await Promise.all([writeFile(file, text), writeFile(screenFile, screenBytes)]);
      return { name, file, screenFile, bytes: Buffer.byteLength(text), screenBytes };
    }),
  );
}
