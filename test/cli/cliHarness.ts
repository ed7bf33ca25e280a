/**
 * Runs the BUILT `podterm` command line (dist/main/cli.mjs) as a child process against real databases in temp
 * directories, as a user would. Rebuilds main (not the renderer) first when the bundle is older than its sources.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_ENTRY = join(root, 'dist/main/cli.mjs');
/** The sources the CLI bundle is made of. */
const SOURCE_DIRS = ['main/cli', 'main/core', 'common'].map((dir) => join(root, dir));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds main when dist/main/cli.mjs is missing or older than main/cli, main/core or common (npm test builds first). */
export function ensureCliBuilt(): void {
  const built = existsSync(CLI_ENTRY) ? statSync(CLI_ENTRY).mtimeMs : 0;
  if (built >= Math.max(...SOURCE_DIRS.map(newestSource))) return;
  const result = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--skip-renderer'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building the CLI failed:\n${result.stdout}${result.stderr}`);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/main/cli.mjs ...args` with HOME at `home` and no KUBECONFIG unless `env` sets one. */
export function runCli(args: string[], options: { home: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: options.home, ...options.env };
  if (!options.env?.KUBECONFIG) delete env.KUBECONFIG;
  for (const name of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'PODTERM_CLUSTER_HOST', 'PODTERM_TOKEN']) {
    if (!options.env?.[name]) delete env[name];
  }
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
