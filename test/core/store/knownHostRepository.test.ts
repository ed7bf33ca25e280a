import { describe, expect, it } from 'vitest';
import { useStore } from '../../harness/dataDir';

const ED25519 = Uint8Array.from([0, 0, 0, 11, 1, 2, 3]);
const RSA = Uint8Array.from([0, 0, 0, 7, 4, 5, 6]);

const data = useStore('podterm-hosts-');

describe('KnownHostRepository', () => {
  it('finds nothing for a host never remembered', () => {
    expect(data.store.knownHosts.find('bastion.example', 22)).toEqual([]);
  });

  it('remembers keys per host and port, once each', () => {
    data.store.knownHosts.remember('bastion.example', 22, 'ssh-ed25519', ED25519);
    data.store.knownHosts.remember('bastion.example', 22, 'ssh-ed25519', ED25519);
    data.store.knownHosts.remember('bastion.example', 22, 'ssh-rsa', RSA);
    const found = data.store.knownHosts.find('bastion.example', 22);
    expect(found.map((k) => ({ keyType: k.keyType, key: Array.from(k.key) }))).toEqual([
      { keyType: 'ssh-ed25519', key: Array.from(ED25519) },
      { keyType: 'ssh-rsa', key: Array.from(RSA) },
    ]);
    expect(data.store.knownHosts.find('bastion.example', 2222)).toEqual([]);
    expect(data.store.knownHosts.find('other.example', 22)).toEqual([]);
  });

  it('matches host names case-insensitively, as OpenSSH does', () => {
    data.store.knownHosts.remember('Bastion.Example', 22, 'ssh-ed25519', ED25519);
    expect(data.store.knownHosts.find('bastion.example', 22)).toHaveLength(1);
  });
});
