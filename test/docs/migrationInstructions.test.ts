/**
 * MIGRATION_INSTRUCTIONS.md's troubleshooting section cannot drift from the code: every failure reason the code can
 * report has a row, every row names a reason the code has, and every "message contains" phrase is still in the source.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTEXT_CHOICE_FAILURES } from '../../main/core/kube/access/contextChoice';
import { DEBUG_CONTAINER_FAILURES } from '../../main/core/kube/api/debugContainers';
import { POD_READ_FAILURES } from '../../main/core/kube/api/podReader';
import { HOST_KEY_ERROR_KINDS } from '../../main/core/ssh/hostKeys';
import { KUBE_EXEC_FAILURES } from '../../main/core/kube/exec/execErrors';
import { SSH_CONNECT_FAILURES } from '../../main/core/ssh/sshSession';

const root = fileURLToPath(new URL('../..', import.meta.url));
const guide = readFileSync(join(root, 'MIGRATION_INSTRUCTIONS.md'), 'utf8');
const troubleshooting = guide.slice(guide.indexOf('## 4. Troubleshooting'), guide.indexOf('## 5.'));

/** The families the guide documents, each with the reasons the code can report. */
const FAMILIES: Record<string, readonly string[]> = {
  ssh: SSH_CONNECT_FAILURES,
  'host-key': HOST_KEY_ERROR_KINDS,
  'kube-exec': KUBE_EXEC_FAILURES,
  'pod-read': POD_READ_FAILURES,
  context: CONTEXT_CHOICE_FAILURES,
  'debug-container': DEBUG_CONTAINER_FAILURES,
};

/** Codes in the first column of the guide's tables: "| `family/reason` |". */
function documentedCodes(): string[] {
  return [...troubleshooting.matchAll(/^\|\s*`([a-z-]+\/[A-Za-z]+)`\s*\|/gm)].map((match) => match[1]!);
}

function sourceText(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx)$/.test(name)) texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of ['main', 'common', 'renderer/src']) walk(join(root, dir));
  return texts.join('\n');
}

describe('MIGRATION_INSTRUCTIONS.md troubleshooting', () => {
  it('has a row for every failure reason in the code, and no row for one that does not exist', () => {
    const expected = Object.entries(FAMILIES).flatMap(([family, reasons]) => reasons.map((r) => `${family}/${r}`));
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(0);
    expect(new Set(documented).size, 'a code is documented twice').toBe(documented.length);
    expect([...documented].sort()).toEqual([...expected].sort());
  });

  it('quotes only words the code still says', () => {
    const other = troubleshooting.slice(troubleshooting.indexOf('### Other messages'));
    const phrases = [...other.matchAll(/^\|\s*`([^`]+)`/gm)].map((match) => match[1]!);
    expect(phrases.length).toBeGreaterThan(5);
    const source = sourceText();
    for (const phrase of phrases) expect(source.includes(phrase), `"${phrase}" is no longer in the code`).toBe(true);
  });
});
