/**
 * Step 0040: the kubeconfigs table and pods.kubeconfig_id. A database at the step before with a pod keeps the pod,
 * which gets no imported kubeconfig; the new table is STRICT and removing an import unlinks the records using it.
 */
import { expect, it } from 'vitest';
import { readUserVersion } from '../../../../main/core/store/database';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as createKubeconfigs } from '../../../../main/core/store/migrations/0040-create-kubeconfigs';
import { FIXTURE_POD_ID, FIXTURE_TIME, insertPod, useTempDatabase, versionBefore } from '../../../harness/migrations';

const KUBECONFIG_ID = '0b8f3f5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const NOW = FIXTURE_TIME;

const database = useTempDatabase('podterm-migrate-0040-');

it('adds kubeconfigs and pods.kubeconfig_id, keeping existing pods', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(createKubeconfigs) });
  insertPod(db, { name: 'api', cluster_ca_data: 'LS0tLS1CRUdJTi' });

  migrate(db, { targetVersion: createKubeconfigs.version });
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

  db.prepare('UPDATE pods SET kubeconfig_id = ? WHERE id = ?').run(KUBECONFIG_ID, FIXTURE_POD_ID);
  expect(() => db.prepare('UPDATE pods SET kubeconfig_id = ? WHERE id = ?').run('nope', FIXTURE_POD_ID)).toThrow(
    /FOREIGN KEY/,
  );
  db.prepare('DELETE FROM kubeconfigs WHERE id = ?').run(KUBECONFIG_ID);
  expect(db.prepare('SELECT kubeconfig_id FROM pods').get()).toEqual({ kubeconfig_id: null });
});
