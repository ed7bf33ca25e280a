import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeySecretBox, SECRET_KEY_FILE_NAME } from '../../../main/core/secrets/fileKeySecretBox';
import { SecretBoxError } from '../../../main/core/secrets/secretBox';

/** 1 version byte + 12-byte IV before the ciphertext, 16-byte tag after it. */
const OVERHEAD_BYTES = 1 + 12 + 16;

let dir: string;
let keyPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podterm-secretbox-'));
  keyPath = join(dir, SECRET_KEY_FILE_NAME);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileKeySecretBox', () => {
  it('round-trips text, including empty and non-ASCII text', async () => {
    const box = await FileKeySecretBox.open(keyPath);
    for (const plaintext of ['', 'token-123', 'pässwörd 🔑 ключ', 'x'.repeat(100_000)]) {
      expect(await box.decrypt(await box.encrypt(plaintext))).toBe(plaintext);
    }
  });

  it('uses a fresh random IV, so the same text encrypts differently each time', async () => {
    const box = await FileKeySecretBox.open(keyPath);
    const first = Buffer.from(await box.encrypt('same secret'));
    const second = Buffer.from(await box.encrypt('same secret'));
    expect(first.equals(second)).toBe(false);
    expect(first.subarray(1, 13).equals(second.subarray(1, 13))).toBe(false);
    expect(first[0]).toBe(1);
    expect(first.length).toBe(OVERHEAD_BYTES + 'same secret'.length);
  });

  it('refuses tampered, truncated or re-versioned ciphertext', async () => {
    const box = await FileKeySecretBox.open(keyPath);
    const good = Buffer.from(await box.encrypt('secret value'));
    for (const index of [5, 14, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[index] = (bad[index] ?? 0) ^ 0x01;
      await expect(box.decrypt(bad)).rejects.toThrow(SecretBoxError);
    }
    await expect(box.decrypt(good.subarray(0, OVERHEAD_BYTES - 1))).rejects.toThrow(/too short/);
    const otherVersion = Buffer.from(good);
    otherVersion[0] = 2;
    await expect(box.decrypt(otherVersion)).rejects.toThrow(/unknown format 2/);
  });

  it('refuses ciphertext made with another key, naming the key file', async () => {
    const mine = await FileKeySecretBox.open(keyPath);
    const other = await FileKeySecretBox.open(join(dir, 'other.key'));
    const ciphertext = await other.encrypt('secret value');
    const failure = mine.decrypt(ciphertext);
    await expect(failure).rejects.toThrow(SecretBoxError);
    await expect(failure).rejects.toThrow(`with the key in ${keyPath}: it was encrypted with another key`);
  });

  it('creates a 32-byte key file with mode 0600 (and its directory with 0700), and reuses it', async () => {
    const nestedKey = join(dir, 'data', SECRET_KEY_FILE_NAME);
    const box = await FileKeySecretBox.open(nestedKey);
    expect((await stat(nestedKey)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
    expect((await readFile(nestedKey)).length).toBe(32);
    const ciphertext = await box.encrypt('kept across restarts');
    const reopened = await FileKeySecretBox.open(nestedKey);
    expect(await reopened.decrypt(ciphertext)).toBe('kept across restarts');
  });

  it('gives two boxes opened at the same moment the same key', async () => {
    const [first, second] = await Promise.all([FileKeySecretBox.open(keyPath), FileKeySecretBox.open(keyPath)]);
    expect(await second.decrypt(await first.encrypt('shared'))).toBe('shared');
  });

  it('refuses a key file other users can read, naming the file and the fix', async () => {
    await FileKeySecretBox.open(keyPath);
    await chmod(keyPath, 0o644);
    const failure = FileKeySecretBox.open(keyPath);
    await expect(failure).rejects.toThrow(SecretBoxError);
    await expect(failure).rejects.toThrow(`The secret key file ${keyPath} can be read or changed by other users`);
    await expect(failure).rejects.toThrow(`chmod 600 ${keyPath}`);
  });

  it('refuses a key file of the wrong length, naming the file', async () => {
    await writeFile(keyPath, Buffer.alloc(16), { mode: 0o600 });
    await expect(FileKeySecretBox.open(keyPath)).rejects.toThrow(`The secret key file ${keyPath} holds 16 bytes`);
  });
});
