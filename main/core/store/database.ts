/**
 * The one file that imports better-sqlite3 (one wrapper per third-party library): opening the database file with the
 * settings every connection needs. Everything else in the store sees only the `Database` type exported here.
 */
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

/**
 * Opens (creating if missing) the database file at `path` with: WAL (readers never block the writer, and a crash
 * mid-write cannot corrupt the file), foreign keys enforced (SQLite leaves them off by default, per connection), a busy
 * timeout, and secure_delete (a cleared secret's ciphertext is overwritten instead of lingering in free pages, where a
 * later leak of the key would expose it).
 */
export function openDatabase(path: string): Database {
  const db = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The schema version stored in the file header (0 for a new file). */
export function readUserVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
