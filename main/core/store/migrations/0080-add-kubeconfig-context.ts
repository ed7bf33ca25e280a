import type { Migration } from '../migrate';

/**
 * The context a record's pasted kubeconfig uses, by name, beside its ciphertext: the sidebar groups the record under
 * it without decrypting anything (the kubeconfig itself stays sealed in kubeconfig_enc). Written when a kubeconfig is
 * saved, cleared with it; records saved before this step get theirs when Podterm starts (nameKubeconfigContexts).
 */
export const migration: Migration = {
  version: 80,
  name: 'add pods.kubeconfig_context',
  up(db) {
    db.exec(`ALTER TABLE pods ADD COLUMN kubeconfig_context TEXT`);
  },
};
