import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, readUserVersion, type Database } from '../../../main/core/store/database';
import { openStore } from '../../../main/core/store/index';
import { migrate, SchemaTooNewError, type Migration } from '../../../main/core/store/migrate';
import { MIGRATIONS } from '../../../main/core/store/migrations';
import { FileKeySecretBox } from '../../../main/core/secrets/fileKeySecretBox';

const POD_ID = '6f1c2b9e-8a55-4c1e-9a2b-3f4d5e6a7b8c';
const NOW = 1_700_000_000_000;

let dir: string;
let dbPath: string;
let db: Database | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podterm-migrate-'));
  dbPath = join(dir, 'podterm.db');
});
afterEach(() => {
  db?.close();
  db = null;
  rmSync(dir, { recursive: true, force: true });
});

function open(): Database {
  db = openDatabase(dbPath);
  return db;
}

function reopen(): Database {
  db?.close();
  return open();
}

function insertPod(target: Database, fields: Record<string, unknown> = {}): void {
  const row = { id: POD_ID, name: 'prod api', namespace: 'prod', pod_name: 'api-0', created_at: NOW, updated_at: NOW };
  const all = { ...row, ...fields };
  const columns = Object.keys(all);
  target
    .prepare(`INSERT INTO pods (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`)
    .run(all);
}

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

function tables(target: Database): Array<{ name: string; strict: number }> {
  return target
    .prepare<[], { name: string; strict: number }>(
      "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all();
}

/** The newest schema version this build knows. */
const LATEST = MIGRATIONS.at(-1)!.version;
/** A schema version from a Podterm newer than this build. */
const NEWER = LATEST + 10;

describe('migrate', () => {
  it('takes an empty database to the newest version, then has nothing left to do', () => {
    const target = open();
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
    expect(migrate(reopen())).toEqual({ fromVersion: LATEST, toVersion: LATEST, applied: [] });
  });

  it('opens in WAL mode with foreign keys on', () => {
    const target = open();
    expect(target.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(target.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('lists steps in tens, in order', () => {
    const versions = MIGRATIONS.map((step) => step.version);
    expect(versions.slice(0, 3)).toEqual([10, 20, 30]);
    expect(versions.every((version, index) => version % 10 === 0 && version > (versions[index - 1] ?? 0))).toBe(true);
  });

  it('0010 creates a STRICT pods table with its checks', () => {
    const target = open();
    migrate(target, { targetVersion: 0 });
    expect(tables(target)).toEqual([]);
    migrate(target, { targetVersion: 10 });
    expect(readUserVersion(target)).toBe(10);
    expect(tables(target)).toEqual([{ name: 'pods', strict: 1 }]);

    insertPod(target, { kubeconfig_enc: Buffer.from([1, 2, 3]), last_connection_method: 'ssh' });
    expect(target.prepare('SELECT ssh_port, ssh_auth_kind, insecure_skip_tls_verify FROM pods').get()).toEqual({
      ssh_port: 22,
      ssh_auth_kind: 'password',
      insecure_skip_tls_verify: 0,
    });
    const other = { id: 'another-id' };
    expect(() => insertPod(target, { ...other, ssh_auth_kind: 'telnet' })).toThrow(/CHECK constraint/);
    expect(() => insertPod(target, { ...other, last_connection_method: 'carrier pigeon' })).toThrow(/CHECK/);
    expect(() => insertPod(target, { ...other, ssh_port: 70_000 })).toThrow(/CHECK/);
    // STRICT: no silent coercion of a string into an INTEGER column.
    expect(() => insertPod(target, { ...other, ssh_port: 'twenty-two' })).toThrow(/cannot store TEXT/);
    expect(() => insertPod(target, { ...other, name: null })).toThrow(/NOT NULL/);
  });

  it('0020 adds known_hosts and keeps the pods rows', () => {
    const target = open();
    migrate(target, { targetVersion: 10 });
    insertPod(target, { token_enc: Buffer.from([9, 8, 7]), ssh_host: 'bastion.example' });
    const podsBefore = target.prepare('SELECT * FROM pods').all();

    expect(migrate(target, { targetVersion: 20 }).applied).toEqual([20]);
    expect(target.prepare('SELECT * FROM pods').all()).toEqual(podsBefore);
    expect(tables(target).map((t) => t.name)).toEqual(['known_hosts', 'pods']);
    const insert = target.prepare(
      "INSERT INTO known_hosts (host, port, key_type, key, added_at) VALUES ('h', 22, 'ssh-ed25519', ?, 1)",
    );
    insert.run(Buffer.from([1]));
    insert.run(Buffer.from([2]));
    expect(() => insert.run(Buffer.from([1]))).toThrow(/UNIQUE/);
  });

  it('0030 adds pods.cluster_ca_data, empty for existing rows', () => {
    const target = open();
    migrate(target, { targetVersion: 20 });
    insertPod(target, { cluster_host: 'https://10.0.0.1:6443' });
    expect(migrate(target, { targetVersion: 30 }).applied).toEqual([30]);
    expect(target.prepare('SELECT cluster_host, cluster_ca_data FROM pods').get()).toEqual({
      cluster_host: 'https://10.0.0.1:6443',
      cluster_ca_data: null,
    });
    // STRICT holds for the new column too.
    expect(() => target.prepare('UPDATE pods SET cluster_ca_data = ?').run(Buffer.from([1]))).toThrow(
      /cannot store BLOB/,
    );
  });

  it('rolls a failing run back completely: schema, rows and user_version unchanged, file bytes identical', () => {
    const target = open();
    migrate(target, { targetVersion: 10 });
    insertPod(target);
    target.close();
    db = null;
    const bytesBefore = readFileSync(dbPath);
    expect(existsSync(`${dbPath}-wal`)).toBe(false);

    const reopened = open();
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
    reopened.close();
    db = null;
    expect(readFileSync(dbPath).equals(bytesBefore)).toBe(true);
  });

  it('refuses a database from a newer Podterm and leaves it alone', () => {
    const target = open();
    target.pragma(`user_version = ${NEWER}`);
    expect(() => migrate(target)).toThrow(SchemaTooNewError);
    expect(() => migrate(target)).toThrow(
      `This database (${dbPath}, schema version ${NEWER}) was written by a newer Podterm; this build knows up to ${LATEST}. ` +
        'Update Podterm or choose another data directory (--data-dir).',
    );
    expect(readUserVersion(target)).toBe(NEWER);
    expect(tables(target)).toEqual([]);
  });

  it('refuses a newer database through openStore too', async () => {
    const target = open();
    target.pragma(`user_version = ${NEWER}`);
    target.close();
    db = null;
    const secretBox = await FileKeySecretBox.open(join(dir, 'secret.key'));
    expect(() => openStore({ path: dbPath, secretBox })).toThrow(
      new RegExp(`schema version ${NEWER}\\) was written by a newer Podterm`),
    );
    expect(readUserVersion(open())).toBe(NEWER);
  });

  it('refuses to go down, to an unknown target, or with steps out of order', () => {
    const target = open();
    migrate(target);
    expect(() => migrate(target, { targetVersion: 10 })).toThrow(
      new RegExp(`Cannot migrate down from schema version ${LATEST} to 10`),
    );
    expect(() => migrate(target, { targetVersion: 15 })).toThrow(/no such step/);
    expect(() => migrate(target, { migrations: [...MIGRATIONS].reverse() })).toThrow(/out of order/);
  });
});
