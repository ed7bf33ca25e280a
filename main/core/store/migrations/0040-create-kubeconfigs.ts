import type { Migration } from '../migrate';

/**
 * Imported kubeconfig contexts: one self-contained kubeconfig (one context, its cluster and user, referenced files
 * embedded) per row, encrypted through the SecretBox because it carries tokens and client keys. `name` is the context
 * name as imported (renamed on a clash, so it is unique); `original_name` is the name in the file, which re-import
 * matches on. The auth kinds are written out, not imported, for the reason 0010 gives.
 * A pod record may use one of them as its own kubeconfig; removing the import unlinks the record instead of failing.
 */
export const migration: Migration = {
  version: 40,
  name: 'create kubeconfigs, add pods.kubeconfig_id',
  up(db) {
    db.exec(`
      CREATE TABLE kubeconfigs (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE,
        original_name TEXT NOT NULL,
        file_name TEXT NOT NULL,
        server TEXT NOT NULL,
        namespace TEXT,
        user_name TEXT,
        auth_kind TEXT NOT NULL
          CHECK (auth_kind IN ('token', 'clientCert', 'exec', 'oidc', 'authProvider', 'basic', 'none')),
        content_enc BLOB NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX kubeconfigs_by_file ON kubeconfigs (file_name);
      ALTER TABLE pods ADD COLUMN kubeconfig_id TEXT REFERENCES kubeconfigs (id) ON DELETE SET NULL;
    `);
  },
};
