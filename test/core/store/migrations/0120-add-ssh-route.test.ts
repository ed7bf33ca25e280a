/** Step 0120: a record's own SSH jump hosts and its ProxyCommand permission. */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as addSshRoute } from '../../../../main/core/store/migrations/0120-add-ssh-route';
import { insertPod, useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0120-');

it('gives existing records no jump host and no ProxyCommand, and holds the flag to 0 or 1', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(addSshRoute) });
  insertPod(db, { name: 'api' });
  expect(migrate(db, { targetVersion: addSshRoute.version }).applied).toEqual([120]);
  expect(db.prepare('SELECT name, ssh_proxy_jump, ssh_allow_proxy_command FROM pods').get()).toEqual({
    name: 'api',
    ssh_proxy_jump: null,
    ssh_allow_proxy_command: 0,
  });
  db.prepare("UPDATE pods SET ssh_proxy_jump = 'ops@bastion:2200', ssh_allow_proxy_command = 1").run();
  expect(() => db.prepare('UPDATE pods SET ssh_allow_proxy_command = 2').run()).toThrow(/CHECK constraint/);
  expect(() => db.prepare("UPDATE pods SET ssh_proxy_jump = X'00'").run()).toThrow(/cannot store BLOB/);
});
