/**
 * openKubeExecSession against scripted WebSocket servers, for what a faithful API server never does on purpose: pick
 * a protocol we did not offer, stay silent, forget to close after the status, ignore pings, never answer at all, fail
 * a running command. The behaviour against the test Kubernetes API server is in kubeExecSession.test.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  KubeExecError,
  openKubeExecSession,
  type KubeExecExit,
  type KubeExecOptions,
} from '../../../../main/core/kube/exec/execSession';
import type { TerminalSession } from '../../../../main/core/terminal/terminalSession';
import { sleep, WAIT_TIMEOUT_MS } from '../../../harness/wait';

interface Scripted {
  port: number;
  /** Requests' subprotocol offers, in arrival order. */
  offers: string[][];
  stop(): Promise<void>;
}

type Script = (ws: WebSocket, request: IncomingMessage) => void;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A plain-HTTP WebSocket server that runs `script` on every connection. */
async function scriptedServer(
  script: Script,
  options: { protocol?: (offered: Set<string>) => string | false; autoPong?: boolean } = {},
): Promise<Scripted> {
  const http: Server = createServer();
  const offers: string[][] = [];
  const wss = new WebSocketServer({
    server: http,
    autoPong: options.autoPong ?? true,
    handleProtocols: (offered) => {
      offers.push([...offered]);
      return options.protocol ? options.protocol(offered) : ([...offered][0] ?? false);
    },
  });
  wss.on('connection', (ws, request) => {
    ws.on('error', () => undefined);
    script(ws, request);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const server: Scripted = {
    port: (http.address() as AddressInfo).port,
    offers,
    stop: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  cleanups.push(() => server.stop());
  return server;
}

/** A kubeconfig for a plain-HTTP server: client-node allows http:// only with insecure-skip-tls-verify. */
function kubeConfigFor(port: number): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token-value' }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  return kc;
}

function options(port: number, extra: Partial<KubeExecOptions> = {}): KubeExecOptions {
  return {
    kubeConfig: kubeConfigFor(port),
    namespace: 'default',
    pod: 'shell-pod',
    container: 'main',
    command: ['sh'],
    size: { cols: 100, rows: 30 },
    ...extra,
  };
}

const frame = (channel: number, text = '') => Buffer.concat([Buffer.of(channel), Buffer.from(text)]);
const SUCCESS = JSON.stringify({ metadata: {}, status: 'Success' });

async function open(port: number, extra: Partial<KubeExecOptions> = {}): Promise<TerminalSession> {
  const session = await openKubeExecSession(options(port, extra));
  cleanups.push(() => session.close());
  return session;
}

function outcome(session: TerminalSession) {
  let text = '';
  session.onData((chunk) => (text += Buffer.from(chunk).toString('utf8')));
  const ended = new Promise<{ exit?: KubeExecExit; error?: Error; textAtEnd: string }>((resolve) => {
    session.onExit((exit) => resolve({ exit, textAtEnd: text }));
    session.onError((error) => resolve({ error, textAtEnd: text }));
  });
  return {
    ended: Promise.race([
      ended,
      sleep(WAIT_TIMEOUT_MS).then(() => {
        throw new Error('the session did not end');
      }),
    ]),
    get text() {
      return text;
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<KubeExecError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the open to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeExecError);
  return error as KubeExecError;
}

describe('openKubeExecSession against scripted servers', () => {
  it('offers v5 then v4 only, sends the token and the first resize at once', async () => {
    let authorization: string | undefined;
    let firstFrame: Buffer | undefined;
    const server = await scriptedServer((ws, request) => {
      authorization = request.headers.authorization;
      ws.once('message', (data) => {
        firstFrame = data as Buffer;
        ws.send(frame(1, '$ '));
      });
    });
    await open(server.port);
    expect(server.offers).toEqual([['v5.channel.k8s.io', 'v4.channel.k8s.io']]);
    expect(authorization).toBe('Bearer secret-token-value');
    expect(firstFrame?.[0]).toBe(4);
    expect(JSON.parse(firstFrame!.subarray(1).toString('utf8'))).toEqual({ Width: 100, Height: 30 });
  });

  it('speaks v4 when the server picks it, and then sends no v5 close frame', async () => {
    const received: number[] = [];
    const server = await scriptedServer(
      (ws) => {
        ws.on('message', (data) => received.push((data as Buffer)[0]!));
        ws.send(frame(1, '$ '));
      },
      { protocol: () => 'v4.channel.k8s.io' },
    );
    const session = await open(server.port);
    session.write('x');
    await session.close();
    await sleep(50);
    expect(received).toEqual([4, 0]);
  });

  it('on v5, close() sends stdin EOF ([255, 0]) before the close frame', async () => {
    const received: Buffer[] = [];
    let closeCode: number | undefined;
    const server = await scriptedServer((ws) => {
      ws.on('message', (data) => received.push(data as Buffer));
      ws.on('close', (code) => (closeCode = code));
      ws.send(frame(1, '$ '));
    });
    const session = await open(server.port);
    session.write('ls\r');
    await session.close();
    await sleep(50);
    expect(received.map((data) => [...data])).toEqual([
      [4, ...Buffer.from('{"Width":100,"Height":30}')],
      [0, ...Buffer.from('ls\r')],
      [255, 0],
    ]);
    expect(closeCode).toBe(1000);
  });

  it('fails with protocol when the server picks a protocol that was not offered', async () => {
    const server = await scriptedServer(() => undefined, { protocol: () => 'v3.channel.k8s.io' });
    const error = await rejection(openKubeExecSession(options(server.port)));
    expect(error.reason).toBe('protocol');
    expect(error.message).toContain('v5.channel.k8s.io, v4.channel.k8s.io');
  });

  it('opens after the grace period when the command prints nothing', async () => {
    const server = await scriptedServer((ws) => ws.send(frame(1)));
    const started = Date.now();
    await open(server.port);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('holds data until the first onData listener, and the exit until that data is delivered', async () => {
    const server = await scriptedServer((ws) => {
      ws.send(frame(1));
      ws.send(frame(1, 'prompt$ '));
      for (let i = 0; i < 100; i++) ws.send(frame(1, `line ${i}\n`));
      ws.send(frame(3, SUCCESS));
      ws.close(1000);
    });
    const session = await open(server.port);
    await sleep(200);
    // Exit listener first, data listener later: the exit must still come after every byte.
    let exitedAfter = '';
    let text = '';
    const exited = new Promise<KubeExecExit>((resolve) =>
      session.onExit((exit) => {
        exitedAfter = text;
        resolve(exit);
      }),
    );
    await sleep(50);
    session.onData((chunk) => (text += Buffer.from(chunk).toString('utf8')));
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(exitedAfter.startsWith('prompt$ line 0\n')).toBe(true);
    expect(exitedAfter.endsWith('line 99\n')).toBe(true);
  });

  it('an exit status before any output still opens the session, then reports the exit', async () => {
    const status = {
      metadata: {},
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message: 'command terminated with non-zero exit code: error executing command [sh], exit code 3',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    };
    const server = await scriptedServer((ws) => {
      ws.send(frame(1));
      ws.send(frame(3, JSON.stringify(status)));
      ws.close(1000);
    });
    const session = await open(server.port);
    expect((await outcome(session).ended).exit).toEqual({ code: 3, signal: null });
  });

  it('a failure status after the shell opened is an exit with no code and the message', async () => {
    const server = await scriptedServer((ws) => {
      ws.send(frame(1, '$ '));
      setTimeout(() => {
        ws.send(frame(3, JSON.stringify({ status: 'Failure', reason: 'InternalError', message: 'container gone' })));
        ws.close(1000);
      }, 100);
    });
    const session = await open(server.port);
    expect((await outcome(session).ended).exit).toEqual({ code: null, signal: null, message: 'container gone' });
  });

  it('reports the exit even when the server never closes after the status', async () => {
    const server = await scriptedServer((ws) => {
      ws.send(frame(1, '$ '));
      setTimeout(() => ws.send(frame(3, SUCCESS)), 50);
    });
    const session = await open(server.port);
    const started = Date.now();
    expect((await outcome(session).ended).exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('a socket closed without a status is an error, not an exit', async () => {
    const server = await scriptedServer((ws) => {
      ws.send(frame(1, '$ '));
      setTimeout(() => ws.close(1011, 'internal error'), 50);
    });
    const session = await open(server.port);
    const ended = await outcome(session).ended;
    expect(ended.exit).toBeUndefined();
    expect(ended.error?.message).toBe('Connection to pod default/shell-pod lost (WebSocket code 1011: internal error)');
  });

  it('declares the connection dead after two keepalive intervals without a pong', async () => {
    const server = await scriptedServer((ws) => ws.send(frame(1, '$ ')), { autoPong: false });
    const session = await open(server.port, { keepaliveIntervalMs: 100 });
    const ended = await outcome(session).ended;
    expect(ended.error?.message).toBe(
      'Connection to pod default/shell-pod lost: no answer to keepalive pings for 0.2 s',
    );
  });

  it('keeps a session whose server answers pings', async () => {
    let pings = 0;
    const server = await scriptedServer((ws) => {
      ws.on('ping', () => pings++);
      ws.send(frame(1, '$ '));
    });
    const session = await open(server.port, { keepaliveIntervalMs: 50 });
    const watched = outcome(session);
    let ended = false;
    void watched.ended.then(() => (ended = true));
    await sleep(600);
    expect(ended).toBe(false);
    expect(pings).toBeGreaterThanOrEqual(5);
  });

  it('times out on a server that accepts the connection and never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const error = await rejection(openKubeExecSession(options(port, { connectTimeoutMs: 300 })));
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(
      `No answer from the API server at http://127.0.0.1:${port} within 0.3 s (connecting and upgrading to exec into pod default/shell-pod).`,
    );
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('aborts when the signal fires while connecting', async () => {
    const server = await scriptedServer(() => undefined);
    const controller = new AbortController();
    const pending = openKubeExecSession(options(server.port, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(pending);
    expect(error.reason).toBe('aborted');
  });

  it('uses the injected transport', async () => {
    const server = await scriptedServer((ws) => ws.send(frame(1, '$ ')));
    const seen: string[] = [];
    const session = await open(server.port, {
      createWebSocket: (url, protocols, wsOptions) => {
        seen.push(url);
        return new WebSocket(url, protocols, wsOptions);
      },
    });
    expect(seen).toEqual([
      `ws://127.0.0.1:${server.port}/api/v1/namespaces/default/pods/shell-pod/exec?command=sh&container=main&stdin=true&stdout=true&tty=true`,
    ]);
    await session.close();
  });

  it('dials an http:// server without insecure-skip-tls-verify, as kubectl does (what `kubectl proxy` serves)', async () => {
    const server = await scriptedServer((ws) => ws.send(frame(1, 'plain-http$ ')));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${server.port}`, skipTLSVerify: false }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
      currentContext: 'ctx',
    });
    const session = await open(server.port, { kubeConfig: kc });
    const out = outcome(session);
    await expect.poll(() => out.text).toContain('plain-http$ ');
  });
});
