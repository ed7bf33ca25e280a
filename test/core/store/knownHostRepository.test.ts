import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../main/core/store/index';
import { makeScratch, openDataDir, type Scratch } from '../../harness/dataDir';

const ED25519 = Uint8Array.from([0, 0, 0, 11, 1, 2, 3]);
const RSA = Uint8Array.from([0, 0, 0, 7, 4, 5, 6]);

let scratch: Scratch;
let store: Store;

beforeEach(async () => {
  scratch = await makeScratch('podterm-hosts-');
  store = await openDataDir(scratch.dataDir);
});
afterEach(async () => {
  store.close();
  await scratch.cleanup();
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
