import type { Migration } from '../migrate';

/**
 * A context's "namespaces to show" (issue 15): namespaces the cluster browser lists for a user who may not list the
 * cluster's namespaces. Kept with the context: a default-kubeconfig context by its name (the kubeconfig file is the
 * user's, Podterm does not write it), an imported one by its id, so removing the import removes its list too.
 */
export const migration: Migration = {
  version: 110,
  name: 'create context_namespaces',
  up(db) {
    db.exec(`
      CREATE TABLE context_namespaces (
        context_name TEXT,
        kubeconfig_id TEXT REFERENCES kubeconfigs (id) ON DELETE CASCADE,
        namespace TEXT NOT NULL,
        CHECK ((context_name IS NULL) <> (kubeconfig_id IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX context_namespaces_default ON context_namespaces (context_name, namespace)
        WHERE context_name IS NOT NULL;
      CREATE UNIQUE INDEX context_namespaces_imported ON context_namespaces (kubeconfig_id, namespace)
        WHERE kubeconfig_id IS NOT NULL;
    `);
  },
};
