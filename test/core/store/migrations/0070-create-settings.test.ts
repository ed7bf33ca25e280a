/** Step 0070: the settings table, one row per key holding its value as JSON. */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as createSettings } from '../../../../main/core/store/migrations/0070-create-settings';
import { insertPod, useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0070-');

it('adds a STRICT settings table and keeps the pods rows', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(createSettings) });
  insertPod(db, { id: 'p1', name: 'api', created_at: 1, updated_at: 1 });
  const podsBefore = db.prepare('SELECT * FROM pods').all();

  expect(migrate(db, { targetVersion: createSettings.version }).applied).toEqual([70]);
  expect(db.prepare('SELECT * FROM pods').all()).toEqual(podsBefore);
  expect(db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'settings'").get()).toEqual({ strict: 1 });
  const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
  insert.run('fontSize', '14');
  expect(() => insert.run('fontSize', '15')).toThrow(/UNIQUE|PRIMARY KEY/);
  expect(() => insert.run('theme', 'not json')).toThrow(/CHECK/);
  // STRICT: bytes are not text.
  expect(() => insert.run('cursorBlink', Buffer.from('true'))).toThrow(/cannot store BLOB/);
});
