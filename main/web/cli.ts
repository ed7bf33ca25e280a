/**
 * `npm run web` / `node dist/main/web.mjs`: the browser mode's entry point.
 *
 *   --data-dir DIR   where podterm.db and the secret key live (default $XDG_DATA_HOME/podterm, else ~/.local/share/podterm)
 *   --port N         listen on this loopback port (default 0: a free one)
 *   --renderer DIR   the built renderer (default: dist/renderer beside this file)
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCore, defaultDataDir, openDataDirSecretBox } from '../core';
import { startWebServer } from './server';
import { messageOf } from '../../common/errors';

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      renderer: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('Usage: npm run web -- [--data-dir DIR] [--port N]');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number from 0 to 65535, not "${values.port}"`);
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir(process.env));
  const rendererDir = resolve(values.renderer ?? join(here, '..', 'renderer'));
  // Refuses, saying how to recover, when secret.key is missing beside a database that holds secrets.
  const secretBox = await openDataDirSecretBox(dataDir);
  const core = createCore({ dataDir, secretBox, mode: 'web', version: packageVersion() });
  const server = await startWebServer({ core, rendererDir, port });

  console.log(`Podterm is running in browser mode. Data: ${dataDir}`);
  console.log(`Open ${server.url}`);
  console.log('That address logs in one browser, once; its reloads and other tabs at the same address stay logged in.');

  const stop = async () => {
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(here, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'dev';
  }
}

main().catch((error: unknown) => {
  console.error(`podterm: ${messageOf(error)}`);
  process.exit(1);
});
