/** Step 0050: pods.label_selector, for records that follow a workload instead of one pod name. */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as addLabelSelector } from '../../../../main/core/store/migrations/0050-add-label-selector';
import { insertPod, useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0050-');

it('adds the column, NULL for existing records, which keep every field', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(addLabelSelector) });
  insertPod(db);
  expect(migrate(db, { targetVersion: addLabelSelector.version }).applied).toEqual([50]);
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
