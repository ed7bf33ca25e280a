/** Step 0080: the name of the context a record's pasted kubeconfig uses (pods.kubeconfig_context). */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as addKubeconfigContext } from '../../../../main/core/store/migrations/0080-add-kubeconfig-context';
import { insertPod, useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0080-');

it('adds an empty context name to existing records, text only', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(addKubeconfigContext) });
  insertPod(db, { name: 'api' });
  expect(migrate(db, { targetVersion: addKubeconfigContext.version }).applied).toEqual([80]);
  expect(db.prepare('SELECT name, kubeconfig_context FROM pods').get()).toEqual({
    name: 'api',
    kubeconfig_context: null,
  });
  db.prepare("UPDATE pods SET kubeconfig_context = 'kind-dev'").run();
  // STRICT holds for the new column too.
  expect(() => db.prepare("UPDATE pods SET kubeconfig_context = X'00'").run()).toThrow(/cannot store BLOB/);
});
