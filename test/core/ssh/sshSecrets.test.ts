/**
 * What SSH's failures say about the credentials: a private key ssh2 cannot read is refused before dialing with ssh2's
 * reason but none of the bytes it quotes (they are the key's); and the save check (privateKeyProblem) tells a broken key,
 * a public key, a missing passphrase and a wrong one apart. No server needed: all of this happens before connecting.
 */
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { openSshSession, privateKeyProblem } from '../../../main/core/ssh';

const PASSPHRASE = 'the-right-passphrase';
const encrypted = ssh2.utils.generateKeyPairSync('ed25519', {
  passphrase: PASSPHRASE,
  cipher: 'aes256-ctr',
  rounds: 16,
});
const plain = ssh2.utils.generateKeyPairSync('ed25519');

/** The plain key with the start of its body replaced: ssh2 then quotes the decoded bytes it found instead of the magic. */
function damagedKey(): { key: string; quoted: string } {
  const lines = plain.private.split('\n');
  const body = lines[1]!;
  const damaged = `QUJDREVGR0hJSktMTU5PUA${body.slice(22)}`;
  lines[1] = damaged;
  return { key: lines.join('\n'), quoted: 'ABCDEFGHIJKLMNOP' };
}

describe('a private key ssh2 cannot read', () => {
  it("fails the login before dialing, with ssh2's reason but not the bytes it quoted", async () => {
    const { key, quoted } = damagedKey();
    expect(String(ssh2.utils.parseKey(key))).toContain(quoted.slice(0, 8));
    const failure = await openSshSession({
      host: '127.0.0.1',
      // Never dialed: the key is parsed first.
      port: 1,
      username: 'ops',
      auth: { kind: 'privateKey', privateKey: key },
      size: { cols: 80, rows: 24 },
      verifyHostKey: async () => {},
    }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(/the private key could not be read \(Unsupported OpenSSH key magic\)$/);
    expect(failure?.message).not.toContain(quoted.slice(0, 8));
  });
});

describe('privateKeyProblem (the save check)', () => {
  it('accepts a plain key, and an encrypted one with its passphrase', () => {
    expect(privateKeyProblem(plain.private, null)).toBeNull();
    expect(privateKeyProblem(encrypted.private, PASSPHRASE)).toBeNull();
  });

  it('names the field and the fix for each problem', () => {
    expect(privateKeyProblem(damagedKey().key, null)).toEqual({
      field: 'sshPrivateKey',
      message:
        'not a private key Podterm can read (Unsupported OpenSSH key magic): paste the whole key, from its -----BEGIN line to its -----END line (OpenSSH or PEM format)',
    });
    expect(privateKeyProblem(plain.public, null)?.message).toMatch(/^this is a public key/);
    expect(privateKeyProblem(encrypted.private, null)).toEqual({
      field: 'sshPassphrase',
      message: 'the private key is encrypted: give its passphrase too (Podterm does not ask for it when connecting)',
    });
    expect(privateKeyProblem(encrypted.private, '')?.field).toBe('sshPassphrase');
    expect(privateKeyProblem(encrypted.private, 'wrong')?.message).toMatch(/^this passphrase does not decrypt/);
  });
});
