/**
 * For the tests of the schema runner and of each step (test/core/store/migrations/, one file per step): a raw database
 * file per test that the test migrates itself, the version a step starts from, and a pods row to migrate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, type Database } from '../../main/core/store/database';
import { DATABASE_FILE_NAME } from '../../main/core/store';
import type { Migration } from '../../main/core/store/migrate';
import { MIGRATIONS } from '../../main/core/store/migrations';

export interface TempDatabase {
  /** The test's own temp directory. */
  readonly dir: string;
  /** podterm.db in `dir`; nothing is there until `open()`. */
  readonly path: string;
  /** Opens the file without migrating it, closing the connection opened before, if any. */
  open(): Database;
  /** Closes the connection, if one is open (e.g. to read the file's bytes). */
  close(): void;
}

/**
 * A database file in a new temp directory for each test of the file (or of the describe block it is called in),
 * closed and removed after the test.
 */
export function useTempDatabase(prefix = 'podterm-migrate-'): TempDatabase {
  let dir = '';
  let db: Database | null = null;
  const close = () => {
    db?.close();
    db = null;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get path() {
      return join(dir, DATABASE_FILE_NAME);
    },
    open() {
      close();
      db = openDatabase(join(dir, DATABASE_FILE_NAME));
      return db;
    },
    close,
  };
}

/**
 * The version a database has just before `step` runs: the step listed before it in migrations/index.ts (0 for the
 * first), whatever steps land between during development. Throws for a step missing from the list.
 */
export function versionBefore(step: Migration): number {
  const index = MIGRATIONS.indexOf(step);
  if (index < 0) throw new Error(`step ${step.version} (${step.name}) is not in migrations/index.ts`);
  return MIGRATIONS[index - 1]?.version ?? 0;
}

export const FIXTURE_POD_ID = '6f1c2b9e-8a55-4c1e-9a2b-3f4d5e6a7b8c';
export const FIXTURE_TIME = 1_700_000_000_000;

/** Inserts a pods row with the columns every version has (from 0010), overridden or extended by `columns`. */
export function insertPod(db: Database, columns: Record<string, unknown> = {}): void {
  const row = {
    id: FIXTURE_POD_ID,
    name: 'prod api',
    namespace: 'prod',
    pod_name: 'api-0',
    created_at: FIXTURE_TIME,
    updated_at: FIXTURE_TIME,
    ...columns,
  };
  const names = Object.keys(row);
  db.prepare(`INSERT INTO pods (${names.join(', ')}) VALUES (${names.map((name) => `@${name}`).join(', ')})`).run(row);
}

/** Every table of the database, each with whether it is STRICT, by name. */
export function tables(db: Database): Array<{ name: string; strict: number }> {
  return db
    .prepare<[], { name: string; strict: number }>(
      "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all();
}
