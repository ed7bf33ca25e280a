/**
 * Data directories as the browser mode and the command line use them (podterm.db with secret.key beside it), in temp
 * directories a test removes when done.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { FileKeySecretBox, SECRET_KEY_FILE_NAME } from '../../main/core/secrets/fileKeySecretBox';
import type { SecretBox } from '../../main/core/secrets/secretBox';
import { DATABASE_FILE_NAME, openStore, type Store } from '../../main/core/store';

export interface Scratch {
  /** The temp directory itself, for files a test keeps beside the data directory (kubeconfigs, exports). */
  dir: string;
  /** A HOME for the code under test, so nothing reads the real user's files. Not created. */
  home: string;
  /** A data directory (`data` inside `dir`). Not created: opening the store or the key file creates it. */
  dataDir: string;
  /** The database file in `dataDir`. */
  databasePath: string;
  cleanup(): Promise<void>;
}

/** A new temp directory named `<prefix>XXXXXX`, with the places a test needs inside it. */
export async function makeScratch(prefix = 'podterm-test-'): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  return {
    dir,
    home: join(dir, 'home'),
    dataDir,
    databasePath: join(dataDir, DATABASE_FILE_NAME),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface OpenDataDirOptions {
  /** Instead of the key in `dataDir`'s secret.key (created when missing), e.g. another key or a keychain stand-in. */
  secretBox?: SecretBox;
  /** The store's clock. */
  now?: () => number;
}

/** Opens (creating) the data directory's own key, secret.key in `dataDir`, as the browser mode does. */
export function openDataDirKey(dataDir: string): Promise<SecretBox> {
  return FileKeySecretBox.open(join(dataDir, SECRET_KEY_FILE_NAME));
}

/** Opens (creating) the store in `dataDir` the way the browser mode does: secret.key beside podterm.db. */
export async function openDataDir(dataDir: string, options: OpenDataDirOptions = {}): Promise<Store> {
  const secretBox = options.secretBox ?? (await openDataDirKey(dataDir));
  return openStore({
    path: join(dataDir, DATABASE_FILE_NAME),
    secretBox,
    ...(options.now ? { now: options.now } : {}),
  });
}

export interface TestStore {
  /** The running test's scratch directory. */
  readonly scratch: Scratch;
  /** The running test's store, open on `scratch.dataDir`. */
  readonly store: Store;
  /** Closes the store and opens `scratch.dataDir` again with `options` (another key, say); `store` is then the new one. */
  reopen(options?: OpenDataDirOptions): Promise<Store>;
}

/**
 * A fresh scratch directory and a store open on its data directory for each test, closed and removed after it. Call at
 * a file's or describe's top level; read `scratch` and `store` inside tests.
 */
export function useStore(prefix = 'podterm-test-', options: OpenDataDirOptions = {}): TestStore {
  let scratch: Scratch | undefined;
  let store: Store | undefined;
  beforeEach(async () => {
    scratch = await makeScratch(prefix);
    store = await openDataDir(scratch.dataDir, options);
  });
  afterEach(async () => {
    try {
      store?.close();
    } finally {
      store = undefined;
      await scratch?.cleanup();
      scratch = undefined;
    }
  });
  const current = () => {
    if (!scratch || !store) throw new Error('useStore: the scratch directory and store exist only while a test runs');
    return { scratch, store };
  };
  return {
    get scratch() {
      return current().scratch;
    },
    get store() {
      return current().store;
    },
    async reopen(reopenOptions = {}) {
      const { scratch: dir, store: open } = current();
      open.close();
      store = undefined;
      store = await openDataDir(dir.dataDir, reopenOptions);
      return store;
    },
  };
}
