// `npm start` where the Electron runtime is missing (as on these build machines): one clear line, exit code 1.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const EXPECTED =
  'Podterm: the Electron runtime is not installed on this machine (its download failed or is blocked). ' +
  'Run `npm run web` to use Podterm in your browser instead.';

/** Whether an Electron binary is installed, judged independently of start.mjs (from the package's path.txt). */
function electronBinaryPresent(): boolean {
  const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return false;
  return existsSync(join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

const present = electronBinaryPresent();
if (present) console.log('start.test: skipped, an Electron binary is installed here, so `npm start` would launch it');

describe('scripts/start.mjs', () => {
  it.skipIf(present)('says in one line that the Electron runtime is missing, and exits 1', () => {
    const env = { ...process.env };
    delete env.ELECTRON_OVERRIDE_DIST_PATH;
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs'), '--no-build'], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${EXPECTED}\n`);
  });
});
