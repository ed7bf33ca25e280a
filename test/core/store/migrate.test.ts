/**
 * The schema migration runner: an empty database to the newest version, one transaction per run, the order and
 * numbering of the steps, and the refusals. Each step has its own test in ./migrations, named after the step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readUserVersion, type Database } from '../../../main/core/store/database';
import { migrate, SchemaTooNewError, type Migration } from '../../../main/core/store/migrate';
import { MIGRATIONS } from '../../../main/core/store/migrations';
import { openDataDir } from '../../harness/dataDir';
import { insertPod, tables, useTempDatabase } from '../../harness/migrations';

const database = useTempDatabase('podterm-migrate-');

/** Everything a step could change: the schema, every row of every table, and user_version. */
function dump(target: Database): unknown {
  const schema = target
    .prepare<[], { type: string; name: string; sql: string | null }>(
      "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all();
  const rows = Object.fromEntries(
    schema.filter((s) => s.type === 'table').map((s) => [s.name, target.prepare(`SELECT * FROM "${s.name}"`).all()]),
  );
  return { userVersion: readUserVersion(target), schema, rows };
}

/** The newest schema version this build knows. */
const LATEST = MIGRATIONS.at(-1)!.version;
/** A schema version from a Podterm newer than this build. */
const NEWER = LATEST + 10;

describe('migrate', () => {
  it('takes an empty database to the newest version, then has nothing left to do', () => {
    const target = database.open();
    expect(readUserVersion(target)).toBe(0);
    expect(migrate(target)).toEqual({
      fromVersion: 0,
      toVersion: LATEST,
      applied: MIGRATIONS.map((step) => step.version),
    });
    expect(readUserVersion(target)).toBe(MIGRATIONS.at(-1)?.version);
    // Every table STRICT; later steps add tables of their own, each tested in its step's test.
    expect(tables(target)).toEqual(
      expect.arrayContaining([
        { name: 'known_hosts', strict: 1 },
        { name: 'pods', strict: 1 },
      ]),
    );
    expect(tables(target).every((table) => table.strict === 1)).toBe(true);
    expect(migrate(database.open())).toEqual({ fromVersion: LATEST, toVersion: LATEST, applied: [] });
  });

  it('opens in WAL mode with foreign keys on', () => {
    const target = database.open();
    expect(target.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(target.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('lists steps in tens, in order', () => {
    const versions = MIGRATIONS.map((step) => step.version);
    expect(versions.slice(0, 3)).toEqual([10, 20, 30]);
    expect(versions.every((version, index) => version % 10 === 0 && version > (versions[index - 1] ?? 0))).toBe(true);
  });

  it('rolls a failing run back completely: schema, rows and user_version unchanged, file bytes identical', () => {
    const target = database.open();
    migrate(target, { targetVersion: 10 });
    insertPod(target);
    database.close();
    const bytesBefore = readFileSync(database.path);
    expect(existsSync(`${database.path}-wal`)).toBe(false);

    const reopened = database.open();
    const before = dump(reopened);
    const broken: Migration = {
      version: LATEST + 10,
      name: 'broken on purpose',
      up(d) {
        d.exec("UPDATE pods SET name = 'changed'; CREATE TABLE half_done (x INTEGER) STRICT;");
        d.exec('CREATE TABLE (');
      },
    };
    // The real steps succeed before the broken one fails: one transaction per run, so they must be undone too.
    expect(() => migrate(reopened, { migrations: [...MIGRATIONS, broken] })).toThrow(
      `Schema step ${LATEST + 10} (broken on purpose) failed; the database was left unchanged`,
    );
    expect(dump(reopened)).toEqual(before);
    expect(readUserVersion(reopened)).toBe(10);
    database.close();
    expect(readFileSync(database.path).equals(bytesBefore)).toBe(true);
  });

  it('refuses a database from a newer Podterm and leaves it alone', () => {
    const target = database.open();
    target.pragma(`user_version = ${NEWER}`);
    expect(() => migrate(target)).toThrow(SchemaTooNewError);
    expect(() => migrate(target)).toThrow(
      `This database (${database.path}, schema version ${NEWER}) was written by a newer Podterm; this build knows up to ${LATEST}. ` +
        'Update Podterm or choose another data directory (--data-dir).',
    );
    expect(readUserVersion(target)).toBe(NEWER);
    expect(tables(target)).toEqual([]);
  });

  it('refuses a newer database through openStore too', async () => {
    const target = database.open();
    target.pragma(`user_version = ${NEWER}`);
    database.close();
    await expect(openDataDir(database.dir)).rejects.toThrow(
      new RegExp(`schema version ${NEWER}\\) was written by a newer Podterm`),
    );
    expect(readUserVersion(database.open())).toBe(NEWER);
  });

  it('refuses to go down, to an unknown target, or with steps out of order', () => {
    const target = database.open();
    migrate(target);
    expect(() => migrate(target, { targetVersion: 10 })).toThrow(
      new RegExp(`Cannot migrate down from schema version ${LATEST} to 10`),
    );
    expect(() => migrate(target, { targetVersion: 15 })).toThrow(/no such step/);
    expect(() => migrate(target, { migrations: [...MIGRATIONS].reverse() })).toThrow(/out of order/);
  });
});
