/**
 * Data safety against the real store, the real `podterm` command line and the real browser-mode server: file modes
 * whatever the umask, a lost secret.key, partial import rows, recordings that cannot be written, two Podterms on one
 * data directory, control characters in names, a damaged database and a read-only data directory. Each case asserts
 * what the user sees and, where stored data is involved, that it did not change.
 *
 * These tests run as root on the build machines, and root ignores permission bits: a read-only directory is made with
 * `chattr +i` (immutable, which binds root too) and a full disk with a small tmpfs; without them the case skips saying
 * why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../common/contract';
import type { PodView } from '../../common/pods';
import type { Store } from '../../main/core/store';
import { CLI_ENTRY, ensureCliBuilt, runCli } from '../cli/cliHarness';
import { createTestCore, RecordingClient, type TestCore } from '../harness/core';
import { makeScratch, openDataDir, type Scratch } from '../harness/dataDir';
import { NO_SSHD } from '../harness/skipReasons';
import { startSshd, type SshdHarness } from '../harness/sshd';
import { storedDataFingerprint } from '../harness/storedData';
import { webAppUnavailableReason } from '../harness/webApp';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WEB_ENTRY = join(root, 'dist/main/web.mjs');
/** Start-up is well under a second; a loaded machine may be much slower. */
const START_TIMEOUT_MS = 30_000;

const scratches: Scratch[] = [];
/** Directories made immutable by a test, made mutable again even when it fails (or cleanup could not remove them). */
const immutable = new Set<string>();
const mounts = new Set<string>();

beforeAll(() => ensureCliBuilt(), 120_000);
afterAll(async () => {
  for (const dir of immutable) spawnSync('chattr', ['-i', dir]);
  for (const dir of mounts) spawnSync('umount', [dir]);
  for (const scratch of scratches) await scratch.cleanup();
});

async function scratch(): Promise<Scratch> {
  const made = await makeScratch('podterm-robust-');
  scratches.push(made);
  return made;
}

const cli = (at: Scratch, args: string[]) => runCli(['--data-dir', at.dataDir, ...args], { home: at.home });

/** A record with SSH details and a secret, and one with a token: what a partial import must not wipe. */
async function seed(store: Store): Promise<{ bastion: PodView; api: PodView }> {
  const bastion = await store.pods.save({
    fields: {
      name: 'bastion',
      namespace: 'default',
      podName: 'bastion-0',
      sshHost: 'bastion.example.com',
      sshPort: 2222,
      sshUser: 'ops',
      insecureSkipTlsVerify: false,
      sshAllowProxyCommand: false,
      sshAuthKind: 'password',
      notes: 'jump host',
    },
    secrets: { sshPassword: 'hunter2' },
  });
  const api = await store.pods.save({
    fields: {
      name: 'api',
      namespace: 'prod',
      podName: 'api-0',
      clusterHost: 'https://10.0.0.1:6443',
      insecureSkipTlsVerify: false,
      sshAllowProxyCommand: false,
      sshPort: 22,
      sshAuthKind: 'password',
    },
    secrets: { token: 'prod-token-123' },
  });
  return { bastion, api };
}

/** A data directory holding the seeded records, closed again (as after the app quit). */
async function seededDataDir(): Promise<{ at: Scratch; bastion: PodView; api: PodView }> {
  const at = await scratch();
  const store = await openDataDir(at.dataDir);
  try {
    return { at, ...(await seed(store)) };
  } finally {
    store.close();
  }
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/** `chattr +i` binds root too; null when this file system or this container cannot do it. */
function makeImmutable(dir: string): string | null {
  const result = spawnSync('chattr', ['+i', dir], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    return `chattr +i is not available here (${result.error?.message ?? result.stderr.trim()}), and root ignores modes`;
  }
  immutable.add(dir);
  return null;
}

function makeMutable(dir: string): void {
  spawnSync('chattr', ['-i', dir]);
  immutable.delete(dir);
}

interface Server {
  process: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * `node dist/main/web.mjs --data-dir DIR` under `umask`, as a user would start it. Resolves once it printed its URL,
 * or once it exited (a refusal): the caller looks at `exited` and `output()`.
 */
async function startServer(at: Scratch, umask = '077'): Promise<Server> {
  const child = spawn(
    'sh',
    ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, WEB_ENTRY, '--data-dir', at.dataDir, '--port', '0'],
    {
      env: { ...process.env, HOME: at.home, SSH_AUTH_SOCK: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`browser mode neither started nor exited:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const check = () => {
      if (/Open http:\/\/127\.0\.0\.1:\d+\//.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    process: child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

describe('database files are owner-only whatever the umask and the directory mode', () => {
  it('podterm.db, its -wal and -shm are 0600 under umask 000 in a 0777 directory, and a looser file is narrowed', async (context) => {
    const reason = webAppUnavailableReason();
    if (reason) return context.skip(reason);
    const at = await scratch();
    await mkdir(at.dataDir, { recursive: true });
    await chmod(at.dataDir, 0o777);
    const server = await startServer(at, '000');
    try {
      expect(server.process.exitCode, server.output()).toBeNull();
      for (const name of ['podterm.db', 'podterm.db-wal', 'podterm.db-shm']) {
        expect({ name, mode: (await modeOf(join(at.dataDir, name))).toString(8) }).toEqual({ name, mode: '600' });
      }
    } finally {
      await server.stop();
    }
    // A database left world-readable (copied in, an older build) is narrowed when it is next opened for writing.
    await chmod(at.databasePath, 0o666);
    const file = join(at.dir, 'one.json');
    await writeFile(file, JSON.stringify([{ name: 'added', podName: 'added' }]));
    const run = await spawnUnderUmask(['--data-dir', at.dataDir, 'pods', 'import', file], at.home);
    expect(run.code, run.stderr).toBe(0);
    expect((await modeOf(at.databasePath)).toString(8)).toBe('600');
  });
});

/** The CLI under umask 000, as a careless shell would run it. */
function spawnUnderUmask(
  args: string[],
  home: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, CLI_ENTRY, ...args], {
    env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('a missing secret.key beside a database that holds secrets', () => {
  it('refuses to start, says how to recover, makes no new key, and the data is intact once the key is back', async (context) => {
    const reason = webAppUnavailableReason();
    if (reason) return context.skip(reason);
    const { at } = await seededDataDir();
    const before = await storedDataFingerprint(at.dataDir);
    const keyPath = join(at.dataDir, 'secret.key');
    const aside = join(at.dir, 'secret.key.backup');
    await rename(keyPath, aside);
    const dbBefore = await sha256(at.databasePath);

    const server = await startServer(at);
    const code = await server.exited;
    expect(code).toBe(1);
    expect(server.output()).toContain(
      `podterm: The database ${at.databasePath} holds 2 records with secrets, encrypted with the key in ${keyPath}, ` +
        'and that file is missing. Podterm will not make a new key',
    );
    expect(server.output()).toContain(`Restore secret.key from a backup into ${at.dataDir}`);
    expect(server.output()).toContain(`podterm --data-dir ${at.dataDir} secrets forget`);
    expect(existsSync(keyPath)).toBe(false);
    expect(await sha256(at.databasePath)).toBe(dbBefore);

    await rename(aside, keyPath);
    expect(await storedDataFingerprint(at.dataDir)).toBe(before);
  });

  it('`podterm secrets forget` starts over deliberately: records keep their fields, their secrets are gone', async () => {
    const { at, bastion } = await seededDataDir();
    const keyPath = join(at.dataDir, 'secret.key');
    const withKey = await cli(at, ['secrets', 'forget']);
    expect(withKey.code).toBe(1);
    expect(withKey.stderr).toContain(`${keyPath} is there, so the stored secrets can be read: nothing was forgotten`);

    await rename(keyPath, join(at.dir, 'lost.key'));
    const forget = await cli(at, ['secrets', 'forget']);
    expect(forget.code, forget.stderr).toBe(0);
    expect(forget.stdout).toContain('Forgot the secrets of 2 records and removed 0 imported kubeconfig contexts');
    const store = await openDataDir(at.dataDir);
    try {
      const view = store.pods.get(bastion.id)!;
      expect(view).toMatchObject({ sshHost: 'bastion.example.com', sshPort: 2222, sshUser: 'ops' });
      expect(Object.values(view.storedSecrets).some(Boolean)).toBe(false);
    } finally {
      store.close();
    }
  });
});

describe('pods import of a partial row', () => {
  it('changes only the fields a JSON or CSV row gives and keeps every other field and secret', async () => {
    const { at, bastion, api } = await seededDataDir();
    const exportAll = async () => {
      const run = await cli(at, ['pods', 'export', '--include-secrets']);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    };
    const before = await exportAll();

    const json = join(at.dir, 'partial.json');
    await writeFile(json, JSON.stringify([{ id: bastion.id, notes: 'moved to rack 4' }]));
    const first = await cli(at, ['pods', 'import', json]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('0 created, 1 updated');

    const csv = join(at.dir, 'partial.csv');
    await writeFile(csv, `id,podName,sshUser\n${api.id},api-1,\n`);
    const second = await cli(at, ['pods', 'import', csv]);
    expect(second.code, second.stderr).toBe(0);

    const after = await exportAll();
    const expected = before.map((row) => {
      if (row.id === bastion.id) return { ...row, notes: 'moved to rack 4' };
      if (row.id === api.id) return { ...row, podName: 'api-1' };
      return row;
    });
    expect(after).toEqual(expected);
    expect(after.find((row) => row.id === bastion.id)).toMatchObject({
      sshHost: 'bastion.example.com',
      sshUser: 'ops',
      sshPort: 2222,
      sshPassword: 'hunter2',
    });
  });

  it('validates the merged record: a partial row that breaks it imports nothing', async () => {
    const { at, bastion } = await seededDataDir();
    const before = await storedDataFingerprint(at.dataDir);
    const json = join(at.dir, 'bad.json');
    // Switching a record with no key path to key-file auth leaves it without the file: the rule spans two fields.
    await writeFile(json, JSON.stringify([{ id: bastion.id, sshAuthKind: 'privateKeyPath' }]));
    const run = await cli(at, ['pods', 'import', json]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'row 1, field sshPrivateKeyPath: give the path of the private key, e.g. ~/.ssh/id_ed25519',
    );
    expect(await storedDataFingerprint(at.dataDir)).toBe(before);
  });
});

describe('two Podterms on one data directory', () => {
  it('the second is refused naming the first; the first keeps its lock, so the CLI refuses writes until it quits', async (context) => {
    const reason = webAppUnavailableReason();
    if (reason) return context.skip(reason);
    const { at } = await seededDataDir();
    const before = await storedDataFingerprint(at.dataDir);
    const file = join(at.dir, 'one.json');
    await writeFile(file, JSON.stringify([{ name: 'added', podName: 'added' }]));

    const first = await startServer(at);
    try {
      expect(first.process.exitCode, first.output()).toBeNull();
      const second = await startServer(at);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(
        `podterm: Another Podterm (pid ${first.process.pid}, browser mode) is already using the data directory ` +
          `${at.dataDir}. Quit it first, or start this one with another data directory (--data-dir DIR).`,
      );
      // The refused one took nothing with it: the first still holds the lock.
      const refused = await cli(at, ['pods', 'import', file]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`Podterm (pid ${first.process.pid}, browser mode) is using this database`);
    } finally {
      await first.stop();
    }
    expect(await storedDataFingerprint(at.dataDir)).toBe(before);
    expect(existsSync(join(at.dataDir, 'podterm.lock'))).toBe(false);
    const after = await cli(at, ['pods', 'import', file]);
    expect(after.code, after.stderr).toBe(0);
  });
});

describe('control characters in names', () => {
  const hostile = 'evil\u001b]0;owned\u0007\rfake\u009b2J\u202eX';
  /** What must never reach the terminal raw: controls except the line feed ending each line, C1, the bidi override. */
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

  it('pods list, import dry runs and errors print them escaped', async () => {
    const at = await scratch();
    const store = await openDataDir(at.dataDir);
    try {
      // Written through the repository, as an older build (or another tool) could have stored it.
      await store.pods.save({
        fields: {
          name: hostile,
          namespace: 'default',
          podName: 'p',
          insecureSkipTlsVerify: false,
          sshAllowProxyCommand: false,
          sshPort: 22,
          sshAuthKind: 'password',
        },
        secrets: {},
      });
    } finally {
      store.close();
    }
    const list = await cli(at, ['pods', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('evil\\e]0;owned\\x07\\rfake\\x9b2J\\u202eX');
    expect(list.stdout).not.toMatch(RAW_CONTROL);

    const file = join(at.dir, 'names.json');
    await writeFile(file, JSON.stringify([{ name: `second ${hostile}`, podName: 'q' }]));
    const dryRun = await cli(at, ['pods', 'import', file, '--dry-run']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain('would create "second evil\\e]0;owned');
    expect(dryRun.stdout).not.toMatch(RAW_CONTROL);

    const csv = join(at.dir, 'header.csv');
    await writeFile(csv, 'name,po\u001b[2Jd\nx,y\n');
    const bad = await cli(at, ['pods', 'import', csv]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('field po\\e[2Jd: unknown field');
    expect(bad.stderr).not.toContain('\u001b');
  });
});

describe('database open errors', () => {
  it('a file that is not a database: the error names it and the remedy, and the file is left as it was', async () => {
    const at = await scratch();
    await mkdir(at.dataDir, { recursive: true });
    await writeFile(
      at.databasePath,
      'this is not a database, but some notes someone saved with the wrong name\n'.repeat(20),
    );
    const before = await sha256(at.databasePath);
    for (const command of [
      ['pods', 'list'],
      ['pods', 'export'],
    ]) {
      const run = await cli(at, command);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `podterm: Cannot open the Podterm database ${at.databasePath}: it is not a SQLite database or it is damaged ` +
          '(file is not a database). Restore it from a backup, or move it aside',
      );
    }
    expect(await sha256(at.databasePath)).toBe(before);
  });

  it('a read-only data directory: list and export work, writing says which file and what to do', async (context) => {
    const { at } = await seededDataDir();
    const before = await storedDataFingerprint(at.dataDir);
    const reason = makeImmutable(at.dataDir);
    if (reason) return context.skip(reason);
    try {
      const list = await cli(at, ['pods', 'list']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('bastion');
      const exported = await cli(at, ['pods', 'export', '--include-secrets']);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toContain('hunter2');
      expect(existsSync(`${at.databasePath}-wal`)).toBe(false);

      const file = join(at.dir, 'one.json');
      await writeFile(file, JSON.stringify([{ name: 'added', podName: 'added' }]));
      const write = await cli(at, ['pods', 'import', file]);
      expect(write.code).toBe(1);
      expect(write.stderr).toContain(`podterm: Cannot open the Podterm database ${at.databasePath}:`);
      expect(write.stderr).toContain(`Make ${at.dataDir} and the file writable by you`);
    } finally {
      makeMutable(at.dataDir);
    }
    expect(await storedDataFingerprint(at.dataDir)).toBe(before);
  });
});

describe('recordings that cannot be written', () => {
  let sshd: SshdHarness | null = null;
  let harness: TestCore | null = null;
  beforeAll(async () => {
    sshd = await startSshd();
    harness = await createTestCore();
  }, 120_000);
  afterAll(async () => {
    await harness?.cleanup();
    await sshd?.stop();
  });

  async function openShell(client: RecordingClient): Promise<number> {
    const pod = await harness!.request(
      'pods.save',
      {
        fields: {
          name: 'rec',
          sshHost: sshd!.host,
          sshPort: sshd!.port,
          sshUser: sshd!.keyUser,
          sshAuthKind: 'privateKeyText',
        },
        secrets: { sshPrivateKey: sshd!.clientKeyText },
      },
      client,
    );
    const { sessionId } = await harness!.request(
      'sessions.open',
      { podId: pod.id, size: { cols: 80, rows: 24 } },
      client,
    );
    await harness!.connected(client, sessionId, { answerHostKey: 'acceptAndRemember' });
    return sessionId;
  }

  const failures = (client: RecordingClient, sessionId: number) =>
    (client.events.get(sessionId) ?? []).filter(
      (event): event is Extract<SessionEvent, { type: 'recordingFailed' }> => event.type === 'recordingFailed',
    );

  it('a read-only recordings folder: starting says so, answers no path, and leaves no file', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    const dir = join(harness!.dataDir, 'recordings');
    await mkdir(dir, { recursive: true });
    const reason = makeImmutable(dir);
    if (reason) return context.skip(reason);
    const client = new RecordingClient();
    try {
      const sessionId = await openShell(client);
      const answer = await harness!.core.dispatch('sessions.startRecording', { sessionId }, client);
      expect(answer).toEqual({
        ok: false,
        error: {
          code: 'forbidden',
          message: `Could not start recording: no permission to write in ${dir} (EPERM). Make that folder writable by you, then press Record again.`,
        },
      });
      const stop = await harness!.core.dispatch('sessions.stopRecording', { sessionId }, client);
      expect(stop).toMatchObject({ ok: false, error: { code: 'notFound' } });
    } finally {
      makeMutable(dir);
    }
    expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('a disk that fills up mid-recording: the tab is told at once, and stopping answers the failure, not a path', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    const dir = join(harness!.dataDir, 'recordings');
    await mkdir(dir, { recursive: true });
    // 16 KiB: the header fits, the output below does not.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
    if (mounted.status !== 0)
      return context.skip(`cannot mount a small tmpfs for a full disk: ${mounted.stderr.trim()}`);
    mounts.add(dir);
    try {
      const client = new RecordingClient();
      const sessionId = await openShell(client);
      const started = await harness!.request('sessions.startRecording', { sessionId }, client);
      expect(started.path.startsWith(dir)).toBe(true);
      client.send(sessionId, { type: 'write', data: 'head -c 300000 /dev/zero | base64 -w 100; echo done-$((6*7))\n' });
      await client.waitFor(() => failures(client, sessionId).length > 0, 30_000);
      const [failure] = failures(client, sessionId);
      expect(failure!.message).toContain(`The recording stopped: the disk holding ${dir} is full (ENOSPC).`);
      const stop = await harness!.core.dispatch('sessions.stopRecording', { sessionId }, client);
      expect(stop).toMatchObject({ ok: false, error: { code: 'notFound' } });
      // Whatever reached the disk is named only when it holds output; a header-only file is removed.
      const kept = existsSync(started.path);
      expect(failure!.message).toContain(
        kept ? `The file ${started.path} holds only what was recorded` : 'Nothing was saved.',
      );
      await harness!.request('sessions.close', { sessionId }, client);
    } finally {
      spawnSync('umount', [dir]);
      mounts.delete(dir);
    }
  });
});
