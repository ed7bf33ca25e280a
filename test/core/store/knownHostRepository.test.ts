import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeySecretBox, SECRET_KEY_FILE_NAME } from '../../../main/core/secrets/fileKeySecretBox';
import { DATABASE_FILE_NAME, openStore, type Store } from '../../../main/core/store/index';

const ED25519 = Uint8Array.from([0, 0, 0, 11, 1, 2, 3]);
const RSA = Uint8Array.from([0, 0, 0, 7, 4, 5, 6]);

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'podterm-hosts-'));
  const secretBox = await FileKeySecretBox.open(join(dir, SECRET_KEY_FILE_NAME));
  store = openStore({ path: join(dir, DATABASE_FILE_NAME), secretBox });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('KnownHostRepository', () => {
  it('finds nothing for a host never remembered', () => {
    expect(store.knownHosts.find('bastion.example', 22)).toEqual([]);
  });

  it('remembers keys per host and port, once each', () => {
    store.knownHosts.remember('bastion.example', 22, 'ssh-ed25519', ED25519);
    store.knownHosts.remember('bastion.example', 22, 'ssh-ed25519', ED25519);
    store.knownHosts.remember('bastion.example', 22, 'ssh-rsa', RSA);
    const found = store.knownHosts.find('bastion.example', 22);
    expect(found.map((k) => ({ keyType: k.keyType, key: Array.from(k.key) }))).toEqual([
      { keyType: 'ssh-ed25519', key: Array.from(ED25519) },
      { keyType: 'ssh-rsa', key: Array.from(RSA) },
    ]);
    expect(store.knownHosts.find('bastion.example', 2222)).toEqual([]);
    expect(store.knownHosts.find('other.example', 22)).toEqual([]);
  });

  it('matches host names case-insensitively, as OpenSSH does', () => {
    store.knownHosts.remember('Bastion.Example', 22, 'ssh-ed25519', ED25519);
    expect(store.knownHosts.find('bastion.example', 22)).toHaveLength(1);
  });
});
