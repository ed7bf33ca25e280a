import type { Migration } from '../migrate';

/**
 * A covering index of the columns the sidebar's search reads (and the id), so a search scans this narrow index instead
 * of the pods rows, which carry CA data, notes and ciphertexts: over 10,000 records on disk that is a few milliseconds
 * instead of twenty. The column list is written out, not imported, as shipped steps never change. A substring search
 * (LIKE '%…%') cannot seek in any B-tree; a full-text index would, but FTS5 maps rows by rowid, which VACUUM may
 * renumber in a table without an INTEGER PRIMARY KEY, and a scan of this index is already far under the target.
 */
export const migration: Migration = {
  version: 90,
  name: 'index the searched pods columns',
  up(db) {
    db.exec(`
      CREATE INDEX pods_search_columns
        ON pods (name, namespace, pod_name, label_selector, kube_context, cluster_host, ssh_host, id)
    `);
  },
};
