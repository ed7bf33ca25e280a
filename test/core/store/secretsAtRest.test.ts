import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { podSaveSchema } from '../../../common/pods';
import { makeScratch, openDataDir, type Scratch } from '../../harness/dataDir';

/** Recognisable strings: if any of them shows up in the files, a secret was written in the clear. */
const SECRETS = {
  token: 'TOKEN-PLAINTEXT-3b1f9e7a',
  kubeconfig: 'apiVersion: v1\nusers:\n- name: KUBECONFIG-PLAINTEXT-55c2d0\n',
  sshPassword: 'SSH-PASSWORD-PLAINTEXT-a9e4',
  sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nPRIVATE-KEY-PLAINTEXT-71d3\n-----END OPENSSH PRIVATE KEY-----\n',
  sshPassphrase: 'PASSPHRASE-PLAINTEXT-0c8b',
};
const VISIBLE_NAME = 'VISIBLE-RECORD-NAME-6e2a';

let scratch: Scratch;

beforeEach(async () => {
  scratch = await makeScratch('podterm-at-rest-');
});
afterEach(async () => {
  await scratch.cleanup();
});

/** The database as it sits on disk: the main file plus the write-ahead log, if there is one. */
function bytesOnDisk(): { db: Buffer; wal: Buffer } {
  const walPath = `${scratch.databasePath}-wal`;
  return { db: readFileSync(scratch.databasePath), wal: existsSync(walPath) ? readFileSync(walPath) : Buffer.alloc(0) };
}

function expectNoPlaintextSecrets(bytes: Buffer): void {
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(bytes.includes(secret), `${name} in plaintext`).toBe(false);
    // A distinctive part too, in case a secret were stored trimmed or re-encoded line by line.
    const marker = /[A-Z-]+PLAINTEXT-[0-9a-f]+/.exec(secret)?.[0] ?? secret;
    expect(bytes.includes(marker), `${name} marker in plaintext`).toBe(false);
  }
}

describe('secrets at rest', () => {
  it('never writes a secret in the clear to the database or its WAL', async () => {
    const store = await openDataDir(scratch.dataDir);
    const saved = await store.pods.save(
      podSaveSchema.parse({
        fields: { name: VISIBLE_NAME, podName: 'api-0', sshHost: 'bastion.example', sshUser: 'ops' },
        secrets: SECRETS,
      }),
    );

    // While open, the new row sits in the WAL: scan both files, and prove the scan sees rows by finding the name.
    const open = bytesOnDisk();
    expect(open.wal.length).toBeGreaterThan(0);
    expect(Buffer.concat([open.db, open.wal]).includes(VISIBLE_NAME)).toBe(true);
    expectNoPlaintextSecrets(open.db);
    expectNoPlaintextSecrets(open.wal);

    // Closing checkpoints the WAL into the main file.
    store.close();
    const closed = bytesOnDisk();
    expect(closed.db.includes(VISIBLE_NAME)).toBe(true);
    expectNoPlaintextSecrets(closed.db);
    expectNoPlaintextSecrets(closed.wal);

    // And the secrets are really there, encrypted: reopening with the same key gets them back.
    const reopened = await openDataDir(scratch.dataDir);
    expect((await reopened.pods.getForConnect(saved.id))?.secrets).toEqual(SECRETS);
    reopened.close();
  });
});
