// Runs the sandbox (test/sandbox/main.ts): the test Kubernetes API server and a real sshd until Ctrl-C.
// Usage: node scripts/sandbox.mjs [--port N] [--out DIR]
// The harness is TypeScript, so it is bundled with esbuild first. The bundle goes under node_modules/.cache, not the
// system temp dir: its dependencies stay external and Node resolves them from the bundle's own location.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(root, 'node_modules', '.cache');
mkdirSync(cacheDir, { recursive: true });
const outDir = mkdtempSync(join(cacheDir, 'podterm-sandbox-'));
const outfile = join(outDir, 'sandbox.mjs');

await build({
  entryPoints: ['test/sandbox/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: root,
});
// The bundle is loaded into memory by the import; the file is not needed afterwards, and exit takes no cleanup hook.
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
