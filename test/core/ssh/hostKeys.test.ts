/**
 * Host-key verification, end to end against a real sshd: what the user is asked, that nothing is sent before they
 * answer, what each answer does, and how OpenSSH known_hosts files (written by OpenSSH's own tools where possible) are
 * honoured. A few cases that need port 22 or odd file contents run against the verifier directly.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostKeyDecision } from '../../../common/contract';
import {
  createHostKeyVerifier,
  fingerprintSha256,
  HostKeyChangedError,
  HostKeyError,
  knownHostKeyTypes,
  type HostKeyQuestion,
} from '../../../main/core/ssh/hostKeys';
import { openSshSession, SshConnectError } from '../../../main/core/ssh/sshSession';
import type { KnownHostRepository } from '../../../main/core/store';
import { makeScratch, openDataDir, type Scratch } from '../../harness/dataDir';
import { startSshd } from '../../harness/sshd';
import { sleep } from '../../harness/wait';

const run = promisify(execFile);
const sshd = await startSshd();

/** How long sshd gets, after a refused connection, to log an authentication it should never see. */
const AFTER_REFUSAL_MS = 300;

/** The store is an injected collaborator, not the code under test: a Map is all it needs to be here. */
class MapKnownHosts implements KnownHostRepository {
  readonly entries = new Map<string, Array<{ keyType: string; key: Uint8Array }>>();
  find(host: string, port: number) {
    return [...(this.entries.get(`${host}:${port}`) ?? [])];
  }
  remember(host: string, port: number, keyType: string, key: Uint8Array) {
    const list = this.entries.get(`${host}:${port}`) ?? [];
    list.push({ keyType, key: Uint8Array.from(key) });
    this.entries.set(`${host}:${port}`, list);
  }
}

/** A fresh ed25519 public key blob, as a server would send it. */
function randomEd25519Blob(): Buffer {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const raw = Buffer.from(jwk.x ?? '', 'base64url');
  return sshBlob('ssh-ed25519', raw);
}

function sshBlob(type: string, payload: Buffer): Buffer {
  const typeBytes = Buffer.from(type);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(typeBytes.length);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(payload.length);
  return Buffer.concat([header, typeBytes, length, payload]);
}

/** Records each question and answers with the decision given. */
function promptAnswering(decision: HostKeyDecision) {
  const questions: HostKeyQuestion[] = [];
  return {
    questions,
    prompt: async (question: HostKeyQuestion) => {
      questions.push(question);
      return decision;
    },
  };
}

const neverPrompt = async (question: HostKeyQuestion): Promise<HostKeyDecision> => {
  throw new Error(`prompted unexpectedly for ${question.host}:${question.port}`);
};

let scratch: Scratch | undefined;
let dir = '';
beforeAll(async () => {
  scratch = await makeScratch('podterm-hostkeys-');
  dir = scratch.dir;
});
afterAll(async () => {
  await sshd?.stop();
  await scratch?.cleanup();
});

let fileCounter = 0;
async function knownHostsFile(contents: string): Promise<string> {
  fileCounter += 1;
  const path = join(dir, `known_hosts_${fileCounter}`);
  await writeFile(path, contents);
  return path;
}

describe.skipIf(sshd === null)('host-key verification against a real sshd', () => {
  const server = sshd!;
  const base64 = server.hostPublicKey.toString('base64');
  const name = `[127.0.0.1]:${server.port}`;

  /** Connects with key auth and the given verifier; closes the session if it opened. */
  async function connect(
    verifyHostKey: Parameters<typeof openSshSession>[0]['verifyHostKey'],
    preferHostKeyTypes: string[] = [],
  ) {
    const session = await openSshSession({
      host: server.host,
      port: server.port,
      username: server.keyUser,
      auth: { kind: 'privateKey', privateKey: server.clientKeyText },
      size: { cols: 80, rows: 24 },
      verifyHostKey,
      preferHostKeyTypes,
    });
    await session.close();
  }

  async function connectError(verifyHostKey: Parameters<typeof openSshSession>[0]['verifyHostKey']) {
    const error = await connect(verifyHostKey).then(
      () => {
        throw new Error('expected the connection to be refused');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SshConnectError);
    expect((error as SshConnectError).reason).toBe('hostKey');
    return error as SshConnectError;
  }

  /** The sshd log written since `offset`. */
  const logSince = async (offset: number) => (await server.readLog()).slice(offset);

  it('fingerprints keys exactly as OpenSSH does', () => {
    expect(fingerprintSha256(server.hostPublicKey)).toBe(server.hostFingerprint);
  });

  it('asks about an unknown key before any authentication, and cancel refuses without sending anything', async () => {
    const store = new MapKnownHosts();
    const offset = (await server.readLog()).length;
    const questions: HostKeyQuestion[] = [];
    let logAtPrompt = '';
    const verify = createHostKeyVerifier({
      knownHostsFiles: [join(dir, 'missing-known-hosts')],
      store,
      prompt: async (question) => {
        questions.push(question);
        logAtPrompt = await logSince(offset);
        return 'cancel';
      },
    });
    const error = await connectError(verify);

    expect(questions).toEqual([
      {
        host: '127.0.0.1',
        port: server.port,
        keyType: 'ssh-ed25519',
        fingerprint: server.hostFingerprint,
        otherKnownKeys: [],
      },
    ]);
    // The server had seen the connection but no authentication request when the user was asked…
    expect(logAtPrompt).toContain('Connection from 127.0.0.1');
    expect(logAtPrompt).not.toContain('userauth-request');
    expect(error.message).toBe(
      `Host key for ${name} (ssh-ed25519 ${server.hostFingerprint}) not accepted; connection cancelled.`,
    );
    expect(error.cause).toBeInstanceOf(HostKeyError);
    // …and after the refusal it never saw one either.
    await sleep(AFTER_REFUSAL_MS);
    const after = await logSince(offset);
    expect(after).not.toContain('userauth-request');
    expect(after).not.toContain('Accepted');
    expect(store.entries.size).toBe(0);
  });

  it('asks the server for a key type it is known by, so a host known by its older key type is not a question', async () => {
    const sources = {
      knownHostsFiles: [await knownHostsFile(`${server.secondHostKey.knownHostsLine}\n`)],
      store: new MapKnownHosts(),
    };
    const types = await knownHostKeyTypes(sources, server.host, server.port);
    expect(types).toEqual(['ecdsa-sha2-nistp256']);
    // Control: in ssh2's default order the server shows its ed25519 key, which that file does not know.
    const { questions, prompt } = promptAnswering('cancel');
    await connectError(createHostKeyVerifier({ ...sources, prompt }));
    expect(questions.map((question) => question.keyType)).toEqual(['ssh-ed25519']);
    // The question says the host is known by another key, and where: OpenSSH warns about this case too.
    expect(questions[0]!.otherKnownKeys).toEqual([
      {
        keyType: 'ecdsa-sha2-nistp256',
        fingerprint: fingerprintSha256(server.secondHostKey.blob),
        source: `${sources.knownHostsFiles[0]} (line 1)`,
      },
    ]);
    // Asking for the known type first: the server shows its ECDSA key, trusted without a question.
    await connect(createHostKeyVerifier({ ...sources, prompt: neverPrompt }), types);
  });

  it('still negotiates when the server has none of the preferred types, and says which key was known', async () => {
    // known_hosts holds an RSA key for the host; this server has no RSA key (keys replaced, or another server).
    const rsaKeyPath = join(dir, 'other_rsa_host_key');
    await run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', rsaKeyPath]);
    const rsaBase64 = (await readFile(`${rsaKeyPath}.pub`, 'utf8')).split(' ')[1]!;
    const rsaBlob = Buffer.from(rsaBase64, 'base64');
    const sources = {
      knownHostsFiles: [await knownHostsFile(`${name} ssh-rsa ${rsaBase64}\n`)],
      store: new MapKnownHosts(),
    };
    const types = await knownHostKeyTypes(sources, server.host, server.port);
    expect(types).toEqual(['ssh-rsa']);
    const { questions, prompt } = promptAnswering('acceptOnce');
    await connect(createHostKeyVerifier({ ...sources, prompt }), types);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({
      keyType: 'ssh-ed25519',
      otherKnownKeys: [
        {
          keyType: 'ssh-rsa',
          fingerprint: fingerprintSha256(rsaBlob),
          source: `${sources.knownHostsFiles[0]} (line 1)`,
        },
      ],
    });
  });

  it('prefers nothing for a host it does not know, or knows only by a revoked key', async () => {
    const revoked = await knownHostsFile(`@revoked ${server.secondHostKey.knownHostsLine}\n`);
    const store = new MapKnownHosts();
    expect(await knownHostKeyTypes({ knownHostsFiles: [], store }, server.host, server.port)).toEqual([]);
    expect(await knownHostKeyTypes({ knownHostsFiles: [revoked], store }, server.host, server.port)).toEqual([]);
    store.remember('127.0.0.1', server.port, 'ssh-ed25519', server.hostPublicKey);
    expect(await knownHostKeyTypes({ knownHostsFiles: [revoked], store }, server.host, server.port)).toEqual([
      'ssh-ed25519',
    ]);
  });

  it('acceptOnce allows this connection only and stores nothing', async () => {
    const store = new MapKnownHosts();
    const { questions, prompt } = promptAnswering('acceptOnce');
    const verify = createHostKeyVerifier({ knownHostsFiles: [], store, prompt });
    const offset = (await server.readLog()).length;
    await connect(verify);
    // Positive control for the test above: an accepted key is followed by authentication.
    expect(await logSince(offset)).toContain('userauth-request');
    expect(store.entries.size).toBe(0);
    await connect(verify);
    expect(questions).toHaveLength(2);
  });

  it('acceptAndRemember stores the key, and the next connection does not ask', async () => {
    const store = new MapKnownHosts();
    const { questions, prompt } = promptAnswering('acceptAndRemember');
    await connect(createHostKeyVerifier({ knownHostsFiles: [], store, prompt }));
    expect(questions).toHaveLength(1);
    const remembered = store.find('127.0.0.1', server.port);
    expect(remembered).toHaveLength(1);
    expect(remembered[0]?.keyType).toBe('ssh-ed25519');
    expect(Buffer.from(remembered[0]!.key).equals(server.hostPublicKey)).toBe(true);

    await connect(createHostKeyVerifier({ knownHostsFiles: [], store, prompt: neverPrompt }));
  });

  it("acceptAndRemember persists in Podterm's real SQLite store across restarts", async () => {
    const openAppStore = () => openDataDir(scratch!.dataDir);
    const first = await openAppStore();
    try {
      const { questions, prompt } = promptAnswering('acceptAndRemember');
      await connect(createHostKeyVerifier({ knownHostsFiles: [], store: first.knownHosts, prompt }));
      expect(questions).toHaveLength(1);
    } finally {
      first.close();
    }
    const second = await openAppStore();
    try {
      await connect(createHostKeyVerifier({ knownHostsFiles: [], store: second.knownHosts, prompt: neverPrompt }));
    } finally {
      second.close();
    }
  });

  it.each([
    ['the [host]:port form', () => `${name} ssh-ed25519 ${base64}\n`],
    ['a comma list', () => `other.example.com,${name},10.9.9.9 ssh-ed25519 ${base64} a comment\n`],
    ['a wildcard pattern', () => `[127.0.0.*]:${server.port} ssh-ed25519 ${base64}\n`],
    [
      'comments, blank lines, a CA line and CRLF endings around it',
      () =>
        `# a comment\r\n\r\n@cert-authority *.example.com ssh-ed25519 ${randomEd25519Blob().toString('base64')}\r\n` +
        `${name} ssh-ed25519 ${base64}\r\n`,
    ],
  ])('accepts a key known in a known_hosts file (%s) without asking', async (_label, contents) => {
    const file = await knownHostsFile(contents());
    const store = new MapKnownHosts();
    await connect(createHostKeyVerifier({ knownHostsFiles: [join(dir, 'absent'), file], store, prompt: neverPrompt }));
    expect(store.entries.size).toBe(0);
  });

  it('accepts a key known in a file hashed by ssh-keygen -H', async () => {
    const file = await knownHostsFile(`${server.knownHostsLine}\n`);
    await run('ssh-keygen', ['-q', '-H', '-f', file]);
    const hashed = await readFile(file, 'utf8');
    expect(hashed.startsWith('|1|')).toBe(true);
    expect(hashed).not.toContain('127.0.0.1');
    await connect(createHostKeyVerifier({ knownHostsFiles: [file], store: new MapKnownHosts(), prompt: neverPrompt }));
  });

  it('does not let a port-22 entry vouch for another port', async () => {
    const file = await knownHostsFile(`127.0.0.1 ssh-ed25519 ${base64}\n`);
    const { questions, prompt } = promptAnswering('cancel');
    await connectError(createHostKeyVerifier({ knownHostsFiles: [file], store: new MapKnownHosts(), prompt }));
    expect(questions).toHaveLength(1);
  });

  it('refuses a changed key loudly, naming the file and line, without asking or authenticating', async () => {
    const oldKey = randomEd25519Blob();
    const file = await knownHostsFile(
      `# Podterm test file\n\n${name} ssh-ed25519 ${oldKey.toString('base64')}\nother.example.com ssh-ed25519 ${base64}\n`,
    );
    const offset = (await server.readLog()).length;
    const error = await connectError(
      createHostKeyVerifier({ knownHostsFiles: [file], store: new MapKnownHosts(), prompt: neverPrompt }),
    );
    expect(error.message).toBe(
      `WARNING: the SSH host key for ${name} has CHANGED (ssh-ed25519). ` +
        `It was ${fingerprintSha256(oldKey)} and is now ${server.hostFingerprint}. ` +
        'Someone may be intercepting the connection, or the server was reinstalled. Podterm refused to connect. ' +
        `If the change is expected, remove the old key from ${file} (line 3) ` +
        `(for example: ssh-keygen -f "${file}" -R "${name}").`,
    );
    expect(error.cause).toBeInstanceOf(HostKeyChangedError);
    await sleep(AFTER_REFUSAL_MS);
    expect(await logSince(offset)).not.toContain('userauth-request');
  });

  it("refuses a key that changed since it was remembered in Podterm's store", async () => {
    const store = new MapKnownHosts();
    const oldKey = randomEd25519Blob();
    store.remember('127.0.0.1', server.port, 'ssh-ed25519', oldKey);
    const error = await connectError(createHostKeyVerifier({ knownHostsFiles: [], store, prompt: neverPrompt }));
    expect(error.message).toContain(`has CHANGED (ssh-ed25519). It was ${fingerprintSha256(oldKey)}`);
    expect(error.message).toContain("remove the old key from Podterm's known hosts.");
  });

  it('refuses a key marked @revoked, without asking', async () => {
    const file = await knownHostsFile(`${server.knownHostsLine}\n@revoked * ssh-ed25519 ${base64}\n`);
    const error = await connectError(
      createHostKeyVerifier({ knownHostsFiles: [file], store: new MapKnownHosts(), prompt: neverPrompt }),
    );
    expect(error.message).toContain(`is marked @revoked in ${file} (line 2)`);
  });

  it('never writes the known_hosts files it reads', async () => {
    const contents = `# mine\n${server.knownHostsLine}\n`;
    const file = await knownHostsFile(contents);
    const { prompt } = promptAnswering('acceptAndRemember');
    const verify = createHostKeyVerifier({ knownHostsFiles: [file], store: new MapKnownHosts(), prompt });
    await connect(verify);
    expect(await readFile(file, 'utf8')).toBe(contents);
  });
});

describe('host-key verifier rules that need no server', () => {
  const key = randomEd25519Blob();
  const base64 = key.toString('base64');
  const presented = (host: string, port: number, blob = key) => ({ host, port, key: blob });

  it('matches a plain host name on port 22, case-insensitively', async () => {
    const file = await knownHostsFile(`Build.Example.com ssh-ed25519 ${base64}\n`);
    const verify = createHostKeyVerifier({ knownHostsFiles: [file], store: new MapKnownHosts(), prompt: neverPrompt });
    await expect(verify(presented('build.example.COM', 22))).resolves.toBeUndefined();
  });

  it('honours a negated pattern', async () => {
    const file = await knownHostsFile(`*.example.com,!evil.example.com ssh-ed25519 ${base64}\n`);
    const { questions, prompt } = promptAnswering('cancel');
    const verify = createHostKeyVerifier({ knownHostsFiles: [file], store: new MapKnownHosts(), prompt });
    await expect(verify(presented('good.example.com', 22))).resolves.toBeUndefined();
    await expect(verify(presented('evil.example.com', 22))).rejects.toThrow('connection cancelled');
    expect(questions).toHaveLength(1);
  });

  it('asks (rather than crying "changed") when only a key of another type is known', async () => {
    const store = new MapKnownHosts();
    store.remember('host.example.com', 22, 'ssh-rsa', sshBlob('ssh-rsa', Buffer.from('not-a-real-rsa-key')));
    const { questions, prompt } = promptAnswering('acceptOnce');
    const verify = createHostKeyVerifier({ knownHostsFiles: [], store, prompt });
    await expect(verify(presented('host.example.com', 22))).resolves.toBeUndefined();
    expect(questions).toHaveLength(1);
  });

  it('skips malformed lines instead of trusting them', async () => {
    const file = await knownHostsFile(
      [
        `host.example.com ssh-rsa ${base64}`, // type field disagrees with the blob
        'host.example.com ssh-ed25519 !!!not-base64!!!',
        'host.example.com',
        `@bogus-marker host.example.com ssh-ed25519 ${base64}`,
        '',
      ].join('\n'),
    );
    const { questions, prompt } = promptAnswering('acceptOnce');
    const verify = createHostKeyVerifier({ knownHostsFiles: [file], store: new MapKnownHosts(), prompt });
    await verify(presented('host.example.com', 22));
    expect(questions).toHaveLength(1);
  });

  it('treats an answer that is not a known decision as cancel', async () => {
    const verify = createHostKeyVerifier({
      knownHostsFiles: [],
      store: new MapKnownHosts(),
      prompt: async () => 'yes please' as HostKeyDecision,
    });
    await expect(verify(presented('host.example.com', 22))).rejects.toThrow('connection cancelled');
  });

  it('refuses (rather than prompting) when a known_hosts file exists but cannot be read', async () => {
    // A directory stands in for an unreadable file: reading it fails with EISDIR even as root.
    const verify = createHostKeyVerifier({ knownHostsFiles: [dir], store: new MapKnownHosts(), prompt: neverPrompt });
    const error = await verify(presented('host.example.com', 22)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).kind).toBe('unreadable');
    expect((error as Error).message).toContain(`could not read the known hosts file ${dir} (EISDIR)`);
  });
});
