/** scripts/coreImports.mjs, the picture ARCHITECTURE.md quotes, runs on the tree and finds no import running back up. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The rooms top to bottom, as the picture must list them (peers in the order they are declared). */
const ROOMS_TOP_DOWN = [
  '(root)',
  'recordsTransfer',
  'pods',
  'clusterBrowser',
  'kubeconfigImport',
  'sessions',
  'connect',
  'files',
  'kube/exec',
  'ssh',
  'terminal',
  'kube/api',
  'kube/access',
  'store',
  'secrets',
  'net',
];

it('prints every room, top to bottom, with the rooms it imports, and flags nothing', () => {
  const run = spawnSync(process.execPath, ['scripts/coreImports.mjs'], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const rows = run.stdout.split('\n').filter((line) => /^ *\d+ {2}\S/.test(line));
  expect(rows.map((row) => row.trim().split(/ +/)[1])).toEqual(ROOMS_TOP_DOWN);
  expect(rows[0]).toMatch(/→ .*\bsessions\b/);
  expect(run.stdout).toContain('No import runs back up');
});

it('is quoted in ARCHITECTURE.md as the script prints it now, so the map cannot fall behind the code', () => {
  const run = spawnSync(process.execPath, ['scripts/coreImports.mjs'], { cwd: root, encoding: 'utf8' });
  const picture = run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
  const architecture = readFileSync(new URL('ARCHITECTURE.md', `file://${root}`), 'utf8');
  expect(architecture, 'run `node scripts/coreImports.mjs` and paste its output into ARCHITECTURE.md').toContain(
    picture,
  );
});
