/**
 * A SecretBox keeping its key in a file: AES-256-GCM with a random 32-byte key, readable by its owner only. Used where
 * there is no OS keychain (browser mode, the CLI, tests). It protects secrets from whoever gets the database file
 * (a backup, a synced folder) but not from someone who can read the whole data directory as this user.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { SecretBoxError, type SecretBox } from './secretBox';

/** The key file's name inside the data directory. */
export const SECRET_KEY_FILE_NAME = 'secret.key';

const CIPHER = 'aes-256-gcm';
/** AES-256 takes a 32-byte key. */
const KEY_BYTES = 32;
/** 96 bits is GCM's native IV size; random IVs of this size are safe for far more secrets than a user will store. */
const IV_BYTES = 12;
/** The full 128-bit tag: shorter tags weaken GCM's integrity check. */
const TAG_BYTES = 16;
/** The first byte of every ciphertext, so a later format (another cipher, a key id) can be told apart. */
const FORMAT_VERSION = 1;
const HEADER_BYTES = 1 + IV_BYTES;
/** Owner read/write only: the key decrypts every stored secret. */
const KEY_FILE_MODE = 0o600;
/** Any of these bits means someone other than the owner can read or change the key. */
const GROUP_OTHER_BITS = 0o077;
/** The data directory, if this box creates it: owner only, like the key. */
const KEY_DIR_MODE = 0o700;

export class FileKeySecretBox implements SecretBox {
  readonly description: string;

  private constructor(
    private readonly key: Buffer,
    private readonly keyFilePath: string,
  ) {
    this.description = `AES-256-GCM key file (${keyFilePath})`;
  }

  /**
   * Opens the key file at `keyFilePath`, creating it (and its directory) if missing. Refuses a key file that others can
   * read or write, and one that is not exactly 32 bytes, with an error naming the file and the fix.
   */
  static async open(keyFilePath: string): Promise<FileKeySecretBox> {
    const key = (await readKeyFile(keyFilePath)) ?? (await createKeyFile(keyFilePath));
    return new FileKeySecretBox(key, keyFilePath);
  }

  async encrypt(plaintext: string): Promise<Uint8Array> {
    const iv = randomBytes(IV_BYTES);
    const header = Buffer.concat([Buffer.of(FORMAT_VERSION), iv]);
    const cipher = createCipheriv(CIPHER, this.key, iv, { authTagLength: TAG_BYTES });
    // The version byte is authenticated too, so it cannot be changed to make us parse the rest another way.
    cipher.setAAD(header.subarray(0, 1));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  }

  async decrypt(ciphertext: Uint8Array): Promise<string> {
    const data = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    if (data.length < HEADER_BYTES + TAG_BYTES) {
      throw new SecretBoxError(`could not decrypt a stored secret: ${data.length} bytes is too short (damaged data?)`);
    }
    if (data[0] !== FORMAT_VERSION) {
      throw new SecretBoxError(
        `could not decrypt a stored secret: unknown format ${data[0]} (written by a newer Podterm, or damaged data)`,
      );
    }
    const decipher = createDecipheriv(CIPHER, this.key, data.subarray(1, HEADER_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(data.subarray(0, 1));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      const body = data.subarray(HEADER_BYTES, data.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        `could not decrypt a stored secret with the key in ${this.keyFilePath}: it was encrypted with another key ` +
          `(was ${basename(this.keyFilePath)} replaced?) or the data is damaged`,
      );
    }
  }
}

/** The key, or null when there is no key file yet. */
async function readKeyFile(path: string): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw error;
  }
  try {
    // fstat on the handle we read from, so the checked file is the read file.
    const stats = await handle.stat();
    if (!stats.isFile()) throw new SecretBoxError(`The secret key file ${path} is not a regular file`);
    // Windows has no POSIX mode bits to check; there the data directory's ACL is what protects the key.
    if (process.platform !== 'win32' && (stats.mode & GROUP_OTHER_BITS) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(3, '0');
      throw new SecretBoxError(
        `The secret key file ${path} can be read or changed by other users (mode ${mode}); ` +
          `restrict it with: chmod 600 ${path}`,
      );
    }
    const key = await handle.readFile();
    if (key.length !== KEY_BYTES) {
      throw new SecretBoxError(
        `The secret key file ${path} holds ${key.length} bytes, not ${KEY_BYTES}: it is damaged or not a Podterm key. ` +
          'Restore it from a backup; deleting it makes every stored secret unreadable.',
      );
    }
    return key;
  } finally {
    await handle.close();
  }
}

/**
 * Writes a new random key beside the final path, then hard-links it into place: link() fails if the file appeared
 * meanwhile (another Podterm starting at the same moment), and then both use the key that won, never two keys. A crash
 * leaves at most a stray temporary file, never a half-written key.
 */
async function createKeyFile(path: string): Promise<Buffer> {
  await mkdir(dirname(path), { recursive: true, mode: KEY_DIR_MODE });
  const key = randomBytes(KEY_BYTES);
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', KEY_FILE_MODE);
  try {
    await handle.writeFile(key);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, path);
  } catch (error) {
    if (!(isErrnoException(error) && error.code === 'EEXIST')) throw error;
    const winner = await readKeyFile(path);
    if (!winner) throw error;
    return winner;
  } finally {
    await unlink(temporary);
  }
  return key;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
