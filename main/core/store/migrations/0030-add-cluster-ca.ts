import type { Migration } from '../migrate';

/**
 * Token auth needs the cluster's CA certificate to verify the API server (the seed's records had only host and token,
 * which forced skipping TLS verification). A CA certificate is public, so it is stored as text, not through the
 * SecretBox.
 */
export const migration: Migration = {
  version: 30,
  name: 'add pods.cluster_ca_data',
  up(db) {
    db.exec(`ALTER TABLE pods ADD COLUMN cluster_ca_data TEXT;`);
  },
};
