// `npm run bench [-- --quick] [-- --only B4,B7] [-- --json FILE]`: the performance figures B1–B10 of the design
// (/work/shared/design/performance.md, quoted in README.md "Performance"), each measured against its baseline in the same
// run. The bench is TypeScript under test/bench/ and reuses the test harness (sshd, the test API server, the browser
// mode in Chromium); esbuild bundles it the way scripts/build.mjs bundles main (dependencies stay in node_modules), and
// Node runs the bundle. It measures the built app, so it builds first unless --no-build is given.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

if (!args.includes('--no-build')) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

// Next to the sources' node_modules, so the bundle's bare imports (ws, ssh2, playwright-core) resolve from it.
const outDir = mkdtempSync(join(root, 'node_modules/.podterm-bench-'));
try {
  await build({
    entryPoints: [join(root, 'test/bench/run.ts')],
    outfile: join(outDir, 'bench.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const run = spawnSync(process.execPath, ['--enable-source-maps', join(outDir, 'bench.mjs'), ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PODTERM_ROOT: root },
  });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
