/** Step 0110: each context's "namespaces to show", by default-context name or imported kubeconfig id. */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as createContextNamespaces } from '../../../../main/core/store/migrations/0110-create-context-namespaces';
import { useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0110-');

it('keeps namespaces per context, one of name or import, and drops an import’s list with the import', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(createContextNamespaces) });
  db.prepare(
    `INSERT INTO kubeconfigs (id, name, original_name, file_name, server, auth_kind, content_enc, created_at)
     VALUES ('k1', 'team', 'team', 'team.yaml', 'https://example.test', 'token', X'00', 1)`,
  ).run();
  expect(migrate(db, { targetVersion: createContextNamespaces.version }).applied).toEqual([110]);
  const insert = db.prepare('INSERT INTO context_namespaces (context_name, kubeconfig_id, namespace) VALUES (?, ?, ?)');
  insert.run('kind-dev', null, 'team');
  insert.run(null, 'k1', 'team');
  // The same namespace twice for one context is refused; for another context it is its own row.
  expect(() => insert.run('kind-dev', null, 'team')).toThrow(/UNIQUE/);
  // Exactly one of the two keys.
  expect(() => insert.run('kind-dev', 'k1', 'other')).toThrow(/CHECK/);
  expect(() => insert.run(null, null, 'other')).toThrow(/CHECK/);
  // STRICT holds.
  expect(() => insert.run('kind-dev', null, Buffer.from([0]))).toThrow(/cannot store BLOB/);
  db.prepare("DELETE FROM kubeconfigs WHERE id = 'k1'").run();
  expect(db.prepare('SELECT context_name, kubeconfig_id, namespace FROM context_namespaces').all()).toEqual([
    { context_name: 'kind-dev', kubeconfig_id: null, namespace: 'team' },
  ]);
});
