/**
 * B6: many sessions on one browser-mode server: 40 exec sessions on one page socket, then 3 of them flooding (`yes`,
 * acknowledged as they arrive). The server's own event-loop delay comes from lagProbe.mjs loaded into it; memory per
 * idle session is the growth of its resident set over the 40 sessions.
 */
import WebSocket from 'ws';
import { decodeDataFrame } from '../../../common/frames';
import { saveExecRecord } from '../app';
import type { BenchContext } from '../context';
import { until } from '../pageProbe';
import { row, type Row } from '../stats';

const SESSIONS = 40;
const FLOODING = 3;

export async function many(context: BenchContext): Promise<Row[]> {
  const [handle, kube] = await Promise.all([context.appHandle('many'), context.kube()]);
  const pod = await saveExecRecord(handle, kube, 'bench many');
  const port = Number(new URL(handle.app.origin).port);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers: { origin: handle.app.origin } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  context.onStop(async () => ws.close());
  const received = new Map<number, { bytes: number; tail: string }>();
  const answers = new Map<number, { ok: boolean; result?: { sessionId: number } }>();
  let loggedIn = false;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      const frame = decodeDataFrame(new Uint8Array(data));
      if (!frame) return;
      const seen = received.get(frame.sessionId) ?? { bytes: 0, tail: '' };
      seen.bytes += frame.data.byteLength;
      seen.tail = (seen.tail + Buffer.from(frame.data).toString('latin1')).slice(-256);
      received.set(frame.sessionId, seen);
      // Acknowledged on receipt: this client stands in for pages that keep up; the figure is the server's.
      ws.send(
        JSON.stringify({
          kind: 'session',
          sessionId: frame.sessionId,
          command: { type: 'ack', bytes: frame.data.byteLength },
        }),
      );
      return;
    }
    const message = JSON.parse(data.toString()) as {
      kind: string;
      id?: number;
      ok?: boolean;
      result?: { sessionId: number };
    };
    if (message.kind === 'loggedIn') loggedIn = true;
    if (message.kind === 'response' && message.id !== undefined)
      answers.set(message.id, { ok: message.ok!, result: message.result });
  });
  ws.send(JSON.stringify({ kind: 'login', secret: handle.secret }));
  await until('the login', () => loggedIn);
  const write = (sessionId: number, data: string) =>
    ws.send(JSON.stringify({ kind: 'session', sessionId, command: { type: 'write', data } }));

  const settle = context.size(3_000, 1_000);
  await context.serverLag(handle);
  await new Promise((resolve) => setTimeout(resolve, settle));
  const idle = await context.serverLag(handle);

  const sessionIds: number[] = [];
  for (let index = 0; index < SESSIONS; index++) {
    const id = 500_000 + index;
    ws.send(
      JSON.stringify({
        kind: 'request',
        id,
        key: 'sessions.open',
        payload: { podId: pod.id, size: { cols: 120, rows: 40 } },
      }),
    );
    await until(`session ${index} to open`, () => answers.has(id));
    const answer = answers.get(id)!;
    if (!answer.ok) throw new Error(`sessions.open ${index} was refused`);
    sessionIds.push(answer.result!.sessionId);
  }
  await until('every prompt', () => sessionIds.every((id) => /[$#] $/.test(received.get(id)?.tail ?? '')), 120_000);
  await context.serverLag(handle);
  await new Promise((resolve) => setTimeout(resolve, settle));
  const open = await context.serverLag(handle);

  const flooding = sessionIds.slice(0, FLOODING);
  const floodStart = flooding.map((id) => received.get(id)!.bytes);
  for (const id of flooding) write(id, 'yes\r');
  const floodMs = context.size(8_000, 2_000);
  await new Promise((resolve) => setTimeout(resolve, floodMs));
  const flood = await context.serverLag(handle);
  const floodBytes = flooding.reduce((sum, id, index) => sum + received.get(id)!.bytes - floodStart[index]!, 0);
  for (const id of flooding) write(id, '\u0003');
  for (const [index, sessionId] of sessionIds.entries()) {
    ws.send(JSON.stringify({ kind: 'request', id: 600_000 + index, key: 'sessions.close', payload: { sessionId } }));
  }
  await until('the sessions to close', () => sessionIds.every((_, index) => answers.has(600_000 + index)), 60_000);
  ws.close();

  const perSessionKb = (open.rss - idle.rss) / SESSIONS / 1024;
  return [
    row({
      figure: 'B6',
      name: `server event-loop delay, ${SESSIONS} sessions, ${FLOODING} flooding`,
      unit: 'ms',
      value: flood.p99,
      stat: 'p99',
      baseline: { name: 'the same server idle (p99)', value: idle.p99 },
      target: { text: 'p99 ≤ 20 ms', actual: flood.p99, bound: 20, kind: 'max' },
      note: `max ${flood.max.toFixed(0)} ms; ${SESSIONS} idle sessions p99 ${open.p99.toFixed(1)} ms; floods delivered ${(floodBytes / 1e6 / (floodMs / 1000)).toFixed(1)} MB/s together`,
    }),
    row({
      figure: 'B6',
      name: 'server memory per idle session (resident set growth ÷ sessions)',
      unit: 'KB',
      value: perSessionKb,
      stat: 'single',
      note: `heap ${((open.heapUsed - idle.heapUsed) / SESSIONS / 1024).toFixed(0)} KB per session; reported, no target`,
    }),
  ];
}
