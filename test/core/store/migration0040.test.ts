/**
 * Migration 0040: the kubeconfigs table and pods.kubeconfig_id. A database at version 30 with a pod keeps the pod,
 * which gets no imported kubeconfig; the new table is STRICT and removing an import unlinks the records using it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, readUserVersion, type Database } from '../../../main/core/store/database';
import { migrate } from '../../../main/core/store/migrate';

const POD_ID = '6f1c2b9e-8a55-4c1e-9a2b-3f4d5e6a7b8c';
const KUBECONFIG_ID = '0b8f3f5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const NOW = 1_700_000_000_000;

let dir: string;
let db: Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podterm-migrate-0040-'));
  db = openDatabase(join(dir, 'podterm.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

it('adds kubeconfigs and pods.kubeconfig_id, keeping existing pods', () => {
  migrate(db, { targetVersion: 30 });
  db.prepare(
    `INSERT INTO pods (id, name, namespace, pod_name, cluster_ca_data, created_at, updated_at)
     VALUES (?, 'api', 'prod', 'api-0', 'LS0tLS1CRUdJTi', ?, ?)`,
  ).run(POD_ID, NOW, NOW);

  migrate(db, { targetVersion: 40 });
  expect(readUserVersion(db)).toBe(40);
  expect(db.prepare('SELECT name, pod_name, cluster_ca_data, kubeconfig_id FROM pods').get()).toEqual({
    name: 'api',
    pod_name: 'api-0',
    cluster_ca_data: 'LS0tLS1CRUdJTi',
    kubeconfig_id: null,
  });
  const table = db
    .prepare<[], { strict: number }>("SELECT strict FROM pragma_table_list WHERE name = 'kubeconfigs'")
    .get();
  expect(table?.strict).toBe(1);

  const insert = db.prepare(
    `INSERT INTO kubeconfigs (id, name, original_name, file_name, server, namespace, user_name, auth_kind, content_enc,
       created_at) VALUES (?, ?, 'prod', 'dev.yaml', 'https://10.0.0.1:6443', NULL, 'admin', ?, ?, ?)`,
  );
  insert.run(KUBECONFIG_ID, 'prod', 'token', Buffer.from([1, 2, 3]), NOW);
  // Names are unique (a clash is renamed by the importer, never stored twice), auth kinds are checked.
  expect(() => insert.run('11111111-2222-4333-8444-555555555555', 'prod', 'token', Buffer.from([1]), NOW)).toThrow(
    /UNIQUE/,
  );
  expect(() => insert.run('11111111-2222-4333-8444-555555555555', 'other', 'magic', Buffer.from([1]), NOW)).toThrow(
    /CHECK/,
  );
  // A text ciphertext is refused by the STRICT BLOB column.
  expect(() => insert.run('11111111-2222-4333-8444-555555555555', 'other', 'token', 'plaintext', NOW)).toThrow();

  db.prepare('UPDATE pods SET kubeconfig_id = ? WHERE id = ?').run(KUBECONFIG_ID, POD_ID);
  expect(() => db.prepare('UPDATE pods SET kubeconfig_id = ? WHERE id = ?').run('nope', POD_ID)).toThrow(/FOREIGN KEY/);
  db.prepare('DELETE FROM kubeconfigs WHERE id = ?').run(KUBECONFIG_ID);
  expect(db.prepare('SELECT kubeconfig_id FROM pods').get()).toEqual({ kubeconfig_id: null });
});
