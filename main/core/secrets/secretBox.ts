/**
 * Encrypts secrets (tokens, kubeconfigs, SSH passwords, keys and passphrases) before they reach the database.
 * Implementations: main/electron/safeStorageSecretBox.ts (the OS keychain through Electron's safeStorage) and
 * fileKeySecretBox.ts (AES-256-GCM with a random key in a 0600 file; browser mode, CLI and tests).
 */
export interface SecretBox {
  /** A short name for logs and errors, e.g. "safeStorage (gnome_libsecret)". */
  readonly description: string;
  encrypt(plaintext: string): Promise<Uint8Array>;
  /** Throws a SecretBoxError when the ciphertext was not made by this box (other key, other machine) or is damaged. */
  decrypt(ciphertext: Uint8Array): Promise<string>;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}
