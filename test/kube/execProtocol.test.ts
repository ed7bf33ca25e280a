/**
 * The exec WebSocket protocol as the test API server speaks it, checked frame by frame with a bare `ws` client:
 * subprotocol choice, the opening frame, stdin close (v5), resize, statuses, close codes, pings, and what happens
 * when either side goes away. kubectl.test.ts proves the same server against the real kubectl.
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { CLIENT_NODE_PROTOCOLS, connectExec, UpgradeRefused, V4, V5 } from './execClient';
import { sleep, waitFor } from '../harness/wait';

/** Bytes pushed through a paused client to prove server-side backpressure: far past the server's 1 MiB high water. */
const FLOOD_BYTES = 16 * 1024 * 1024;
/** Long enough for an unthrottled `head -c 16M` to finish many times over on a loaded CI box. */
const STALL_CHECK_MS = 1_000;

const isGone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

let server: KubeApiServer | null = null;
beforeAll(async () => {
  server = await startKubeApiServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('exec over WebSocket', () => {
  it('negotiates v5 from client-node offers, and v4 when v5 is not offered', async (context) => {
    if (!server) return context.skip();
    const v5 = await connectExec(server, { command: ['true'] }, { protocols: CLIENT_NODE_PROTOCOLS });
    expect(v5.protocol).toBe(V5);
    expect(await v5.closed).toEqual({ code: 1000, reason: '' });
    const v4 = await connectExec(server, { command: ['true'] }, { protocols: [V4, 'v3.channel.k8s.io'] });
    expect(v4.protocol).toBe(V4);
    expect(await v4.closed).toEqual({ code: 1000, reason: '' });
    expect(server.execRequests.slice(-2).map((request) => request.protocol)).toEqual([V5, V4]);
  });

  it('refuses an upgrade offering neither v5 nor v4 with a 400 Status', async (context) => {
    if (!server) return context.skip();
    const refused = await connectExec(server, { command: ['true'] }, { protocols: ['v3.channel.k8s.io'] }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(UpgradeRefused);
    const { statusCode, status } = refused as UpgradeRefused;
    expect(statusCode).toBe(400);
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    expect(server.execRequests.at(-1)?.protocol).toBeNull();
  });

  it('sends the opening empty stdout frame, then output, then a channel-3 status, then closes with 1000', async (context) => {
    if (!server) return context.skip();
    const connection = await connectExec(server, { command: ['sh', '-c', 'echo out; echo err >&2'] });
    expect(await connection.closed).toEqual({ code: 1000, reason: '' });
    const [first] = connection.frames;
    expect(first?.channel).toBe(1);
    expect(first?.payload.length).toBe(0);
    expect(connection.text(1)).toBe('out\n');
    expect(connection.text(2)).toBe('err\n');
    expect(connection.frames.at(-1)?.channel).toBe(3);
    expect(connection.status()).toEqual({ metadata: {}, status: 'Success' });
    expect(connection.frames.every((frame) => frame.channel !== 255)).toBe(true);
  });

  it('reports a non-zero exit code the kubelet way', async (context) => {
    if (!server) return context.skip();
    const connection = await connectExec(server, { command: ['sh', '-c', 'exit 7'] });
    await connection.closed;
    expect(connection.status()).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 7], exit code 7',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '7' }] },
    });
  });

  it('ends stdin on [255, 0] (v5), so cat finishes', async (context) => {
    if (!server) return context.skip();
    const connection = await connectExec(server, { command: ['cat'], stdin: true });
    connection.send(0, 'hello\n');
    await connection.waitForText(1, /hello\n/);
    connection.ws.send(Buffer.from([255, 0]));
    expect(await connection.closed).toEqual({ code: 1000, reason: '' });
    expect(connection.status()).toEqual({ metadata: {}, status: 'Success' });
  });

  it('reads "false" and "0" as false in the stream flags (client-node sends all four)', async (context) => {
    if (!server) return context.skip();
    const connection = await connectExec(server, { command: ['echo', 'flags'], explicitFalse: true });
    await connection.closed;
    expect(connection.text(1)).toBe('flags\n');
    expect(server.execRequests.at(-1)).toMatchObject({ stdin: false, tty: false });
  });

  it('runs a tty exec on a PTY and applies resizes whatever the case of the field names', async (context) => {
    if (!server) return context.skip();
    const connection = await connectExec(server, { command: ['sh'], stdin: true, tty: true });
    const execIndex = server.execRequests.length - 1;
    connection.send(4, JSON.stringify({ width: 77, height: 19 })); // client-node
    // Typed before the prompt, the echo and the prompt interleave; wait for the shell to be ready first.
    await connection.waitForText(1, /[#$] $/);
    connection.send(0, 'stty size\r');
    await connection.waitForText(1, /^19 77\r\n[#$] $/m);
    connection.send(4, `${JSON.stringify({ Width: 132, Height: 43 })}\n`); // kubectl
    connection.send(0, 'stty size; tty\r');
    // The size line and the tty line are two writes of the shell: wait for both, in order, not just the first.
    await connection.waitForText(1, /^43 132\r\n\/dev\/pts\/\d+\r$/m);
    expect(server.resizes.filter((resize) => resize.exec === execIndex)).toEqual([
      { exec: execIndex, width: 77, height: 19 },
      { exec: execIndex, width: 132, height: 43 },
    ]);
    connection.send(0, 'exit 4\r');
    expect(await connection.closed).toEqual({ code: 1000, reason: '' });
    expect(connection.status()).toMatchObject({ reason: 'NonZeroExitCode' });
  });

  it('fails every exec in the distroless pod with an InternalError status', async (context) => {
    if (!server) return context.skip();
    for (const shell of ['bash', 'sh', '/bin/sh', 'true']) {
      const connection = await connectExec(server, { pod: 'distroless', command: [shell] });
      expect(await connection.closed).toEqual({ code: 1000, reason: '' });
      expect(connection.frames.map((frame) => frame.channel)).toEqual([1, 3]);
      const status = connection.status();
      expect(status).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500 });
      expect(status?.message).toContain(
        `OCI runtime exec failed: exec failed: unable to start container process: exec: "${shell}": executable file not found in $PATH: unknown`,
      );
    }
  });

  it('answers pings with pongs', async (context) => {
    if (!server) return context.skip();
    const connection = await connectExec(server, { command: ['sleep', '5'] });
    const before = server.pingsReceived;
    const pong = new Promise<Buffer>((resolve) => connection.ws.once('pong', resolve));
    connection.ws.ping(Buffer.from('podterm'));
    expect((await pong).toString()).toBe('podterm');
    expect(server.pingsReceived).toBe(before + 1);
    connection.ws.close();
    await connection.closed;
  });

  it('kills the process when the client closes first', async (context) => {
    if (!server) return context.skip();
    const connection = await connectExec(server, { command: ['sleep', '30'], stdin: true });
    const exec = server.execRequests.at(-1);
    await waitFor('the process to start', () => typeof exec?.pid === 'number');
    connection.ws.close();
    const outcome = await exec?.finished;
    expect(outcome).toMatchObject({ status: null, killedBecauseClientLeft: true });
    expect(isGone(exec?.pid ?? 0)).toBe(true);
  });

  it('dropConnections() destroys exec sockets without a close frame and ends their processes', async (context) => {
    if (!server) return context.skip();
    const tty = await connectExec(server, { command: ['sh'], stdin: true, tty: true });
    const pipes = await connectExec(server, { command: ['sleep', '30'] });
    const execs = server.execRequests.slice(-2);
    await waitFor('both processes to start', () => execs.every((exec) => typeof exec.pid === 'number'));
    server.dropConnections();
    expect((await tty.closed).code).toBe(1006);
    expect((await pipes.closed).code).toBe(1006);
    for (const exec of execs) {
      expect(await exec.finished).toMatchObject({ killedBecauseClientLeft: true });
      expect(isGone(exec.pid ?? 0)).toBe(true);
    }
  });

  it('stalls the process while the client does not read (backpressure), then delivers everything', async (context) => {
    if (!server) return context.skip();
    const connection = await connectExec(server, { command: ['head', '-c', String(FLOOD_BYTES), '/dev/zero'] });
    connection.ws.pause();
    const exec = server.execRequests.at(-1);
    await sleep(STALL_CHECK_MS);
    const ended = await Promise.race([exec?.finished.then(() => true), sleep(0).then(() => false)]);
    expect(ended).toBe(false);
    connection.ws.resume();
    expect(await connection.closed).toEqual({ code: 1000, reason: '' });
    const received = connection.frames
      .filter((frame) => frame.channel === 1)
      .reduce((sum, f) => sum + f.payload.length, 0);
    expect(received).toBe(FLOOD_BYTES);
    expect(connection.status()).toEqual({ metadata: {}, status: 'Success' });
  });
});

describe('auth and errors before the upgrade', () => {
  it('answers 401 with a Status body without credentials or with an unknown token', async (context) => {
    if (!server) return context.skip();
    for (const token of [null, 'not-a-token']) {
      const refused = (await connectExec(server, { command: ['true'] }, { token }).catch(
        (error: unknown) => error,
      )) as UpgradeRefused;
      expect(refused.statusCode).toBe(401);
      expect(refused.status).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it('authenticates a client certificate over the WebSocket too', async (context) => {
    if (!server) return context.skip();
    const connection = await connectExec(server, { command: ['true'] }, { token: null, cert: server.users.cert });
    await connection.closed;
    expect(server.execRequests.at(-1)?.user).toBe('cert-user');
  });

  it('refuses forbidden-user, unknown pods and containers, and a multi-container pod without a container', async (context) => {
    if (!server) return context.skip();
    const api = server;
    const attempt = async (target: Parameters<typeof connectExec>[1], token?: string) =>
      (await connectExec(api, target, { token }).catch((error: unknown) => error)) as UpgradeRefused;

    const forbidden = await attempt({ pod: 'shell-pod', command: ['true'] }, server.users.forbidden.token);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.status).toMatchObject({
      reason: 'Forbidden',
      details: { name: 'shell-pod', kind: 'pods' },
      message:
        'pods "shell-pod" is forbidden: User "forbidden-user" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    });
    const missing = await attempt({ namespace: 'prod', pod: 'nope', command: ['true'] });
    expect(missing.status).toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "nope" not found' });
    const badContainer = await attempt({ pod: 'multi', container: 'nope', command: ['true'] });
    expect(badContainer.status).toMatchObject({ code: 400, message: 'container nope is not valid for pod multi' });
    const noContainer = await attempt({ pod: 'multi', command: ['true'] });
    expect(noContainer.status).toMatchObject({
      code: 400,
      message: 'a container name must be specified for pod multi, choose one of: [app sidecar]',
    });
    const completed = await attempt({ pod: 'finished', command: ['true'] });
    expect(completed.status).toMatchObject({
      code: 400,
      message: 'cannot exec into a container in a completed pod; current phase is Succeeded',
    });
  });

  it('answers the SPDY fallback (a POST) with a 400 Status', async (context) => {
    if (!server) return context.skip();
    const api = server;
    const url = `${api.url}/api/v1/namespaces/default/pods/shell-pod/exec?command=true&stdout=true`;
    const answer = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        ca: api.caPem,
        headers: {
          Authorization: `Bearer ${api.users.token.token}`,
          Connection: 'Upgrade',
          Upgrade: 'SPDY/3.1',
          'X-Stream-Protocol-Version': 'v4.channel.k8s.io',
        },
      });
      req.on('response', (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ code: response.statusCode ?? 0, body }));
      });
      req.on('upgrade', () => reject(new Error('the server upgraded a SPDY request')));
      req.on('error', reject);
      req.end();
    });
    expect(answer.code).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      reason: 'BadRequest',
      message: 'SPDY is not supported by this test server; use WebSocket exec',
    });
  });
});
