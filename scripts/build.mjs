// Builds everything into dist/: the renderer with Vite, main (Electron and browser mode) and the preload with esbuild.
// Usage: node scripts/build.mjs [--skip-renderer]
import { build as esbuild } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipRenderer = process.argv.includes('--skip-renderer');

rmSync(`${root}dist/main`, { recursive: true, force: true });
rmSync(`${root}dist/preload`, { recursive: true, force: true });

/** @type {import('esbuild').BuildOptions} */
const nodeBundle = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  sourcemap: true,
  // Dependencies stay in node_modules: better-sqlite3 is native, and electron-builder packages node_modules anyway.
  packages: 'external',
  logLevel: 'warning',
  absWorkingDir: root,
};

await Promise.all([
  esbuild({ ...nodeBundle, entryPoints: ['main/web/cli.ts'], outfile: 'dist/main/web.mjs' }),
  esbuild({ ...nodeBundle, entryPoints: ['main/electron/main.ts'], outfile: 'dist/main/electron.mjs' }),
  // The `podterm` command line (package.json "bin"): runnable directly, hence the shebang.
  // Split so `pods backfill` alone loads the access chain (client-node): the other commands start in a fraction of the time.
  esbuild({
    ...nodeBundle,
    entryPoints: { cli: 'main/cli/podterm.ts' },
    outdir: 'dist/main',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'cli-chunks/[name]-[hash]',
    banner: { js: '#!/usr/bin/env node' },
  }),
  // A sandboxed preload is one CommonJS file that may require only 'electron' and a few built-ins.
  esbuild({
    ...nodeBundle,
    entryPoints: ['preload/preload.ts'],
    outfile: 'dist/preload/preload.cjs',
    format: 'cjs',
    packages: undefined,
    external: ['electron'],
  }),
]);

// Executable, so ./dist/main/cli.mjs runs as it will once npm links it as `podterm`.
chmodSync(`${root}dist/main/cli.mjs`, 0o755);

if (!skipRenderer) {
  const vite = spawnSync(
    process.execPath,
    [`${root}node_modules/vite/bin/vite.js`, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
console.log('podterm: built dist/ (renderer, main, preload)');
