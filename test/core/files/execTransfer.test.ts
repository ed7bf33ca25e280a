/**
 * Files in and out of a container over tar on an exec, against the test API server, checked against what the real
 * `kubectl cp` makes of the same files through the same server: names, types, modes and contents must match.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, FileTransferError, planUpload, uploadFiles } from '../../../main/core/files';
import { openKubeExecCommand } from '../../../main/core/kube/exec';
import type { RemoteFileAccess } from '../../../main/core/terminal';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kubeApiServer';
import { createKubectlHarness, KUBECTL, kubectlMissingReason, type KubectlHarness } from '../../kube/kubectl';
import { describeTree, makeBigFile, makeOddTree, MIB, sha256 } from './fileTrees';

const kubectlMissing = await kubectlMissingReason();
if (kubectlMissing) console.warn(`kubectl comparisons skipped: ${kubectlMissing}`);
/** The pod whose image lacks tar in this file's server. */
const NO_TAR_POD = 'multi';
const BIG_BYTES = 200 * MIB;
/** kubectl cp of 200 MiB through a test server on a loaded 2-core machine: minutes, not hours. */
const BIG_TIMEOUT_MS = 600_000;

const server: KubeApiServer | null = await startKubeApiServer({
  withoutPrograms: { [`default/${NO_TAR_POD}`]: ['tar'] },
});

function accessFor(pod: string, container: string): RemoteFileAccess {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(server!.kubeconfig({ user: 'token' }));
  return {
    kind: 'exec',
    target: `container ${container} of pod default/${pod}`,
    run: (command) => openKubeExecCommand({ kubeConfig, namespace: 'default', pod, container, command }),
  };
}

/** kubectl without the harness's 20 s limit, for the big copy; resolves with its run time. */
function kubectl(
  harness: KubectlHarness,
  config: string,
  args: string[],
): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, ['--kubeconfig', config, ...args], {
      env: harness.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, ms: Date.now() - started }));
  });
}

const rate = (bytes: number, ms: number) => `${(bytes / MIB / (ms / 1000)).toFixed(1)} MB/s`;

describe.skipIf(server === null)('files over tar on a Kubernetes exec', () => {
  const access = () => accessFor('shell-pod', 'main');
  let local: string;
  /** The container's home (the harness's container folder), as an absolute path. */
  let home: string;

  beforeAll(async () => {
    local = await mkdtemp(join(tmpdir(), 'podterm-files-'));
    home = (await planUpload(access(), [], '')).destination;
  });
  afterAll(async () => {
    await rm(local, { recursive: true, force: true });
    await server?.stop();
  });

  it('uploads a small file keeping its mode, and downloads it as kubectl cp does (0666 through the umask)', async () => {
    const source = join(local, 'hello.txt');
    await writeFile(source, 'hello from podterm\n', { mode: 0o640 });
    await mkdir(join(home, 'small'));
    const plan = await planUpload(access(), [source], 'small');
    expect(plan).toMatchObject({
      destination: join(home, 'small'),
      files: 1,
      folders: 0,
      bytesTotal: 19,
      overwrites: [],
    });
    const result = await uploadFiles(access(), [source], 'small');
    expect(result.bytes).toBe(19);
    expect((await describeTree(join(home, 'small'))).slice(1)).toEqual(
      (await describeTreeOf(local, ['hello.txt'])).slice(1),
    );

    const again = await planUpload(access(), [source], join(home, 'small'));
    expect(again.overwrites).toEqual(['hello.txt']);

    const downloads = join(local, 'downloads-small');
    await mkdir(downloads);
    const saved = await downloadFile(access(), join(home, 'small', 'hello.txt'), downloads);
    expect(saved.savedAs).toBe(join(downloads, 'hello.txt'));
    const second = await downloadFile(access(), 'small/hello.txt', downloads);
    expect(second.savedAs).toBe(join(downloads, 'hello (1).txt'));
    expect(await describeTree(downloads)).toEqual([
      { path: '.', kind: 'dir', mode: expect.any(String) },
      {
        path: 'hello (1).txt',
        kind: 'file',
        mode: '644',
        content: Buffer.from('hello from podterm\n').toString('base64'),
      },
      { path: 'hello.txt', kind: 'file', mode: '644', content: Buffer.from('hello from podterm\n').toString('base64') },
    ]);
  });

  it.skipIf(kubectlMissing !== null)('copies a tree of odd names both ways exactly as kubectl cp does', async () => {
    const harness = await createKubectlHarness(server!);
    try {
      const config = await harness.configFor('token');
      const tree = await makeOddTree(local);
      await mkdir(join(home, 'by-kubectl'));
      await mkdir(join(home, 'by-podterm'));
      const up = await kubectl(harness, config, [
        'cp',
        tree,
        `default/shell-pod:${join(home, 'by-kubectl', 'odd tree')}`,
        '-c',
        'main',
      ]);
      expect(up.code, up.stderr).toBe(0);
      const ours = await uploadFiles(access(), [tree], join(home, 'by-podterm'));
      expect(ours.skipped).toEqual([]);
      const kubectlTree = await describeTree(join(home, 'by-kubectl'));
      expect(kubectlTree.some((line) => line.path === 'odd tree/sub dir/-dash dir/ünïcødé ✓/日本語 ファイル.txt')).toBe(
        true,
      );
      expect(await describeTree(join(home, 'by-podterm'))).toEqual(kubectlTree);

      const viaKubectl = join(local, 'down-kubectl');
      const viaPodterm = join(local, 'down-podterm');
      await mkdir(viaKubectl);
      await mkdir(viaPodterm);
      const down = await kubectl(harness, config, [
        'cp',
        `default/shell-pod:${join(home, 'by-podterm', 'odd tree')}`,
        join(viaKubectl, 'odd tree'),
        '-c',
        'main',
      ]);
      expect(down.code, down.stderr).toBe(0);
      const downloaded = await downloadFile(access(), join(home, 'by-podterm', 'odd tree'), viaPodterm);
      expect(downloaded.savedAs).toBe(join(viaPodterm, 'odd tree'));
      expect(await describeTree(viaPodterm)).toEqual(await describeTree(viaKubectl));
      // Nothing staged is left on either side.
      expect(await readdir(join(home, 'by-podterm'))).toEqual(['odd tree']);
      expect(await readdir(viaPodterm)).toEqual(['odd tree']);
    } finally {
      await harness.cleanup();
    }
  });

  it(
    'streams 200 MiB both ways with bounded memory (MB/s printed beside kubectl cp)',
    async () => {
      const big = join(local, 'big.bin');
      await makeBigFile(big, BIG_BYTES);
      const expected = await sha256(big);
      await mkdir(join(home, 'big'));
      let peak = 0;
      const sample = setInterval(() => {
        const usage = process.memoryUsage();
        peak = Math.max(peak, usage.heapUsed + usage.arrayBuffers);
      }, 50);
      const before = process.memoryUsage();
      const baseline = before.heapUsed + before.arrayBuffers;
      let progressReports = 0;
      let started = Date.now();
      await uploadFiles(access(), [big], 'big', { onProgress: () => progressReports++ });
      const uploadMs = Date.now() - started;
      const downloads = join(local, 'big-down');
      await mkdir(downloads);
      started = Date.now();
      await downloadFile(access(), join(home, 'big', 'big.bin'), downloads);
      const downloadMs = Date.now() - started;
      clearInterval(sample);
      expect(await sha256(join(home, 'big', 'big.bin'))).toBe(expected);
      expect(await sha256(join(downloads, 'big.bin'))).toBe(expected);
      expect(progressReports).toBeGreaterThan(2);
      const growth = peak - baseline;
      let line = `200 MiB over exec tar: podterm up ${rate(BIG_BYTES, uploadMs)}, down ${rate(BIG_BYTES, downloadMs)}; peak heap+buffers growth ${(growth / MIB).toFixed(0)} MiB (test API server in the same process)`;
      if (!kubectlMissing) {
        const harness = await createKubectlHarness(server!);
        try {
          const config = await harness.configFor('token');
          const up = await kubectl(harness, config, [
            'cp',
            big,
            `default/shell-pod:${join(home, 'big', 'by-kubectl.bin')}`,
            '-c',
            'main',
          ]);
          const down = await kubectl(harness, config, [
            'cp',
            `default/shell-pod:${join(home, 'big', 'big.bin')}`,
            join(downloads, 'by-kubectl.bin'),
            '-c',
            'main',
          ]);
          expect(up.code, up.stderr).toBe(0);
          expect(down.code, down.stderr).toBe(0);
          line += `; kubectl cp up ${rate(BIG_BYTES, up.ms)}, down ${rate(BIG_BYTES, down.ms)}`;
        } finally {
          await harness.cleanup();
        }
      }
      console.log(line);
      // Streaming, not buffering: never the whole file at once. The measure includes the test server's buffers and
      // garbage not yet collected (40-90 MiB seen), so the bound is generous; a copy that held the file exceeds it.
      expect(growth).toBeLessThan(BIG_BYTES * 0.6);
      await rm(join(home, 'big'), { recursive: true });
      await rm(downloads, { recursive: true });
    },
    BIG_TIMEOUT_MS,
  );

  it(
    'cancelled half way, leaves nothing at the destination either way',
    async () => {
      const big = join(local, 'cancel.bin');
      await makeBigFile(big, 64 * MIB);
      await mkdir(join(home, 'cancel'));
      const controller = new AbortController();
      const upload = uploadFiles(access(), [big], 'cancel', {
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.bytesDone > progress.bytesTotal / 2) controller.abort();
        },
      });
      await expect(upload).rejects.toMatchObject({ reason: 'cancelled' });
      expect(await readdir(join(home, 'cancel'))).toEqual([]);

      await uploadFiles(access(), [big], 'cancel');
      const downloads = join(local, 'cancel-down');
      await mkdir(downloads);
      const downloadController = new AbortController();
      const download = downloadFile(access(), join(home, 'cancel', 'cancel.bin'), downloads, {
        signal: downloadController.signal,
        onProgress: (progress) => {
          if (progress.bytesDone > progress.bytesTotal / 2) downloadController.abort();
        },
      });
      await expect(download).rejects.toMatchObject({ reason: 'cancelled' });
      expect(await readdir(downloads)).toEqual([]);
    },
    BIG_TIMEOUT_MS,
  );

  it('names a debug container when the image has no tar', async () => {
    const source = join(local, 'hello.txt');
    const noTar = accessFor(NO_TAR_POD, 'sidecar');
    const failure = await uploadFiles(noTar, [source], '').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FileTransferError);
    expect(failure).toMatchObject({ reason: 'noTar' });
    expect((failure as Error).message).toMatch(/container sidecar of pod default\/multi has no tar.*debug container/);
    const downloads = join(local, 'no-tar');
    await mkdir(downloads);
    await expect(downloadFile(noTar, '/etc/hostname', downloads)).rejects.toMatchObject({ reason: 'noTar' });
    expect(await readdir(downloads)).toEqual([]);
  });

  it('refuses a download by a name that is not one (.., /)', async () => {
    await expect(downloadFile(access(), '/', local)).rejects.toMatchObject({ reason: 'badName' });
    await expect(downloadFile(access(), 'a/..', local)).rejects.toMatchObject({ reason: 'badName' });
  });
});

/** describeTree of only some names of a folder (the folder line first, as describeTree gives it). */
async function describeTreeOf(folder: string, names: string[]) {
  const all = await describeTree(folder);
  return all.filter(
    (line) => line.path === '.' || names.some((name) => line.path === name || line.path.startsWith(`${name}/`)),
  );
}
