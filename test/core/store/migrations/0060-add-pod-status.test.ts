/** Step 0060: the sidebar's status dot (pods.last_status, its time and its detail). */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as addPodStatus } from '../../../../main/core/store/migrations/0060-add-pod-status';
import { FIXTURE_TIME, insertPod, useTempDatabase, versionBefore } from '../../../harness/migrations';

const T0 = FIXTURE_TIME;

const database = useTempDatabase('podterm-migrate-0060-');

it('adds an empty status to existing records and refuses an unknown status', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(addPodStatus) });
  insertPod(db, { name: 'api', last_connected_at: T0 + 1 });
  expect(migrate(db, { targetVersion: addPodStatus.version }).applied).toEqual([60]);
  expect(
    db.prepare('SELECT name, last_connected_at, last_status, last_status_at, last_status_detail FROM pods').get(),
  ).toEqual({
    name: 'api',
    last_connected_at: T0 + 1,
    last_status: null,
    last_status_at: null,
    last_status_detail: null,
  });
  db.prepare("UPDATE pods SET last_status = 'gone', last_status_at = 5").run();
  expect(() => db.prepare("UPDATE pods SET last_status = 'sleeping'").run()).toThrow(/CHECK constraint/);
  // STRICT holds for the new columns too.
  expect(() => db.prepare("UPDATE pods SET last_status_at = 'yesterday'").run()).toThrow(/cannot store TEXT/);
});
