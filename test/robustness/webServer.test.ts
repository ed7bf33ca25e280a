/**
 * The browser-mode server against what a stranger or a broken client sends: resets after a refused upgrade, malformed
 * WebSocket frames (spoken byte by byte over node:net), oversize messages, floods of connections, bad paths. Each case
 * asserts the answer the attacker gets, then that the server still logs in and serves a new client, and that a shell
 * opened before, on another connection, still runs commands. At the end the stored data is what it was.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOGIN_INCOMPLETE_CLOSE_CODE,
  LOGIN_REFUSED_CLOSE_CODE,
  TOO_MANY_SOCKETS_CLOSE_CODE,
} from '../../common/frames';
import {
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_LOGGED_IN_SOCKETS,
  MAX_PENDING_CONNECTIONS,
  MAX_PENDING_LOGINS,
  MAX_REQUEST_HEADER_BYTES,
  MAX_WEB_CONNECTIONS,
} from '../../common/limits';
import { startWebServer, type WebServer } from '../../main/web/server';
import { createTestCore, type TestCore } from '../harness/core';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { missingServer } from '../harness/skipReasons';
import { storeFingerprint } from '../harness/storedData';
import { eventually, waitFor } from '../harness/wait';
import { ApiSocket, newPageSecret } from '../harness/webSocketClient';

/** Connections opened at once when filling the server: well under MAX_PENDING_CONNECTIONS, so none is evicted. */
const HOLD_BATCH = 10;
/** A static file big enough that its response is still streaming when the client resets or stops reading. */
const BIG_FILE_BYTES = 4 * 1024 * 1024;

let harness: TestCore;
let server: WebServer;
let rendererDir: string;
let kube: KubeApiServer | null = null;
let secret: string;
/** A logged-in page with a shell open in the test API server's pod, kept for the whole file. */
let shell: { socket: ApiSocket; sessionId: number } | null = null;
let fingerprint: string;
const serverLog: string[] = [];

beforeAll(async () => {
  harness = await createTestCore();
  rendererDir = await mkdtemp(join(tmpdir(), 'podterm-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Podterm</title>');
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(join(rendererDir, 'assets', 'big.js'), Buffer.alloc(BIG_FILE_BYTES, 'x'));
  server = await startWebServer({ core: harness.core, rendererDir, log: (line) => serverLog.push(line) });
  const token = new URL(server.url).searchParams.get('token')!;
  secret = newPageSecret();
  const login = await ApiSocket.logIn(server.port, { launchToken: token, secret });
  kube = await startKubeApiServer();
  if (kube) {
    const pod = await login.socket.request<{ id: string }>('pods.save', {
      fields: { name: 'shell', namespace: 'default', podName: 'shell-pod' },
      secrets: { kubeconfig: kube.kubeconfig({ user: 'token' }) },
    });
    const { sessionId } = await login.socket.request<{ sessionId: number }>('sessions.open', {
      podId: pod.id,
      size: { cols: 80, rows: 24 },
    });
    shell = { socket: login.socket, sessionId };
    // Typing before the shell prompts would be lost with the terminal's setup: wait for bash's prompt first.
    await login.socket.waitForOutput(sessionId, /[$#] $/);
    await login.socket.run(sessionId, 'echo $((6*7))\n', /42\r\n/);
  }
  fingerprint = await storeFingerprint(harness.core.store);
}, 60_000);

afterAll(async () => {
  await shell?.socket.close();
  await server?.close();
  await kube?.stop();
  await harness?.cleanup();
  await rm(rendererDir, { recursive: true, force: true });
});

let commandCount = 0;
/**
 * The server still answers a new page (logs in with the secret, lists records) and the shell opened before the attack
 * still runs a command on its own connection.
 */
async function stillServing(): Promise<void> {
  const { socket } = await ApiSocket.logIn(server.port, { secret });
  try {
    expect(await socket.call('pods.list', {})).toMatchObject({ ok: true });
  } finally {
    await socket.close();
  }
  if (!shell) return;
  const value = 1000 + ++commandCount;
  await shell.socket.run(shell.sessionId, `echo $((${value}*3))\n`, new RegExp(`${value * 3}\\r\\n`));
}

// ---- raw HTTP and WebSocket over node:net ------------------------------------------------------------------------

interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/** A TCP connection to the server that speaks HTTP and WebSocket framing byte by byte, as an attacker would. */
class RawConnection {
  private buffer = Buffer.alloc(0);
  readonly frames: ServerFrame[] = [];
  headers: string | null = null;
  /** Resolves when the server ends or resets the connection. */
  readonly ended: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('error', () => {}); // a reset from the server shows as 'close' too
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.ended = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Opens a WebSocket with the given headers; answers the status line of the server's reply. */
  static async upgrade(headers: Record<string, string> = {}, path = '/api'): Promise<RawConnection> {
    const connection = await RawConnection.open();
    connection.socket.write(upgradeRequest(headers, path));
    await connection.waitForHeaders();
    return connection;
  }

  /** A WebSocket to the API, logged in with the page secret. */
  static async loggedIn(): Promise<RawConnection> {
    const connection = await RawConnection.upgrade();
    expect(connection.status()).toBe(101);
    connection.send(1, Buffer.from(JSON.stringify({ kind: 'login', secret })));
    await waitFor('the login answer', () =>
      connection.frames.some((frame) => frame.opcode === 1 && frame.payload.toString().includes('loggedIn')),
    );
    return connection;
  }

  status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.headers ?? '')?.[1] ?? 0);
  }

  async waitForHeaders(): Promise<void> {
    await Promise.race([waitFor('the reply headers', () => this.headers !== null), this.ended]);
  }

  /** Sends one frame; by default a final, masked frame as a browser sends it. */
  send(opcode: number, payload: Buffer, options: { fin?: boolean; rsv?: number; masked?: boolean } = {}): void {
    this.socket.write(encodeFrame(opcode, payload, options));
  }

  /** The close code the server sent, waiting for its close frame or for the connection to end. */
  async closeCode(): Promise<number | null> {
    await Promise.race([waitFor('a close frame', () => this.frames.some((frame) => frame.opcode === 8)), this.ended]);
    const close = this.frames.find((frame) => frame.opcode === 8);
    return close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : null;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.headers === null) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.headers = this.buffer.subarray(0, end).toString('latin1');
      this.buffer = this.buffer.subarray(end + 4);
      if (this.status() !== 101) return;
    }
    for (;;) {
      const frame = decodeServerFrame(this.buffer);
      if (!frame) return;
      this.frames.push(frame.frame);
      this.buffer = this.buffer.subarray(frame.length);
    }
  }
}

function upgradeRequest(headers: Record<string, string>, path: string): string {
  const all: Record<string, string> = {
    Host: `127.0.0.1:${server.port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    Origin: `http://127.0.0.1:${server.port}`,
    ...headers,
  };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** RFC 6455 §5.2; `declaredLength` lets a header claim more payload than follows. */
function encodeFrame(
  opcode: number,
  payload: Buffer,
  { fin = true, rsv = 0, masked = true, declaredLength = payload.length } = {} as {
    fin?: boolean;
    rsv?: number;
    masked?: boolean;
    declaredLength?: number;
  },
): Buffer {
  const head = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const maskBit = masked ? 0x80 : 0;
  let lengthBytes: Buffer;
  if (declaredLength < 126) lengthBytes = Buffer.from([maskBit | declaredLength]);
  else if (declaredLength < 65536) {
    lengthBytes = Buffer.alloc(3);
    lengthBytes[0] = maskBit | 126;
    lengthBytes.writeUInt16BE(declaredLength, 1);
  } else {
    lengthBytes = Buffer.alloc(9);
    lengthBytes[0] = maskBit | 127;
    lengthBytes.writeBigUInt64BE(BigInt(declaredLength), 1);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), lengthBytes, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  return Buffer.concat([Buffer.from(head), lengthBytes, mask, body]);
}

function decodeServerFrame(buffer: Buffer): { frame: ServerFrame; length: number } | null {
  if (buffer.length < 2) return null;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return null;
  return {
    frame: { opcode: buffer[0]! & 0x0f, payload: Buffer.from(buffer.subarray(offset, offset + length)) },
    length: offset + length,
  };
}

function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
}

/** Opens a raw HTTP request and waits for its reply (status and body). */
async function rawHttp(request: string): Promise<{ status: number; text: string }> {
  const connection = await RawConnection.open();
  let text = '';
  connection.socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  connection.socket.write(request);
  await Promise.race([connection.ended, waitFor('a reply', () => /\r\n\r\n/.test(text))]);
  connection.destroy();
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text };
}

const host = () => `127.0.0.1:${server.port}`;

// ---- the cases ----------------------------------------------------------------------------------------------------

describe('the browser-mode server survives a stranger', () => {
  it('has a shell open to attack around (the test API server started)', (context) => {
    const missing = missingServer({ kube });
    if (missing) return context.skip(missing);
    expect(shell).not.toBeNull();
  });

  it('survives refused upgrades followed by a TCP reset, whatever was refused', async () => {
    const refusals: Array<[Record<string, string>, string, number]> = [
      [{ Origin: 'http://evil.example' }, '/api', 403],
      [{ Origin: `http://127.0.0.1:${server.port + 1}` }, '/api', 403],
      [{ Host: `rebound.example:${server.port}` }, '/api', 421],
      [{}, '/not-the-api', 404],
      [{}, '/%zz', 404],
    ];
    for (const [headers, path, status] of refusals) {
      // Reset after reading the refusal, and reset before the server has even written it.
      const answered = await RawConnection.upgrade(headers, path);
      expect(answered.status(), `${path} ${JSON.stringify(headers)}`).toBe(status);
      answered.socket.resetAndDestroy();
      const hasty = await RawConnection.open();
      hasty.socket.write(upgradeRequest(headers, path));
      hasty.socket.resetAndDestroy();
    }
    await stillServing();
  });

  it('survives resets in the middle of request headers and of a file download', async () => {
    const partial = await RawConnection.open();
    partial.socket.write(`GET / HTTP/1.1\r\nHost: ${host()}\r\nX-Half`);
    partial.socket.resetAndDestroy();
    const download = await RawConnection.open();
    download.socket.write(`GET /assets/big.js HTTP/1.1\r\nHost: ${host()}\r\n\r\n`);
    await waitFor('the download to start', () => download.headers !== null);
    download.socket.resetAndDestroy();
    await stillServing();
  });

  it('answers bad paths and malformed requests with 400 (or 431 for oversize headers), never 500', async () => {
    for (const path of ['/%zz', '/%', '/a%2', '/%00', '/x%e0%a4%a']) {
      const reply = await rawHttp(`GET ${path} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
      expect(reply.status, path).toBe(400);
    }
    expect((await rawHttp(`GET * HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`)).status).toBe(400);
    expect((await rawHttp(`GARBAGE\r\n\r\n`)).status).toBe(400);
    expect((await rawHttp(`GET / HTTP/1.1\r\nHost: ${host()}\r\nBad Header\r\n\r\n`)).status).toBe(400);
    const huge = 'a'.repeat(MAX_REQUEST_HEADER_BYTES + 1024);
    expect((await rawHttp(`GET / HTTP/1.1\r\nHost: ${host()}\r\nX-Huge: ${huge}\r\n\r\n`)).status).toBe(431);
    await stillServing();
  });

  it('closes a WebSocket that sends frames instead of a login, without answering it', async () => {
    const stranger = await RawConnection.upgrade();
    expect(stranger.status()).toBe(101);
    stranger.send(1, Buffer.from(JSON.stringify({ kind: 'request', id: 1, key: 'pods.list', payload: {} })));
    expect(await stranger.closeCode()).toBe(LOGIN_REFUSED_CLOSE_CODE);
    expect(stranger.frames.filter((frame) => frame.opcode === 1)).toEqual([]);
    const broken = await RawConnection.upgrade();
    broken.send(1, Buffer.from([0xc3, 0x28]));
    expect(await broken.closeCode()).toBe(1007);
    await stillServing();
  });
});

describe('the browser-mode server survives a logged-in client that breaks the protocol', () => {
  const cases: Array<[string, (connection: RawConnection) => void, number]> = [
    ['a text message that is not UTF-8', (c) => c.send(1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007],
    ['an unknown opcode', (c) => c.send(3, Buffer.from('{}')), 1002],
    ['a frame with RSV1 set (no extension was agreed)', (c) => c.send(1, Buffer.from('{}'), { rsv: 4 }), 1002],
    ['a frame with RSV2 and RSV3 set', (c) => c.send(1, Buffer.from('{}'), { rsv: 3 }), 1002],
    ['an unmasked frame', (c) => c.send(1, Buffer.from('{}'), { masked: false }), 1002],
    ['a close frame with a reserved code (1005)', (c) => c.send(8, closePayload(1005)), 1002],
    ['a close frame with an out-of-range code (999)', (c) => c.send(8, closePayload(999)), 1002],
    ['a close frame with a one-byte body', (c) => c.send(8, Buffer.from([3])), 1002],
    [
      'a close reason that is not UTF-8',
      (c) => c.send(8, Buffer.concat([closePayload(1000), Buffer.from([0xff])])),
      1007,
    ],
    ['a continuation without a start', (c) => c.send(0, Buffer.from('{}')), 1002],
    ['a fragmented ping', (c) => c.send(9, Buffer.from('x'), { fin: false }), 1002],
    ['a ping longer than 125 bytes', (c) => c.send(9, Buffer.alloc(126)), 1002],
    [
      'a new message in the middle of a fragmented one',
      (c) => {
        c.send(1, Buffer.from('{"kind"'), { fin: false });
        c.send(1, Buffer.from('{}'));
      },
      1002,
    ],
    ['a binary message (the page sends only text)', (c) => c.send(2, Buffer.from([1, 2, 3])), 1008],
    ['JSON that is not a message', (c) => c.send(1, Buffer.from('[1,2,3]')), 1008],
    [
      'a message over the limit, announced in its header',
      (c) => c.socket.write(encodeFrame(1, Buffer.alloc(0), { declaredLength: MAX_CLIENT_MESSAGE_BYTES + 1 })),
      1009,
    ],
  ];

  for (const [name, attack, code] of cases) {
    it(`closes only the client that sends ${name} (${code})`, async () => {
      const attacker = await RawConnection.loggedIn();
      attack(attacker);
      try {
        expect(await attacker.closeCode()).toBe(code);
      } finally {
        attacker.destroy();
      }
      await stillServing();
    });
  }

  it('closes only the client whose fragments add up to more than the limit (1009)', async () => {
    const attacker = await RawConnection.loggedIn();
    const half = MAX_CLIENT_MESSAGE_BYTES / 2 + 1;
    attacker.send(1, Buffer.alloc(half, 0x20), { fin: false });
    attacker.socket.write(encodeFrame(0, Buffer.alloc(0), { declaredLength: half }));
    expect(await attacker.closeCode()).toBe(1009);
    await stillServing();
  });

  it('takes a message just under the limit and answers it', async () => {
    const { socket } = await ApiSocket.logIn(server.port, { secret });
    try {
      const padding = ' '.repeat(MAX_CLIENT_MESSAGE_BYTES - 200);
      const text = `{"kind":"request","id":1,"key":"pods.list","payload":{}${padding}}`;
      expect(Buffer.byteLength(text)).toBeLessThan(MAX_CLIENT_MESSAGE_BYTES);
      socket.ws.send(text);
      await waitFor('the answer', () => socket.received.some((message) => message.kind === 'response'));
      expect(socket.received.find((message) => message.kind === 'response')).toMatchObject({ ok: true });
    } finally {
      await socket.close();
    }
  });
});

describe('the browser-mode server bounds what a flood can hold', () => {
  it(`drops the oldest of more than ${MAX_PENDING_CONNECTIONS} connections still sending their headers`, async () => {
    const slow: RawConnection[] = [];
    for (let index = 0; index < MAX_PENDING_CONNECTIONS + 4; index++) {
      const connection = await RawConnection.open();
      connection.socket.write(`GET / HTTP/1.1\r\nHost: ${host()}\r\n`);
      slow.push(connection);
    }
    try {
      await Promise.all(slow.slice(0, 4).map((connection) => connection.ended));
      await stillServing();
    } finally {
      for (const connection of slow) connection.destroy();
    }
  });

  it(`closes the oldest of more than ${MAX_PENDING_LOGINS} WebSockets waiting to log in`, async () => {
    const waiting: ApiSocket[] = [];
    for (let index = 0; index < MAX_PENDING_LOGINS + 3; index++) {
      waiting.push(await ApiSocket.open(server.port, { login: null }));
    }
    try {
      for (const socket of waiting.slice(0, 3)) {
        expect((await socket.closed).code).toBe(LOGIN_INCOMPLETE_CLOSE_CODE);
      }
      await stillServing();
    } finally {
      await Promise.all(waiting.map((socket) => socket.close()));
    }
  });

  it(`refuses a page past ${MAX_LOGGED_IN_SOCKETS} logged-in WebSockets, and takes one again when some close`, async () => {
    const pages: ApiSocket[] = [];
    try {
      // The shell's page is logged in already.
      const open = shell ? 1 : 0;
      for (let index = open; index < MAX_LOGGED_IN_SOCKETS; index++) {
        pages.push((await ApiSocket.logIn(server.port, { secret })).socket);
      }
      const oneTooMany = await ApiSocket.open(server.port, { login: { secret } });
      expect(await oneTooMany.closed).toEqual({
        code: TOO_MANY_SOCKETS_CLOSE_CODE,
        reason: `at most ${MAX_LOGGED_IN_SOCKETS} pages at once`,
      });
      await pages.pop()!.close();
      await stillServing();
    } finally {
      await Promise.all(pages.map((page) => page.close()));
    }
  });

  it(`holds at most ${MAX_WEB_CONNECTIONS} connections, keeps the open shell, and serves again after`, async () => {
    // Requests whose announced body never comes: each holds its connection for the server's keep-alive timeout (5 s),
    // so they are opened in parallel batches, each smaller than the pending-connection bound.
    const held: RawConnection[] = [];
    const holdOne = async () => {
      const connection = await RawConnection.open();
      held.push(connection);
      connection.socket.write(`GET / HTTP/1.1\r\nHost: ${host()}\r\nContent-Length: 100000\r\n\r\n`);
      await Promise.race([connection.waitForHeaders(), connection.ended]);
    };
    try {
      for (let opened = 0; opened < MAX_WEB_CONNECTIONS + 4; opened += HOLD_BATCH) {
        await Promise.all(Array.from({ length: HOLD_BATCH }, holdOne));
      }
      const dropped = held.filter((connection) => connection.headers === null).length;
      // The shell's WebSocket is one of the connections, so at least the last four are dropped.
      expect(dropped).toBeGreaterThanOrEqual(4);
      const open = held.filter((connection) => connection.headers !== null && !connection.socket.destroyed).length;
      expect(open).toBeLessThan(MAX_WEB_CONNECTIONS);
      if (shell) {
        const value = 1000 + ++commandCount;
        await shell.socket.run(shell.sessionId, `echo $((${value}*3))\n`, new RegExp(`${value * 3}\\r\\n`));
      }
    } finally {
      for (const connection of held) connection.destroy();
    }
    // The server sees the held sockets close a moment after the client does; then it takes new ones.
    await eventually('the server to take connections again', async () =>
      (await rawHttp(`GET / HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`)).status === 200
        ? true
        : undefined,
    );
    await stillServing();
  }, 60_000);

  it('left the stored data as it was, and logged what it refused without any secret', async () => {
    expect(await storeFingerprint(harness.core.store)).toBe(fingerprint);
    expect(serverLog.join('\n')).not.toContain(secret);
    expect(serverLog.some((line) => line.includes('refused a WebSocket'))).toBe(true);
  });
});
