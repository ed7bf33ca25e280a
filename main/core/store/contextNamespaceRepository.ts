/**
 * The "namespaces to show" of each context (migration 0090): a default-kubeconfig context by name, an imported one by
 * its id. Replaced whole on save, in one transaction.
 */
import type { ClusterContextRef } from '../../../common/clusters';
import type { Database, Statement } from './database';
import type { ContextNamespaceRepository } from './types';

interface Key {
  name: string | null;
  id: string | null;
}

const keyOf = (ref: ClusterContextRef): Key =>
  ref.source === 'default' ? { name: ref.name, id: null } : { name: null, id: ref.id };

export class SqliteContextNamespaceRepository implements ContextNamespaceRepository {
  private readonly listStmt: Statement<Key, { namespace: string }>;
  private readonly deleteStmt: Statement<Key>;
  private readonly insertStmt: Statement<Key & { namespace: string }>;
  private readonly replaceAll: (key: Key, namespaces: readonly string[]) => void;

  constructor(db: Database) {
    const where = '(context_name IS @name AND kubeconfig_id IS @id)';
    this.listStmt = db.prepare(`SELECT namespace FROM context_namespaces WHERE ${where} ORDER BY namespace`);
    this.deleteStmt = db.prepare(`DELETE FROM context_namespaces WHERE ${where}`);
    this.insertStmt = db.prepare(
      'INSERT OR IGNORE INTO context_namespaces (context_name, kubeconfig_id, namespace) VALUES (@name, @id, @namespace)',
    );
    this.replaceAll = db.transaction((key: Key, namespaces: readonly string[]) => {
      this.deleteStmt.run(key);
      for (const namespace of namespaces) this.insertStmt.run({ ...key, namespace });
    });
  }

  list(ref: ClusterContextRef): string[] {
    return this.listStmt.all(keyOf(ref)).map((row) => row.namespace);
  }

  replace(ref: ClusterContextRef, namespaces: readonly string[]): string[] {
    this.replaceAll(keyOf(ref), namespaces);
    return this.list(ref);
  }
}
