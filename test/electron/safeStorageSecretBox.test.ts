// SafeStorageSecretBox's policy, with a stand-in for Electron's safeStorage passed to its constructor. The real
// safeStorage needs the Electron runtime, which these machines cannot install; what is tested here is our refusal of
// basic_text, the opt-in, and the error mapping, not the OS keychain.
import { describe, expect, it } from 'vitest';
import { SecretBoxError } from '../../main/core';
import { SafeStorageSecretBox, type SafeStorageLike } from '../../main/electron/safeStorageSecretBox';

type Backend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>;

/** Reversible, so round trips can be checked; a byte marks "ours" so foreign ciphertext fails like it would. */
function standInSafeStorage(options: { available?: boolean; backend?: Backend; shouldReEncrypt?: boolean } = {}) {
  const calls = { backend: 0, encrypt: 0 };
  const MARK = 0x7f;
  const storage: SafeStorageLike = {
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    getSelectedStorageBackend: () => {
      calls.backend += 1;
      return options.backend ?? 'gnome_libsecret';
    },
    encryptStringAsync: async (plainText) => {
      calls.encrypt += 1;
      return Buffer.concat([Buffer.from([MARK]), Buffer.from(plainText, 'utf8').reverse()]);
    },
    decryptStringAsync: async (encrypted) => {
      if (encrypted[0] !== MARK) throw new Error('Error while decrypting the ciphertext provided');
      return {
        result: Buffer.from(encrypted.subarray(1)).reverse().toString('utf8'),
        shouldReEncrypt: options.shouldReEncrypt ?? false,
      };
    },
  };
  return { storage, calls };
}

describe('SafeStorageSecretBox', () => {
  it('round-trips through safeStorage with a keyring', async () => {
    const { storage } = standInSafeStorage({ backend: 'kwallet6' });
    const box = new SafeStorageSecretBox(storage, { platform: 'linux', allowBasicText: false });
    const ciphertext = await box.encrypt('token-abc');
    expect(ciphertext).toBeInstanceOf(Uint8Array);
    await expect(box.decrypt(ciphertext)).resolves.toBe('token-abc');
    expect(box.description).toBe('safeStorage (kwallet6)');
  });

  it('decrypts from a view into a larger buffer (rows read from SQLite share memory)', async () => {
    const { storage } = standInSafeStorage();
    const box = new SafeStorageSecretBox(storage, { platform: 'linux', allowBasicText: false });
    const ciphertext = await box.encrypt('pässwörd');
    const larger = new Uint8Array(ciphertext.length + 8);
    larger.set(ciphertext, 4);
    await expect(box.decrypt(larger.subarray(4, 4 + ciphertext.length))).resolves.toBe('pässwörd');
  });

  it('refuses basic_text without opt-in, naming the risk and the way out, and encrypts nothing', async () => {
    const { storage, calls } = standInSafeStorage({ backend: 'basic_text' });
    const box = new SafeStorageSecretBox(storage, { platform: 'linux', allowBasicText: false });
    const failure = box.encrypt('token').catch((error: unknown) => error);
    const error = await failure;
    expect(error).toBeInstanceOf(SecretBoxError);
    expect((error as Error).message).toMatch(/obfuscation, not encryption/);
    expect((error as Error).message).toContain('--allow-insecure-secret-storage');
    expect((error as Error).message).toContain('PODTERM_ALLOW_BASIC_TEXT_SECRETS=1');
    expect(calls.encrypt).toBe(0);
    await expect(box.decrypt(new Uint8Array([0x7f]))).rejects.toBeInstanceOf(SecretBoxError);
    await expect(box.ready()).rejects.toBeInstanceOf(SecretBoxError);
  });

  it('refuses an unknown backend without opt-in', async () => {
    const { storage } = standInSafeStorage({ backend: 'unknown' });
    const box = new SafeStorageSecretBox(storage, { platform: 'linux', allowBasicText: false });
    await expect(box.encrypt('x')).rejects.toThrow(/cannot tell/);
  });

  it('uses basic_text once the user opted in', async () => {
    const { storage } = standInSafeStorage({ backend: 'basic_text' });
    const box = new SafeStorageSecretBox(storage, { platform: 'linux', allowBasicText: true });
    await expect(box.decrypt(await box.encrypt('token'))).resolves.toBe('token');
  });

  it('refuses when no encryption is available at all, even with the opt-in', async () => {
    const { storage } = standInSafeStorage({ available: false });
    const box = new SafeStorageSecretBox(storage, { platform: 'linux', allowBasicText: true });
    await expect(box.encrypt('token')).rejects.toThrow(/no secret storage/);
  });

  it('does not ask for the backend outside Linux (the method is Linux-only)', async () => {
    const { storage, calls } = standInSafeStorage({ backend: 'basic_text' });
    const box = new SafeStorageSecretBox(storage, { platform: 'darwin', allowBasicText: false });
    await expect(box.decrypt(await box.encrypt('token'))).resolves.toBe('token');
    expect(box.description).toBe('safeStorage (macOS Keychain)');
    expect(calls.backend).toBe(0);
  });

  it('reports foreign or damaged ciphertext as a SecretBoxError', async () => {
    const { storage } = standInSafeStorage();
    const box = new SafeStorageSecretBox(storage, { platform: 'linux', allowBasicText: false });
    await expect(box.decrypt(new Uint8Array([1, 2, 3]))).rejects.toThrow(SecretBoxError);
  });

  it('still returns the secret when safeStorage asks for re-encryption', async () => {
    const { storage } = standInSafeStorage({ shouldReEncrypt: true });
    const box = new SafeStorageSecretBox(storage, { platform: 'win32', allowBasicText: false });
    await expect(box.decrypt(await box.encrypt('token'))).resolves.toBe('token');
  });

  it('checks again after a refusal, so unlocking the keyring needs no restart', async () => {
    let available = false;
    const { storage } = standInSafeStorage();
    const box = new SafeStorageSecretBox(
      { ...storage, isAsyncEncryptionAvailable: async () => available },
      { platform: 'linux', allowBasicText: false },
    );
    await expect(box.encrypt('token')).rejects.toThrow(SecretBoxError);
    available = true;
    await expect(box.decrypt(await box.encrypt('token'))).resolves.toBe('token');
  });
});
