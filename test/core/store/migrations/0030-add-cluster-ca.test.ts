/** Step 0030: pods.cluster_ca_data, the CA that token auth trusts. */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as addClusterCa } from '../../../../main/core/store/migrations/0030-add-cluster-ca';
import { insertPod, useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0030-');

it('adds pods.cluster_ca_data, empty for existing rows', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(addClusterCa) });
  insertPod(db, { cluster_host: 'https://10.0.0.1:6443' });
  expect(migrate(db, { targetVersion: addClusterCa.version }).applied).toEqual([30]);
  expect(db.prepare('SELECT cluster_host, cluster_ca_data FROM pods').get()).toEqual({
    cluster_host: 'https://10.0.0.1:6443',
    cluster_ca_data: null,
  });
  // STRICT holds for the new column too.
  expect(() => db.prepare('UPDATE pods SET cluster_ca_data = ?').run(Buffer.from([1]))).toThrow(/cannot store BLOB/);
});
