/**
 * The store's public surface: open the database, get the repositories. Nothing outside main/core/store writes SQL or
 * imports the files behind this one.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretBox } from '../secrets';
import {
  type Database,
  type DatabaseAccess,
  DatabaseOpenError,
  IN_MEMORY_PATH,
  openDatabase,
  openSnapshot,
  readUserVersion,
} from './database';
import { SqliteKnownHostRepository } from './knownHostRepository';
import { SqliteImportedKubeconfigRepository } from './importedKubeconfigRepository';
import { migrate, newestSchemaVersion, SchemaTooNewError } from './migrate';
import { type KubeconfigContextOf, SqlitePodRepository } from './podRepository';
import { SqliteSettingsRepository } from './settingsRepository';
import { SqliteContextNamespaceRepository } from './contextNamespaceRepository';
import type { Store } from './types';

export type {
  ContextNamespaceRepository,
  KnownHostRepository,
  ImportedKubeconfigRepository,
  NewKubeconfig,
  PodConnectRecord,
  PodImportRequest,
  PodRepository,
  SettingsRepository,
  Store,
} from './types';
export { acquireAppLock, AppLockHeldError, describeAppMode, readAppLock, APP_LOCK_FILE_NAME } from './appLock';
export { SchemaTooNewError } from './migrate';
export {
  countStoredSecrets,
  DATABASE_FILE_NAME,
  forgetStoredSecrets,
  openDataDirSecretBox,
  SecretKeyMissingError,
  type StoredSecretCount,
} from './storedSecrets';
export { DatabaseOpenError, DATABASE_FILE_MODE, type DatabaseAccess } from './database';
export type { KubeconfigContextOf } from './podRepository';

/** The data directory holds secrets' ciphertexts and the host keys the user trusts: owner only. */
const DATA_DIR_MODE = 0o700;

export interface OpenStoreOptions {
  /** The database file, usually join(dataDir, DATABASE_FILE_NAME); ":memory:" for a throwaway store. */
  path: string;
  secretBox: SecretBox;
  /** The clock for created/updated/added times; tests pass their own. */
  now?: () => number;
  /**
   * 'read' opens without creating or changing anything, so commands that only read work on a read-only data
   * directory; writes through such a store fail. Default 'readWrite'.
   */
  access?: DatabaseAccess;
  /** Names the context a pasted kubeconfig uses, stored beside it for the sidebar (core.ts passes kube/access's). */
  kubeconfigContextOf?: KubeconfigContextOf;
}

/**
 * Opens (creating if needed) the database, brings its schema up to date and builds the repositories. Throws
 * SchemaTooNewError for a database written by a newer Podterm, leaving it untouched.
 */
export function openStore({
  path,
  secretBox,
  now = Date.now,
  access = 'readWrite',
  kubeconfigContextOf,
}: OpenStoreOptions): Store {
  if (path !== IN_MEMORY_PATH && access === 'readWrite') {
    mkdirSync(dirname(path), { recursive: true, mode: DATA_DIR_MODE });
  }
  let db = openDatabase(path, access);
  try {
    if (access === 'readWrite') migrate(db);
    else db = upToDateForReading(db, path);
    return {
      pods: new SqlitePodRepository(db, secretBox, now, kubeconfigContextOf),
      knownHosts: new SqliteKnownHostRepository(db, now),
      importedKubeconfigs: new SqliteImportedKubeconfigRepository(db, secretBox, now),
      settings: new SqliteSettingsRepository(db),
      contextNamespaces: new SqliteContextNamespaceRepository(db),
      path,
      close: () => db.close(),
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * A read-only connection cannot migrate, and migrating would change the file: a database from an older Podterm is read
 * through an in-memory copy brought up to date there (the file keeps its schema until a writing Podterm opens it).
 */
function upToDateForReading(db: Database, path: string): Database {
  const version = readUserVersion(db);
  const newest = newestSchemaVersion();
  if (version > newest) throw new SchemaTooNewError(path, version, newest);
  if (version === newest) return db;
  db.close();
  if (statSize(`${path}-wal`) > 0) {
    throw new DatabaseOpenError(
      path,
      `Cannot read the Podterm database ${path}: it was written by an older Podterm that has not finished with it ` +
        `(its write-ahead log ${path}-wal is not empty). Quit that Podterm, or start this one once, then try again.`,
    );
  }
  const copy = openSnapshot(path);
  try {
    migrate(copy);
    return copy;
  } catch (error) {
    copy.close();
    throw error;
  }
}

function statSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
