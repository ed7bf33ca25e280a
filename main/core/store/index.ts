/**
 * The store's public surface: open the database, get the repositories. Nothing outside main/core/store writes SQL or
 * imports the files behind this one.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretBox } from '../secrets';
import { IN_MEMORY_PATH, openDatabase } from './database';
import { SqliteKnownHostRepository } from './knownHostRepository';
import { SqliteImportedKubeconfigRepository } from './importedKubeconfigRepository';
import { migrate } from './migrate';
import { type KubeconfigContextOf, SqlitePodRepository } from './podRepository';
import { SqliteSettingsRepository } from './settingsRepository';
import type { Store } from './types';

export type {
  KnownHostRepository,
  ImportedKubeconfigRepository,
  NewKubeconfig,
  PodConnectRecord,
  PodRepository,
  SettingsRepository,
  Store,
} from './types';
export { acquireAppLock, readAppLock, APP_LOCK_FILE_NAME } from './appLock';
export { SchemaTooNewError } from './migrate';
export type { KubeconfigContextOf } from './podRepository';

/** The database file's name inside the data directory. */
export const DATABASE_FILE_NAME = 'podterm.db';

/** The data directory holds secrets' ciphertexts and the host keys the user trusts: owner only. */
const DATA_DIR_MODE = 0o700;

export interface OpenStoreOptions {
  /** The database file, usually join(dataDir, DATABASE_FILE_NAME); ":memory:" for a throwaway store. */
  path: string;
  secretBox: SecretBox;
  /** The clock for created/updated/added times; tests pass their own. */
  now?: () => number;
  /** Names the context a pasted kubeconfig uses, stored beside it for the sidebar (core.ts passes kube/access's). */
  kubeconfigContextOf?: KubeconfigContextOf;
}

/**
 * Opens (creating if needed) the database, brings its schema up to date and builds the repositories. Throws
 * SchemaTooNewError for a database written by a newer Podterm, leaving it untouched.
 */
export function openStore({ path, secretBox, now = Date.now, kubeconfigContextOf }: OpenStoreOptions): Store {
  if (path !== IN_MEMORY_PATH) mkdirSync(dirname(path), { recursive: true, mode: DATA_DIR_MODE });
  const db = openDatabase(path);
  try {
    migrate(db);
    return {
      pods: new SqlitePodRepository(db, secretBox, now, kubeconfigContextOf),
      knownHosts: new SqliteKnownHostRepository(db, now),
      importedKubeconfigs: new SqliteImportedKubeconfigRepository(db, secretBox, now),
      settings: new SqliteSettingsRepository(db),
      path,
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
