/**
 * The one file that imports better-sqlite3 (one wrapper per third-party library): opening the database file with the
 * settings every connection needs. Everything else in the store sees only the `Database` type exported here.
 */
import { chmodSync, closeSync, existsSync, fchmodSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** An open SQLite connection. Synchronous: a statement runs to completion before the event loop moves on. */
export type Database = BetterSqlite3.Database;

/** A prepared statement taking `Params` (a tuple of positional values, or one object of named values). */
export type Statement<Params extends unknown[] | object = unknown[], Row = unknown> = BetterSqlite3.Statement<
  Params extends unknown[] ? Params : [Params],
  Row
>;

/**
 * How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. Two Podterm
 * processes (desktop and browser mode) may share a data directory; their writes are single-row and take milliseconds,
 * so five seconds only runs out when something is really stuck.
 */
export const BUSY_TIMEOUT_MS = 5_000;

/** The name SQLite uses for a private in-memory database; some tests use one. */
export const IN_MEMORY_PATH = ':memory:';

/** podterm.db holds every record and the ciphertext of every secret: owner read/write only. */
export const DATABASE_FILE_MODE = 0o600;
/** SQLite's companion files: the write-ahead log and its index. They hold recent pages of the database. */
const COMPANION_SUFFIXES = ['-wal', '-shm'] as const;
/** A database file's header: byte 18 and 19 are its write and read format versions; 2 means WAL, 1 rollback journal. */
const HEADER_WRITE_VERSION_OFFSET = 18;
const HEADER_READ_VERSION_OFFSET = 19;
const ROLLBACK_JOURNAL_FORMAT = 1;

/** Whether a connection may write (and create) the file, or only reads what is there. */
export type DatabaseAccess = 'readWrite' | 'read';

/** The database file could not be opened; the message names the file, what is wrong and what to do. */
export class DatabaseOpenError extends Error {
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}

/**
 * Opens the database file at `path` with the settings every connection needs. `readWrite` (the default) creates the file
 * if missing, owner-only whatever the umask, and turns on WAL (readers never block the writer, and a crash mid-write
 * cannot corrupt the file), foreign keys (SQLite leaves them off by default, per connection), a busy timeout, and
 * secure_delete (a cleared secret's ciphertext is overwritten instead of lingering in free pages, where a later leak of
 * the key would expose it). `read` never creates or changes anything, and works in a read-only directory. Failures are
 * DatabaseOpenErrors naming the file and the remedy.
 */
export function openDatabase(path: string, access: DatabaseAccess = 'readWrite'): Database {
  if (path === IN_MEMORY_PATH) return configure(new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS }), access);
  try {
    if (access === 'read') return openForReading(path);
    restrictFileModes(path);
    return configure(new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS }), access);
  } catch (error) {
    throw explainOpenFailure(path, error);
  }
}

function configure(db: Database, access: DatabaseAccess): Database {
  try {
    if (access === 'readWrite') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    if (access === 'readWrite') db.pragma('secure_delete = ON');
    // Reading the schema now makes a file that is not a database fail here, with the open's error message.
    db.pragma('user_version', { simple: true });
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * SQLite gives new files (the database and, after it, its -wal and -shm, which copy the database's mode) 0644 less the
 * umask: creating the file first with 0600 and narrowing existing ones keeps every copy of the data owner-only, whatever
 * the data directory's mode or the umask.
 */
function restrictFileModes(path: string): void {
  const fd = openSync(path, 'a', DATABASE_FILE_MODE);
  try {
    if ((fstatSync(fd).mode & 0o777) !== DATABASE_FILE_MODE) fchmodSync(fd, DATABASE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
  for (const suffix of COMPANION_SUFFIXES) {
    try {
      chmodSync(path + suffix, DATABASE_FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/**
 * A read-only connection. In WAL mode SQLite needs the -shm file, and creates it when missing, which a read-only
 * directory refuses; then, when there is no -wal file (nothing waiting to be merged into the database, as after every
 * clean close), the file is read whole into memory and read from there instead.
 */
function openForReading(path: string): Database {
  try {
    return configure(
      new BetterSqlite3(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS }),
      'read',
    );
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'SQLITE_CANTOPEN' || !existsSync(path) || existsSync(`${path}-wal`)) {
      throw error;
    }
    return openSnapshot(path);
  }
}

/** An in-memory copy of the file (writable in memory only, so an older schema can be brought up to date for reading). */
export function openSnapshot(path: string): Database {
  const bytes = readFileSync(path);
  // An in-memory database cannot use WAL: read the copy as a rollback-journal database, which holds the same pages.
  if (bytes.length > HEADER_READ_VERSION_OFFSET) {
    bytes[HEADER_WRITE_VERSION_OFFSET] = ROLLBACK_JOURNAL_FORMAT;
    bytes[HEADER_READ_VERSION_OFFSET] = ROLLBACK_JOURNAL_FORMAT;
  }
  return configure(new BetterSqlite3(bytes), 'read');
}

/** SQLite's and the file system's failures, in words a person can act on. */
function explainOpenFailure(path: string, error: unknown): Error {
  if (error instanceof DatabaseOpenError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  const dir = dirname(path);
  const say = (problem: string, remedy: string) =>
    new DatabaseOpenError(path, `Cannot open the Podterm database ${path}: ${problem}. ${remedy}`, { cause: error });
  switch (code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return say(
        `it is not a SQLite database or it is damaged (${detail})`,
        `Restore it from a backup, or move it aside (mv ${path} ${path}.damaged) to start with an empty database.`,
      );
    case 'EACCES':
    case 'EPERM':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return say(
        `permission denied (${detail})`,
        `Check that you own it and the directory ${dir} (ls -l ${path}), or use another data directory (--data-dir DIR).`,
      );
    case 'EROFS':
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
      return say(
        `it cannot be opened for writing, or its directory ${dir} does not let SQLite create its -wal and -shm files (${detail})`,
        `Make ${dir} and the file writable by you (commands that only read, such as podterm pods list, work without that), ` +
          'or use another data directory (--data-dir DIR).',
      );
    case 'ENOSPC':
    case 'SQLITE_FULL':
      return say(`the disk is full (${detail})`, `Free some space on the disk holding ${dir}.`);
    case 'ENOENT':
      return say(`it does not exist (${detail})`, 'Check the path, or start Podterm once to create it.');
    default:
      return say(detail, `Check the file and its directory ${dir}, or restore the file from a backup.`);
  }
}

/** The schema version stored in the file header (0 for a new file). */
export function readUserVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
