/**
 * Files in and out over SFTP on an SSH session's own connection, against the harness's real OpenSSH sshd, compared
 * with what `scp -p` makes of the same files: names, modes and modification times must match.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, planUpload, uploadFiles } from '../../../main/core/files';
import { openSshSession } from '../../../main/core/ssh';
import type { TerminalSession } from '../../../main/core/terminal';
import { startSshd } from '../../harness/sshd';
import { describeTree, makeBigFile, makeOddTree, MIB, sha256 } from './fileTrees';

const sshd = await startSshd();
const BIG_BYTES = 200 * MIB;
const BIG_TIMEOUT_MS = 600_000;
/** A fixed time in the past, so a kept modification time cannot be mistaken for "now". */
const OLD_TIME = new Date('2021-03-04T05:06:07Z');

const rate = (bytes: number, ms: number) => `${(bytes / MIB / (ms / 1000)).toFixed(1)} MB/s`;

describe.skipIf(sshd === null)('files over SFTP on an SSH session', () => {
  const server = sshd!;
  let session: TerminalSession;
  let local: string;
  /** The "remote" side: the same machine, a folder of its own. */
  let remote: string;

  const access = () => {
    if (!session.remoteFiles) throw new Error('the SSH session offers no file access');
    return session.remoteFiles;
  };

  /** scp -p with the harness's key and server, resolving with its run time. */
  const scp = (args: string[]) => {
    const started = Date.now();
    return new Promise<{ code: number | null; stderr: string; ms: number }>((resolve, reject) => {
      const child = spawn(
        'scp',
        [
          '-p',
          '-q',
          '-P',
          String(server.port),
          '-i',
          server.clientKeyPath,
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'BatchMode=yes',
          ...args,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr, ms: Date.now() - started }));
    });
  };
  const at = (path: string) => `${server.keyUser}@${server.host}:${path}`;

  beforeAll(async () => {
    session = await openSshSession({
      host: server.host,
      port: server.port,
      username: server.keyUser,
      auth: { kind: 'privateKey', privateKey: server.clientKeyText },
      size: { cols: 80, rows: 24 },
      verifyHostKey: async ({ key }) => {
        if (!key.equals(server.hostPublicKey)) throw new Error('not the test server key');
      },
    });
    local = await mkdtemp(join(tmpdir(), 'podterm-sftp-local-'));
    remote = await mkdtemp(join(tmpdir(), 'podterm-sftp-remote-'));
  });
  afterAll(async () => {
    await session?.close();
    await rm(local, { recursive: true, force: true });
    await rm(remote, { recursive: true, force: true });
    await server.stop();
  });

  it('uploads and downloads a small file keeping mode and times, and the home folder is the default', async () => {
    const source = join(local, 'hello.txt');
    await writeFile(source, 'hello over sftp\n', { mode: 0o640 });
    await utimes(source, OLD_TIME, OLD_TIME);
    const home = (await planUpload(access(), [], '')).destination;
    expect(home).toBe(process.env.HOME ?? '/root');
    await mkdir(join(remote, 'small'));
    const plan = await planUpload(access(), [source], join(remote, 'small'));
    expect(plan).toMatchObject({ files: 1, bytesTotal: 16, overwrites: [], conflicts: [] });
    await uploadFiles(access(), [source], join(remote, 'small'));
    const expected = (await describeTree(local, { mtime: true })).filter((line) => line.path === 'hello.txt');
    expect((await describeTree(join(remote, 'small'), { mtime: true })).slice(1)).toEqual(expected);
    expect((await planUpload(access(), [source], join(remote, 'small'))).overwrites).toEqual(['hello.txt']);

    const downloads = join(local, 'down-small');
    await mkdir(downloads);
    const saved = await downloadFile(access(), join(remote, 'small', 'hello.txt'), downloads);
    expect(saved.savedAs).toBe(join(downloads, 'hello.txt'));
    expect((await describeTree(downloads, { mtime: true })).slice(1)).toEqual(expected);
  });

  it('copies a tree of odd names both ways as scp -p does, skipping the symlink scp would follow out', async () => {
    const tree = await makeOddTree(local);
    await utimes(join(tree, 'a b.txt'), OLD_TIME, OLD_TIME);
    await mkdir(join(remote, 'by-scp'));
    await mkdir(join(remote, 'by-podterm'));
    const up = await scp(['-r', tree, at(join(remote, 'by-scp'))]);
    expect(up.code, up.stderr).toBe(0);
    const result = await uploadFiles(access(), [tree], join(remote, 'by-podterm'));
    expect(result.skipped).toEqual(['odd tree/outside-link']);
    // scp follows the link and copies /etc/passwd; everything else must be the same, times included.
    const withoutLink = (lines: Awaited<ReturnType<typeof describeTree>>) =>
      lines.filter((line) => !line.path.endsWith('outside-link'));
    const scpTree = withoutLink(await describeTree(join(remote, 'by-scp'), { mtime: true }));
    expect(scpTree.some((line) => line.path.endsWith('日本語 ファイル.txt'))).toBe(true);
    expect(await describeTree(join(remote, 'by-podterm'), { mtime: true })).toEqual(scpTree);

    const viaScp = join(local, 'down-scp');
    const viaPodterm = join(local, 'down-podterm');
    await mkdir(viaScp);
    await mkdir(viaPodterm);
    const down = await scp(['-r', at(join(remote, 'by-podterm', 'odd tree')), viaScp]);
    expect(down.code, down.stderr).toBe(0);
    await downloadFile(access(), join(remote, 'by-podterm', 'odd tree'), viaPodterm);
    expect(await describeTree(viaPodterm, { mtime: true })).toEqual(await describeTree(viaScp, { mtime: true }));
    expect(await readdir(join(remote, 'by-podterm'))).toEqual(['odd tree']);
  });

  it('replaces a symlink in the way instead of writing through it', async () => {
    const outside = join(local, 'outside.txt');
    await writeFile(outside, 'must not change\n');
    await mkdir(join(remote, 'links'));
    await symlink(outside, join(remote, 'links', 'victim'));
    const source = join(local, 'victim');
    await writeFile(source, 'uploaded\n');
    const plan = await planUpload(access(), [source], join(remote, 'links'));
    expect(plan.overwrites).toEqual(['victim']);
    await uploadFiles(access(), [source], join(remote, 'links'));
    expect(await readFile(outside, 'utf8')).toBe('must not change\n');
    expect(await readFile(join(remote, 'links', 'victim'), 'utf8')).toBe('uploaded\n');
    expect((await describeTree(join(remote, 'links')))[1]).toMatchObject({ kind: 'file' });
  });

  it(
    'streams 200 MiB both ways (MB/s printed beside scp), and a cancel half way leaves nothing either way',
    async () => {
      const big = join(local, 'big.bin');
      await makeBigFile(big, BIG_BYTES);
      const expected = await sha256(big);
      await mkdir(join(remote, 'big'));
      let started = Date.now();
      await uploadFiles(access(), [big], join(remote, 'big'));
      const upMs = Date.now() - started;
      const downloads = join(local, 'big-down');
      await mkdir(downloads);
      started = Date.now();
      await downloadFile(access(), join(remote, 'big', 'big.bin'), downloads);
      const downMs = Date.now() - started;
      expect(await sha256(join(remote, 'big', 'big.bin'))).toBe(expected);
      expect(await sha256(join(downloads, 'big.bin'))).toBe(expected);
      const scpUp = await scp([big, at(join(remote, 'big', 'by-scp.bin'))]);
      const scpDown = await scp([at(join(remote, 'big', 'big.bin')), join(downloads, 'by-scp.bin')]);
      expect(scpUp.code, scpUp.stderr).toBe(0);
      expect(scpDown.code, scpDown.stderr).toBe(0);
      console.log(
        `200 MiB over SFTP: podterm up ${rate(BIG_BYTES, upMs)}, down ${rate(BIG_BYTES, downMs)}; scp -p up ${rate(BIG_BYTES, scpUp.ms)}, down ${rate(BIG_BYTES, scpDown.ms)}`,
      );

      await mkdir(join(remote, 'cancel'));
      const controller = new AbortController();
      const upload = uploadFiles(access(), [big], join(remote, 'cancel'), {
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.bytesDone > progress.bytesTotal / 2) controller.abort();
        },
      });
      await expect(upload).rejects.toMatchObject({ reason: 'cancelled' });
      expect(await readdir(join(remote, 'cancel'))).toEqual([]);
      const cancelDownloads = join(local, 'cancel-down');
      await mkdir(cancelDownloads);
      const downloadController = new AbortController();
      const download = downloadFile(access(), join(remote, 'big', 'big.bin'), cancelDownloads, {
        signal: downloadController.signal,
        onProgress: (progress) => {
          if (progress.bytesDone > progress.bytesTotal / 2) downloadController.abort();
        },
      });
      await expect(download).rejects.toMatchObject({ reason: 'cancelled' });
      expect(await readdir(cancelDownloads)).toEqual([]);
      // The connection (and the shell on it) outlives a cancelled transfer: a new SFTP channel opens on it.
      expect((await planUpload(access(), [], remote)).destination).toBe(remote);
      await rm(join(remote, 'big'), { recursive: true });
      await rm(downloads, { recursive: true });
    },
    BIG_TIMEOUT_MS,
  );

  it('says what is missing when the remote path is not there', async () => {
    await expect(downloadFile(access(), join(remote, 'nope'), local)).rejects.toMatchObject({ reason: 'notFound' });
    const source = join(local, 'present.txt');
    await writeFile(source, 'here\n');
    await expect(uploadFiles(access(), [source], join(remote, 'nope'))).rejects.toMatchObject({
      reason: 'notFound',
    });
  });
});
