/** Step 0020: the known_hosts table (host keys the user accepted and asked to remember). */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as createKnownHosts } from '../../../../main/core/store/migrations/0020-create-known-hosts';
import { insertPod, tables, useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0020-');

it('adds known_hosts and keeps the pods rows', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(createKnownHosts) });
  insertPod(db, { token_enc: Buffer.from([9, 8, 7]), ssh_host: 'bastion.example' });
  const podsBefore = db.prepare('SELECT * FROM pods').all();

  expect(migrate(db, { targetVersion: createKnownHosts.version }).applied).toEqual([20]);
  expect(db.prepare('SELECT * FROM pods').all()).toEqual(podsBefore);
  expect(tables(db).map((t) => t.name)).toEqual(['known_hosts', 'pods']);
  const insert = db.prepare(
    "INSERT INTO known_hosts (host, port, key_type, key, added_at) VALUES ('h', 22, 'ssh-ed25519', ?, 1)",
  );
  insert.run(Buffer.from([1]));
  insert.run(Buffer.from([2]));
  expect(() => insert.run(Buffer.from([1]))).toThrow(/UNIQUE/);
});
