/**
 * A saved record → the core → the connect chain → a real OpenSSH sshd → our data pipe → a recording "renderer".
 * This is the whole main-side data path with nothing stubbed but the window itself.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodView } from '../../../common/pods';
import { FlowControlConstants } from '../../../common/flowControl';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { NO_SSHD } from '../../harness/skipReasons';
import { startSshd, type SshdHarness } from '../../harness/sshd';

let sshd: SshdHarness | null = null;
let harness: TestCore;

beforeAll(async () => {
  sshd = await startSshd();
  harness = await createTestCore();
});
afterAll(async () => {
  await harness?.cleanup();
  await sshd?.stop();
});

async function saveKeyRecord(client: RecordingClient): Promise<PodView> {
  return harness.request(
    'pods.save',
    {
      fields: {
        name: 'local sshd',
        sshHost: sshd!.host,
        sshPort: sshd!.port,
        sshUser: sshd!.keyUser,
        sshAuthKind: 'privateKeyText',
      },
      secrets: { sshPrivateKey: sshd!.clientKeyText },
    },
    client,
  );
}

async function open(client: RecordingClient, podId: string, cols = 80, rows = 24): Promise<number> {
  return (await harness.request('sessions.open', { podId, size: { cols, rows } }, client)).sessionId;
}

/** Answers the host-key prompt the first connection to this sshd raises, then waits for the shell. */
const connected = (client: RecordingClient, sessionId: number) =>
  harness.connected(client, sessionId, { answerHostKey: 'acceptAndRemember' });

describe('sessions through the core against a real sshd', () => {
  it('asks about the unknown host key with its real fingerprint, then opens a shell and records the method', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    const client = new RecordingClient();
    const pod = await saveKeyRecord(client);
    const sessionId = await open(client, pod.id);
    const prompt = await client.waitFor(() => client.statusOf(sessionId)?.hostKeyPrompt);
    expect(prompt.fingerprint).toBe(sshd.hostFingerprint);
    expect(prompt).toMatchObject({ host: '127.0.0.1', port: sshd.port, keyType: 'ssh-ed25519' });
    const status = await connected(client, sessionId);
    expect(status.method).toBe('ssh');
    expect(status.target).toBe(`${sshd.keyUser}@127.0.0.1:${sshd.port}`);
    // A record without a pod name skips every Kubernetes method (with the reason) and opens over SSH.
    expect(status.attempts.map((attempt) => `${attempt.method}:${attempt.outcome}`)).toEqual([
      'defaultKubeconfig:skipped',
      'podKubeconfig:skipped',
      'token:skipped',
      'inCluster:skipped',
      'ssh:opened',
    ]);
    expect(status.attempts[0]!.detail).toBe('no pod name or label selector in the record');

    client.send(sessionId, { type: 'write', data: 'echo $((6*7))\n' });
    await client.waitFor(() => /^42\r?$/m.test(client.output(sessionId)));
    expect((await harness.core.dispatch('pods.get', { id: pod.id }, client)) as unknown).toMatchObject({
      ok: true,
      result: { lastConnectionMethod: 'ssh', lastConnectedAt: expect.any(Number) },
    });
    await harness.core.dispatch('sessions.close', { sessionId }, client);
    expect(client.endOf(sessionId)).toEqual({ type: 'end', end: { kind: 'closed' } });
  });

  it('does not ask again for a remembered key; resize reaches the pty; exit 3 is an exit, not a failure', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    const client = new RecordingClient();
    const pod = await saveKeyRecord(client);
    const sessionId = await open(client, pod.id, 100, 30);
    const status = await client.waitFor(() => {
      const current = client.statusOf(sessionId);
      expect(current?.phase).not.toBe('awaitingHostKey');
      return current?.phase === 'connected' ? current : undefined;
    });
    expect(status.hostKeyPrompt).toBeNull();
    client.send(sessionId, { type: 'write', data: 'stty size\n' });
    await client.waitFor(() => /^30 100\r?$/m.test(client.output(sessionId)));
    client.send(sessionId, { type: 'resize', size: { cols: 132, rows: 43 } });
    client.send(sessionId, { type: 'write', data: 'stty size\n' });
    await client.waitFor(() => /^43 132\r?$/m.test(client.output(sessionId)));
    client.send(sessionId, { type: 'write', data: 'exit 3\n' });
    const end = await client.waitFor(() => client.endOf(sessionId));
    expect(end.end).toEqual({ kind: 'exited', code: 3, signal: null });
    expect(client.statusOf(sessionId)?.attempts.filter((a) => a.outcome !== 'skipped')).toHaveLength(1);
  });

  it('opens without a question when ~/.ssh/known_hosts knows the server by its other key type', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    // A fresh home whose known_hosts has only the server's ECDSA key (as after years of `ssh` to it), while ssh2
    // would ask for ed25519 first.
    const core = await createTestCore();
    try {
      await mkdir(join(core.home, '.ssh'), { recursive: true });
      await writeFile(join(core.home, '.ssh', 'known_hosts'), `${sshd.secondHostKey.knownHostsLine}\n`);
      const client = new RecordingClient();
      const saved = await core.request(
        'pods.save',
        {
          fields: {
            name: 'known by ECDSA',
            sshHost: sshd.host,
            sshPort: sshd.port,
            sshUser: sshd.keyUser,
            sshAuthKind: 'privateKeyText',
          },
          secrets: { sshPrivateKey: sshd.clientKeyText },
        },
        client,
      );
      const { sessionId } = await core.request(
        'sessions.open',
        { podId: saved.id, size: { cols: 80, rows: 24 } },
        client,
      );
      const status = await client.waitFor(() => {
        const current = client.statusOf(sessionId);
        expect(current?.phase).not.toBe('awaitingHostKey');
        expect(current?.phase).not.toBe('failed');
        return current?.phase === 'connected' ? current : undefined;
      });
      expect(status.method).toBe('ssh');
      await core.core.dispatch('sessions.close', { sessionId }, client);
    } finally {
      await core.cleanup();
    }
  });

  it('reports a wrong password as a failed connection with the reason, and keeps the record intact', async (context) => {
    if (!sshd?.passwordUser) return context.skip(sshd?.passwordSkipReason ?? NO_SSHD);
    const client = new RecordingClient();
    const pod = await harness.request(
      'pods.save',
      {
        fields: { name: 'wrong pw', sshHost: sshd.host, sshPort: sshd.port, sshUser: sshd.passwordUser.name },
        secrets: { sshPassword: 'definitely-not-it' },
      },
      client,
    );
    const sessionId = await open(client, pod.id);
    const end = await client.waitFor(() => client.endOf(sessionId));
    expect(end.end.kind).toBe('failed');
    if (end.end.kind === 'failed') {
      expect(end.end.message).toMatch(/authentication failed/i);
      expect(end.end.message).not.toContain('definitely-not-it');
    }
    expect(await harness.core.dispatch('pods.get', { id: pod.id }, client)).toMatchObject({
      ok: true,
      result: { name: 'wrong pw', storedSecrets: { sshPassword: true }, lastConnectionMethod: null },
    });
  });

  it('pauses the remote while the renderer does not acknowledge, and resumes on acks', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    const client = new RecordingClient();
    const pod = await saveKeyRecord(client);
    const sessionId = await open(client, pod.id);
    await connected(client, sessionId);
    const received = () => client.bytesReceived(sessionId);
    // 64 MiB of output: far more than the watermark plus every buffer between sshd and us.
    client.send(sessionId, {
      type: 'write',
      data: 'head -c 67108864 /dev/zero | tr "\\0" x; echo; echo FLOOD-$((40+2))\n',
    });
    await client.waitFor(() => received() >= FlowControlConstants.HIGH_WATERMARK_BYTES);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stalled = received();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Paused: nothing more arrives without acks (the ssh2 window still fills, but it is not delivered to us).
    expect(received()).toBe(stalled);
    expect(stalled).toBeLessThan(FlowControlConstants.HIGH_WATERMARK_BYTES + FlowControlConstants.BATCH_MAX_BYTES * 2);
    // Acknowledge everything as it arrives, as xterm's write callback would.
    let acked = 0;
    await client.waitFor(() => {
      const now = received();
      if (now > acked) {
        client.send(sessionId, { type: 'ack', bytes: now - acked });
        acked = now;
      }
      // The marker is computed by the shell, so the echoed command line cannot match it.
      return client.tail(sessionId).includes('FLOOD-42\r\n');
    }, 60_000);
    expect(received()).toBeGreaterThan(64 * 1024 * 1024);
    await harness.core.dispatch('sessions.close', { sessionId }, client);
  }, 90_000);

  it('ends every session of a renderer that goes away', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    const client = new RecordingClient();
    const pod = await saveKeyRecord(client);
    const first = await open(client, pod.id);
    const second = await open(client, pod.id);
    await connected(client, first);
    await connected(client, second);
    client.disconnect();
    // The sessions are gone: a close for them finds nothing.
    expect(await harness.core.dispatch('sessions.close', { sessionId: first }, client)).toEqual({
      ok: true,
      result: { closed: false },
    });
  });
});
