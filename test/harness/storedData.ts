/**
 * A fingerprint of everything a data directory holds for the user (records with their secrets, imported kubeconfigs with
 * their content, settings), so a robustness test can assert that a refused input changed nothing: take one before, one
 * after, compare. Hashed, so a failing comparison never prints a secret.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../../main/core/store';
import { openDataDir } from './dataDir';

/** The sha256 of the store's records (secrets included, decrypted), imported kubeconfigs (content included) and settings. */
export async function storeFingerprint(store: Store): Promise<string> {
  const records = [];
  for (const view of store.pods.list()) records.push({ view, connect: await store.pods.getForConnect(view.id) });
  const kubeconfigs = [];
  for (const view of store.importedKubeconfigs.list()) {
    kubeconfigs.push({ view, content: await store.importedKubeconfigs.getContent(view.id) });
  }
  const everything = JSON.stringify({ records, kubeconfigs, settings: store.settings.get() });
  return createHash('sha256').update(everything).digest('hex');
}

/**
 * The fingerprint of the data directory `dataDir` (podterm.db with its secret.key), opened for the reading and closed
 * again. Use it while nothing else has the store open for writing, e.g. after the command line or the server stopped.
 */
export async function storedDataFingerprint(dataDir: string): Promise<string> {
  const store = await openDataDir(dataDir);
  try {
    return await storeFingerprint(store);
  } finally {
    store.close();
  }
}
