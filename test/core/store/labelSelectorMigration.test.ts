/** Migration 0050: pods.label_selector, for records that follow a workload instead of one pod name. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../main/core/store/database';
import { migrate } from '../../../main/core/store/migrate';

const NOW = 1_700_000_000_000;
let dir: string;
let db: Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podterm-migrate-0050-'));
  db = openDatabase(join(dir, 'podterm.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('0050 add pods.label_selector', () => {
  it('adds the column, NULL for existing records, which keep every field', () => {
    migrate(db, { targetVersion: 40 });
    db.prepare(
      `INSERT INTO pods (id, name, namespace, pod_name, created_at, updated_at)
       VALUES ('6f1c2b9e-8a55-4c1e-9a2b-3f4d5e6a7b8c', 'prod api', 'prod', 'api-0', ${NOW}, ${NOW})`,
    ).run();
    expect(migrate(db, { targetVersion: 50 }).applied).toEqual([50]);
    expect(db.prepare('SELECT name, namespace, pod_name, label_selector FROM pods').get()).toEqual({
      name: 'prod api',
      namespace: 'prod',
      pod_name: 'api-0',
      label_selector: null,
    });
    db.prepare(`UPDATE pods SET label_selector = 'app=api'`).run();
    expect(db.prepare('SELECT label_selector FROM pods').get()).toEqual({ label_selector: 'app=api' });
    // STRICT holds for the new column too.
    expect(() => db.prepare('UPDATE pods SET label_selector = ?').run(Buffer.from([1]))).toThrow(/cannot store BLOB/);
  });
});
