/**
 * Session recording end to end in main: a real sshd, the real core, an asciicast v2 file on disk. Proves the file's
 * format, its owner-only mode, and that a secret typed at a prompt that does not echo it is never written.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingFileName } from '../../../main/core/sessions/recording';
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

async function openShell(client: RecordingClient, name: string): Promise<number> {
  const pod = await harness.request(
    'pods.save',
    {
      fields: { name, sshHost: sshd!.host, sshPort: sshd!.port, sshUser: sshd!.keyUser, sshAuthKind: 'privateKeyText' },
      secrets: { sshPrivateKey: sshd!.clientKeyText },
    },
    client,
  );
  const { sessionId } = await harness.request('sessions.open', { podId: pod.id, size: { cols: 90, rows: 30 } }, client);
  await harness.connected(client, sessionId, { answerHostKey: 'acceptAndRemember' });
  return sessionId;
}

type CastEvent = [number, 'o' | 'r', string];

function parseCast(text: string): { header: Record<string, unknown>; events: CastEvent[] } {
  const [first, ...rest] = text.trimEnd().split('\n');
  return { header: JSON.parse(first!) as Record<string, unknown>, events: rest.map((l) => JSON.parse(l) as CastEvent) };
}

describe('session recording against a real sshd', () => {
  it('writes output and resizes as asciicast v2, 0600, and never the secret typed at a silent prompt', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    const client = new RecordingClient();
    const sessionId = await openShell(client, 'prod api/0');
    client.send(sessionId, { type: 'write', data: 'echo ready-$((1+1))\n' });
    await client.waitFor(() => /^ready-2\r?$/m.test(client.output(sessionId)));

    const { path } = await harness.request('sessions.startRecording', { sessionId }, client);
    expect(dirname(path)).toBe(join(harness.dataDir, 'recordings'));
    expect(path).toMatch(/\/prod-api-0-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\.cast$/);
    // Asking again while recording answers the same file.
    expect(await harness.request('sessions.startRecording', { sessionId }, client)).toEqual({ path });

    const secret = 'hunter2-s3cr3t-token';
    client.send(sessionId, { type: 'write', data: "read -s -p 'Password: ' pw; echo; echo done-$((40+2))\n" });
    await client.waitFor(() => client.output(sessionId).includes('Password: '));
    client.send(sessionId, { type: 'write', data: `${secret}\n` });
    await client.waitFor(() => /^done-42\r?$/m.test(client.output(sessionId)));
    client.send(sessionId, { type: 'resize', size: { cols: 120, rows: 40 } });
    client.send(sessionId, { type: 'write', data: 'stty size\n' });
    await client.waitFor(() => /^40 120\r?$/m.test(client.output(sessionId)));

    expect(await harness.request('sessions.stopRecording', { sessionId }, client)).toEqual({ path });
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(secret);
    // The shell's history (typed commands echoed back) is output and may be recorded; the silent answer is not.
    expect(client.output(sessionId)).not.toContain(secret);

    const { header, events } = parseCast(text);
    expect(header).toMatchObject({
      version: 2,
      width: 90,
      height: 30,
      env: { TERM: 'xterm-256color' },
      title: 'prod api/0',
      timestamp: expect.any(Number),
    });
    const output = events
      .filter((event) => event[1] === 'o')
      .map((event) => event[2])
      .join('');
    expect(output).toContain('Password:');
    expect(output).toMatch(/^done-42\r?$/m);
    expect(output).toMatch(/^40 120\r?$/m);
    // Recording started after this line was printed.
    expect(output).not.toMatch(/^ready-2\r?$/m);
    expect(events).toContainEqual([expect.any(Number), 'r', '120x40']);
    const times = events.map((event) => event[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(events.every((event) => event[1] === 'o' || event[1] === 'r')).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(path))).mode & 0o777).toBe(0o700);

    // Output after the stop is not added.
    client.send(sessionId, { type: 'write', data: 'echo after-stop\n' });
    await client.waitFor(() => /^after-stop\r?$/m.test(client.output(sessionId)));
    expect(await readFile(path, 'utf8')).toBe(text);
    await harness.request('sessions.close', { sessionId }, client);
  });

  it('finishes the file when the session ends while recording, and refuses an unknown session', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    const client = new RecordingClient();
    const sessionId = await openShell(client, 'ends');
    const { path } = await harness.request('sessions.startRecording', { sessionId }, client);
    client.send(sessionId, { type: 'write', data: 'echo bye-$((2+3)); exit 0\n' });
    await client.waitFor(() => client.endOf(sessionId));
    await expect.poll(async () => (await readFile(path, 'utf8')).includes('bye-5')).toBe(true);
    expect(await harness.core.dispatch('sessions.stopRecording', { sessionId }, client)).toMatchObject({
      ok: false,
      error: { code: 'notFound' },
    });
    const other = new RecordingClient();
    expect(await harness.core.dispatch('sessions.startRecording', { sessionId: 999 }, other)).toMatchObject({
      ok: false,
      error: { code: 'notFound' },
    });
  });

  it('names files safely', () => {
    const at = Date.UTC(2026, 10, 26, 8, 30, 0, 123);
    expect(recordingFileName('prod api/0', at)).toBe('prod-api-0-2026-11-26T08-30-00.123Z.cast');
    expect(recordingFileName('../../etc', at)).toBe('..-..-etc-2026-11-26T08-30-00.123Z.cast');
    expect(recordingFileName('///', at)).toBe('session-2026-11-26T08-30-00.123Z.cast');
  });
});
