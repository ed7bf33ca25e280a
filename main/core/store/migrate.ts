/**
 * The schema migration runner. Steps live in ./migrations, one file each, numbered in tens; the file header's
 * `user_version` records the last step applied. A shipped step is never edited: a change is always a new step.
 */
import { readUserVersion, type Database } from './database';
import { MIGRATIONS } from './migrations';

/** One schema step. `up` is synchronous: it runs inside the runner's transaction. */
export interface Migration {
  /** A positive multiple of ten, leaving room to insert a step between two shipped ones during development. */
  readonly version: number;
  /** What the step does, in a few words; shows up in errors. */
  readonly name: string;
  up(db: Database): void;
}

export interface MigrateOptions {
  /** The ordered step list; tests pass their own (e.g. with a broken step appended). */
  migrations?: readonly Migration[];
  /** Stop after this version instead of the newest (tests migrate step by step). */
  targetVersion?: number;
}

export interface MigrateResult {
  fromVersion: number;
  toVersion: number;
  /** The versions applied by this run, in order. */
  applied: number[];
}

/** The database was written by a newer Podterm: opening it could lose data that build stored. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly path: string,
    readonly schemaVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `This database (${path}, schema version ${schemaVersion}) was written by a newer Podterm; this build knows up to ` +
        `${knownVersion}. Update Podterm or choose another data directory (--data-dir).`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Brings the database up to the newest (or the target) schema version. All pending steps and the new user_version are
 * written in one transaction, so a step that fails leaves the file exactly as it was. The transaction is IMMEDIATE so
 * that two processes opening the same file cannot both apply the same step. Throws SchemaTooNewError for a database
 * from a newer build.
 */
export function migrate(db: Database, options: MigrateOptions = {}): MigrateResult {
  const migrations = options.migrations ?? MIGRATIONS;
  checkOrder(migrations);
  const newest = migrations.at(-1)?.version ?? 0;
  const target = options.targetVersion ?? newest;
  if (target !== 0 && !migrations.some((step) => step.version === target)) {
    throw new Error(`Cannot migrate to schema version ${target}: no such step (the newest is ${newest})`);
  }

  const run = db.transaction((): MigrateResult => {
    const current = readUserVersion(db);
    if (current > newest) throw new SchemaTooNewError(db.name, current, newest);
    if (current > target) {
      throw new Error(`Cannot migrate down from schema version ${current} to ${target}: steps only go forward`);
    }
    const pending = migrations.filter((step) => step.version > current && step.version <= target);
    for (const step of pending) {
      try {
        step.up(db);
      } catch (error) {
        throw new Error(`Schema step ${step.version} (${step.name}) failed; the database was left unchanged`, {
          cause: error,
        });
      }
    }
    // user_version lives in the file header, which SQLite writes transactionally like any page.
    if (pending.length > 0) db.pragma(`user_version = ${target}`);
    return { fromVersion: current, toVersion: Math.max(current, target), applied: pending.map((step) => step.version) };
  });
  return run.immediate();
}

/** The schema version this build writes. */
export function newestSchemaVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

function checkOrder(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const step of migrations) {
    if (!Number.isSafeInteger(step.version) || step.version <= previous) {
      throw new Error(`Schema steps out of order: ${step.version} (${step.name}) follows ${previous}`);
    }
    previous = step.version;
  }
}
