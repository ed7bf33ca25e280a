/** Step 0010: the STRICT pods table, with its defaults and checks. */
import { expect, it } from 'vitest';
import { readUserVersion } from '../../../../main/core/store/database';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as createPods } from '../../../../main/core/store/migrations/0010-create-pods';
import { insertPod, tables, useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0010-');

it('creates a STRICT pods table with its checks', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(createPods) });
  expect(tables(db)).toEqual([]);
  migrate(db, { targetVersion: createPods.version });
  expect(readUserVersion(db)).toBe(10);
  expect(tables(db)).toEqual([{ name: 'pods', strict: 1 }]);

  insertPod(db, { kubeconfig_enc: Buffer.from([1, 2, 3]), last_connection_method: 'ssh' });
  expect(db.prepare('SELECT ssh_port, ssh_auth_kind, insecure_skip_tls_verify FROM pods').get()).toEqual({
    ssh_port: 22,
    ssh_auth_kind: 'password',
    insecure_skip_tls_verify: 0,
  });
  const other = { id: 'another-id' };
  expect(() => insertPod(db, { ...other, ssh_auth_kind: 'telnet' })).toThrow(/CHECK constraint/);
  expect(() => insertPod(db, { ...other, last_connection_method: 'carrier pigeon' })).toThrow(/CHECK/);
  expect(() => insertPod(db, { ...other, ssh_port: 70_000 })).toThrow(/CHECK/);
  // STRICT: no silent coercion of a string into an INTEGER column.
  expect(() => insertPod(db, { ...other, ssh_port: 'twenty-two' })).toThrow(/cannot store TEXT/);
  expect(() => insertPod(db, { ...other, name: null })).toThrow(/NOT NULL/);
});
