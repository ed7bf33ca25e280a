/**
 * The desktop SecretBox: Electron's safeStorage (macOS Keychain, Windows DPAPI, Linux libsecret/KWallet) through its
 * asynchronous API, which Electron recommends (non-blocking, supports key rotation; the synchronous one is deprecated).
 *
 * On Linux without a keyring Chromium falls back to the `basic_text` backend, which "encrypts" with a key hard-coded
 * in Chromium's source: anyone who can read the database can decrypt it. That is obfuscation, not encryption, so this
 * box refuses to encrypt or decrypt there unless the user opted in with the `--allow-insecure-secret-storage` flag or
 * `PODTERM_ALLOW_BASIC_TEXT_SECRETS=1` (policy.allowsBasicTextSecrets). The check runs on first use, not at start-up:
 * pods that need no stored secret (the default kubeconfig) keep working on such a machine.
 */
import type { SafeStorage } from 'electron';
import { SecretBoxError, type SecretBox } from '../core';
import { ALLOW_BASIC_TEXT_SECRETS_ENV, ALLOW_BASIC_TEXT_SECRETS_FLAG } from './policy';
import { messageOf } from '../../common/errors';

/** The members of Electron's safeStorage used here (the real module in the app, a stand-in in tests). */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export interface SafeStorageSecretBoxOptions {
  /** process.platform: getSelectedStorageBackend exists only on Linux. */
  platform: NodeJS.Platform;
  /** policy.allowsBasicTextSecrets(process.argv, process.env). */
  allowBasicText: boolean;
}

export class SafeStorageSecretBox implements SecretBox {
  private readiness: Promise<void> | null = null;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly options: SafeStorageSecretBoxOptions,
  ) {}

  get description(): string {
    switch (this.options.platform) {
      case 'linux':
        return `safeStorage (${this.safeStorage.getSelectedStorageBackend()})`;
      case 'darwin':
        return 'safeStorage (macOS Keychain)';
      case 'win32':
        return 'safeStorage (Windows DPAPI)';
      default:
        return `safeStorage (${this.options.platform})`;
    }
  }

  /**
   * Resolves when secrets can be stored, or rejects with a SecretBoxError saying why not and what to do. main.ts calls
   * it once at start-up to log the outcome; encrypt and decrypt call it before every use (it is cached).
   */
  ready(): Promise<void> {
    // A failure is not cached: the user may unlock or install a keyring without restarting Podterm.
    this.readiness ??= this.checkReady().catch((error: unknown) => {
      this.readiness = null;
      throw error;
    });
    return this.readiness;
  }

  private async checkReady(): Promise<void> {
    // This also initialises the asynchronous encryptor (lazily, on first call), after which the backend is known.
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) {
      throw new SecretBoxError(
        'The operating system offers no secret storage to Podterm (no keychain or keyring is available), so Podterm ' +
          'cannot store tokens, kubeconfigs or SSH passwords.',
      );
    }
    if (this.options.platform !== 'linux' || this.options.allowBasicText) return;
    const backend = this.safeStorage.getSelectedStorageBackend();
    const optIn = `launching Podterm with ${ALLOW_BASIC_TEXT_SECRETS_FLAG} or ${ALLOW_BASIC_TEXT_SECRETS_ENV}=1`;
    if (backend === 'basic_text') {
      throw new SecretBoxError(
        'No keyring (GNOME Keyring / libsecret or KWallet) is available, so Electron would store secrets with its ' +
          '"basic_text" backend, whose key is built into Electron: obfuscation, not encryption. Podterm refuses to ' +
          `store tokens, kubeconfigs or SSH passwords that way. Start a keyring, or accept the risk by ${optIn}.`,
      );
    }
    if (backend === 'unknown') {
      // Electron documents "unknown" only before app ready; if it shows up later we cannot tell basic_text apart.
      throw new SecretBoxError(
        'Electron could not say which secret storage backend it uses, so Podterm cannot tell whether secrets would ' +
          `really be encrypted and refuses to store them. Accept the risk by ${optIn}.`,
      );
    }
  }

  async encrypt(plaintext: string): Promise<Uint8Array> {
    await this.ready();
    try {
      return await this.safeStorage.encryptStringAsync(plaintext);
    } catch (error) {
      throw new SecretBoxError(`${this.description} could not encrypt a secret: ${messageOf(error)}`);
    }
  }

  async decrypt(ciphertext: Uint8Array): Promise<string> {
    await this.ready();
    let decrypted: { result: string; shouldReEncrypt: boolean };
    try {
      // A view, not a copy: safeStorage reads the bytes and keeps nothing.
      decrypted = await this.safeStorage.decryptStringAsync(
        Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength),
      );
    } catch (error) {
      throw new SecretBoxError(
        `${this.description} could not decrypt a stored secret (was it saved by another user, machine or keyring?): ` +
          messageOf(error),
      );
    }
    // TODO(key rotation): `shouldReEncrypt` says the key was rotated or a stronger one is available. Ignoring it is
    // safe (the old ciphertext still decrypts); honouring it needs a way to tell the store to rewrite the row, which
    // the SecretBox interface does not have yet.
    return decrypted.result;
  }
}
