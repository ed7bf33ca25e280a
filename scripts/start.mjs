// `npm start`: build, then run Podterm in Electron.
// Usage: node scripts/start.mjs [--no-build] [arguments for Podterm, e.g. --allow-insecure-secret-storage]
//   --no-build  launch what is already in dist/ (also lets a test reach the runtime check without building).
//
// The Electron runtime is a separate download that the `electron` package fetches from GitHub. Where that failed or is
// blocked, say so in one line and point at the browser mode, instead of the package's own stack trace. We read the
// package's path.txt ourselves rather than `import 'electron'`: importing it retries the download, which prints
// progress and can hang on a machine without network.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NO_BUILD_FLAG = '--no-build';
const RUNTIME_MISSING =
  'Podterm: the Electron runtime is not installed on this machine (its download failed or is blocked). ' +
  'Run `npm run web` to use Podterm in your browser instead.';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const skipBuild = args.includes(NO_BUILD_FLAG);
const appArgs = args.filter((arg) => arg !== NO_BUILD_FLAG);

/**
 * The Electron executable the `electron` package installed, resolved like its index.js but without downloading.
 * @returns {string | null} null when the package or its binary is missing
 */
function findElectronBinary() {
  let packageDir;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override
    ? join(override, relative || 'electron')
    : relative
      ? join(packageDir, 'dist', relative)
      : null;
  return binary && existsSync(binary) ? binary : null;
}

// Check before building: no point spending a build on a machine that cannot run the result.
const electronBinary = findElectronBinary();
if (!electronBinary) {
  console.error(RUNTIME_MISSING);
  process.exit(1);
}

if (!skipBuild) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// `electron .` reads package.json (main, productName, version), so userData and app.getVersion() are Podterm's.
const env = { ...process.env };
// Set, it would make Electron behave as plain Node and never open a window.
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electronBinary, ['.', ...appArgs], { cwd: root, stdio: 'inherit', env });

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    if (!child.killed) child.kill(signal);
  });
}
child.on('error', (error) => {
  console.error(`Podterm: could not start Electron (${error.message}).`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
