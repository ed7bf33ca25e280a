/**
 * Finds and opens the database the CLI works on, and decides what it may do with the secrets in it.
 *
 * The browser mode encrypts secrets with the key in `secret.key` beside the database: the CLI opens that key and can
 * read and write secrets. The desktop app encrypts them with Electron's safeStorage (the OS keychain), which plain Node
 * cannot use: there is no `secret.key`, and the CLI then works on non-secret fields only, keeping every stored secret.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  APP_LOCK_FILE_NAME,
  DATABASE_FILE_NAME,
  defaultDataDir,
  describeAppMode,
  desktopDataDir,
  FileKeySecretBox,
  openStore,
  readAppLock,
  SECRET_KEY_FILE_NAME,
  type SecretBox,
  SecretBoxError,
  type Store,
} from '../core';
import { CliError, EXIT_REFUSED, EXIT_USAGE } from './errors';

/** Said whenever a secret is needed and cannot be had. */
export const SEALED_SECRETS_MESSAGE =
  "secrets in this database are sealed by the desktop app's OS keychain (Electron safeStorage), which plain Node " +
  'cannot open; the CLI reads and writes the other fields and keeps every stored secret as it is';

/** A SecretBox for a desktop database: every use fails with SEALED_SECRETS_MESSAGE, nothing is ever written. */
class SealedSecretBox implements SecretBox {
  readonly description = "the desktop app's OS keychain (not available to the CLI)";
  async encrypt(): Promise<Uint8Array> {
    throw new SecretBoxError(SEALED_SECRETS_MESSAGE);
  }
  async decrypt(): Promise<string> {
    throw new SecretBoxError(SEALED_SECRETS_MESSAGE);
  }
}

export interface DataDirChoice {
  dataDir: string;
  /** For people: where the directory came from ("the desktop app's data directory"). */
  source: string;
  /** The desktop app's directory: never given a secret.key (the app would not use it). */
  desktop: boolean;
}

/** --data-dir DIR, else --web (the browser mode's directory), else the desktop app's userData directory. */
export function chooseDataDir(options: { dataDir?: string; web?: boolean }, env: NodeJS.ProcessEnv): DataDirChoice {
  if (options.dataDir) return { dataDir: resolve(options.dataDir), source: 'given with --data-dir', desktop: false };
  if (options.web) return { dataDir: defaultDataDir(env), source: "the browser mode's data directory", desktop: false };
  return { dataDir: desktopDataDir(process.platform, env), source: "the desktop app's data directory", desktop: true };
}

export interface OpenedDatabase {
  store: Store;
  dataDir: string;
  path: string;
  /** True when secrets cannot be read or written (a desktop database). */
  sealed: boolean;
  describe(): string;
}

/** How the secrets are kept, for the "Database:" line; a sealed non-desktop directory may have lost its key. */
function secretsNote(sealed: boolean, desktop: boolean, keyPath: string): string {
  if (!sealed) return `secrets encrypted with ${keyPath}`;
  if (desktop) return "secrets sealed by the desktop app's OS keychain";
  return `no ${keyPath}: secrets sealed by the desktop app's OS keychain, or the browser mode's key file is missing`;
}

/**
 * Opens the chosen database. `write` refuses (exit 2) while a running Podterm holds it, and may create a new database
 * in a --data-dir / --web directory; reading never creates or changes anything (the database is opened read-only, so
 * it works in a read-only data directory).
 */
export async function openDatabaseFor(choice: DataDirChoice, write: boolean): Promise<OpenedDatabase> {
  const path = join(choice.dataDir, DATABASE_FILE_NAME);
  const keyPath = join(choice.dataDir, SECRET_KEY_FILE_NAME);
  const exists = existsSync(path);
  if (!exists && (!write || choice.desktop)) {
    throw new CliError(
      EXIT_USAGE,
      `No Podterm database at ${path} (${choice.source}). Start Podterm once with that data directory, or ` +
        "point the CLI at another one with --data-dir DIR (or --web for the browser mode's).",
    );
  }
  if (write) refuseWhileAppRuns(choice.dataDir, path);
  // A key file means the browser mode's encryption; none beside an existing database means the desktop app's.
  const sealed = exists && !existsSync(keyPath);
  const secretBox = sealed ? new SealedSecretBox() : await FileKeySecretBox.open(keyPath);
  const store = openStore({ path, secretBox, access: write ? 'readWrite' : 'read' });
  return {
    store,
    dataDir: choice.dataDir,
    path,
    sealed,
    describe: () => `Database: ${path} (${choice.source}; ${secretsNote(sealed, choice.desktop, keyPath)})`,
  };
}

/** Exit 2 while a running Podterm holds the data directory: it would not see, or would overwrite, what we write. */
export function refuseWhileAppRuns(dataDir: string, path: string): void {
  const holder = readAppLock(dataDir);
  if (holder) {
    throw new CliError(
      EXIT_REFUSED,
      `Podterm (pid ${holder.pid}, ${describeAppMode(holder.mode)}) is using this database (${path}); ` +
        `quit it first, then run this again. If no Podterm is running, delete ${join(dataDir, APP_LOCK_FILE_NAME)}.`,
    );
  }
}
