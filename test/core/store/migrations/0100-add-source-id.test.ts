/** Step 0100: the id a record had where it was imported from (pods.source_id), unique where set. */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as addSourceId } from '../../../../main/core/store/migrations/0100-add-source-id';
import { insertPod, useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0100-');

it('adds an empty source id to existing records, unique only where set', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(addSourceId) });
  insertPod(db, { name: 'api' });
  insertPod(db, { id: '7a2d3c4b-9b66-4d2f-8b3c-4e5f6a7b8c9d', name: 'web' });
  expect(migrate(db, { targetVersion: addSourceId.version }).applied).toEqual([100]);
  expect(db.prepare('SELECT name, source_id FROM pods ORDER BY name').all()).toEqual([
    { name: 'api', source_id: null },
    { name: 'web', source_id: null },
  ]);
  db.prepare("UPDATE pods SET source_id = 'terminal.kubernetespod:1' WHERE name = 'api'").run();
  // Two records cannot claim the same origin; many may have none.
  expect(() => db.prepare("UPDATE pods SET source_id = 'terminal.kubernetespod:1' WHERE name = 'web'").run()).toThrow(
    /UNIQUE constraint failed: pods.source_id/,
  );
  expect(() => db.prepare("UPDATE pods SET source_id = X'00'").run()).toThrow(/cannot store BLOB/);
});
