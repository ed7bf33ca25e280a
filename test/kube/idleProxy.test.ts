/**
 * The idle-timeout proxy (test/harness/idleProxy.ts): silent connections die, busy ones live, and WebSocket pings
 * through it count as traffic, which is what keeps an exec session alive behind a load balancer.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdleProxy, type IdleProxy } from '../harness/idleProxy';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { connectExec } from './execClient';
import { sleep } from '../harness/wait';

/** Short, so the tests are quick, yet long against loopback latency and timer jitter on a busy 2-core box. */
const IDLE_MS = 300;
/** How long "survives" must hold: several idle periods. */
const SURVIVAL_MS = IDLE_MS * 4;
/** Traffic three times per idle period, the margin a keepalive should keep. */
const TRAFFIC_EVERY_MS = IDLE_MS / 3;

const closedPromise = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

describe('idle proxy over plain TCP', () => {
  let echo: Server;
  let proxy: IdleProxy;

  beforeAll(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await startIdleProxy({
      target: { host: '127.0.0.1', port: (echo.address() as AddressInfo).port },
      idleMs: IDLE_MS,
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  const connect = async () => {
    const socket = createConnection({ host: '127.0.0.1', port: proxy.port });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.on('error', () => undefined);
    return socket;
  };

  it('destroys a connection idle for longer than idleMs', async () => {
    const before = proxy.closedForIdle;
    const socket = await connect();
    const closed = closedPromise(socket);
    socket.write('ping');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    const started = Date.now();
    await closed;
    const idleFor = Date.now() - started;
    expect(idleFor).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(idleFor).toBeLessThan(IDLE_MS * 3);
    expect(proxy.closedForIdle).toBe(before + 1);
  });

  it('keeps a connection with traffic every idleMs/3', async () => {
    const before = proxy.closedForIdle;
    const socket = await connect();
    let closed = false;
    socket.once('close', () => (closed = true));
    let echoed = 0;
    socket.on('data', (chunk: Buffer) => (echoed += chunk.length));
    const deadline = Date.now() + SURVIVAL_MS;
    let sent = 0;
    while (Date.now() < deadline) {
      socket.write('.');
      sent++;
      await sleep(TRAFFIC_EVERY_MS);
    }
    expect(closed).toBe(false);
    expect(echoed).toBe(sent);
    expect(proxy.closedForIdle).toBe(before);
    socket.destroy();
  });
});

describe('idle proxy in front of the test API server', () => {
  let server: KubeApiServer | null = null;
  let proxy: IdleProxy;

  beforeAll(async () => {
    server = await startKubeApiServer();
    if (server) proxy = await startIdleProxy({ target: { host: '127.0.0.1', port: server.port }, idleMs: IDLE_MS });
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('drops a silent exec session, and keeps one that pings', async (context) => {
    if (!server) return context.skip();
    const silent = await connectExec(server, { command: ['sleep', '30'] }, { port: proxy.port });
    expect((await silent.closed).code).toBe(1006);
    expect(proxy.closedForIdle).toBe(1);

    const pinging = await connectExec(server, { command: ['sleep', '30'] }, { port: proxy.port });
    let pongs = 0;
    pinging.ws.on('pong', () => pongs++);
    const timer = setInterval(() => pinging.ws.ping(), TRAFFIC_EVERY_MS);
    await sleep(SURVIVAL_MS);
    clearInterval(timer);
    expect(pinging.ws.readyState).toBe(pinging.ws.OPEN);
    expect(pongs).toBeGreaterThan(0);
    expect(proxy.closedForIdle).toBe(1);
    pinging.ws.close();
    await pinging.closed;
  });
});
