import type { Migration } from '../migrate';

/**
 * Pod records. The CHECK lists are written out instead of imported from common/pods.ts on purpose: a shipped step must
 * never change, and importing them would silently change this step when a kind is added. A new kind needs a new step.
 * Secret columns hold SecretBox ciphertext, never plaintext. Times are epoch milliseconds.
 */
export const migration: Migration = {
  version: 10,
  name: 'create pods',
  up(db) {
    db.exec(`
      CREATE TABLE pods (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        namespace TEXT NOT NULL,
        pod_name TEXT,
        container TEXT,
        kube_context TEXT,
        cluster_host TEXT,
        insecure_skip_tls_verify INTEGER NOT NULL DEFAULT 0 CHECK (insecure_skip_tls_verify IN (0, 1)),
        ssh_host TEXT,
        ssh_port INTEGER NOT NULL DEFAULT 22 CHECK (ssh_port BETWEEN 1 AND 65535),
        ssh_user TEXT,
        ssh_auth_kind TEXT NOT NULL DEFAULT 'password'
          CHECK (ssh_auth_kind IN ('password', 'privateKeyPath', 'privateKeyText', 'agent')),
        ssh_private_key_path TEXT,
        shell TEXT,
        notes TEXT,
        kubeconfig_enc BLOB,
        token_enc BLOB,
        ssh_password_enc BLOB,
        ssh_private_key_enc BLOB,
        ssh_passphrase_enc BLOB,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_connected_at INTEGER,
        last_connection_method TEXT
          CHECK (last_connection_method IN ('defaultKubeconfig', 'podKubeconfig', 'token', 'inCluster', 'ssh'))
      ) STRICT;
      CREATE INDEX pods_by_name ON pods (name COLLATE NOCASE);
    `);
  },
};
