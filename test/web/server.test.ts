/**
 * The browser-mode server's gatekeeping, against the real server and a real core: the single-use launch token and the
 * page secret on the WebSocket, the Host and Origin checks, the CSP, static-file confinement, and the contract over the
 * WebSocket. (test/robustness/webServer.test.ts attacks it; test/robustness/webLogin.test.ts logs in from Chromium.)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_REFUSED_CLOSE_CODE } from '../../common/frames';
import { requestPath, startWebServer, type WebServer } from '../../main/web/server';
import { createTestCore, type TestCore } from '../harness/core';
import { ApiSocket, newPageSecret } from '../harness/webSocketClient';

const TOKEN = 'test-token-0123456789';
let harness: TestCore;
let server: WebServer;
let rendererDir: string;
/** The page secret registered with the launch token. */
let secret: string;

beforeAll(async () => {
  harness = await createTestCore();
  rendererDir = await mkdtemp(join(tmpdir(), 'podterm-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Podterm</title>');
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startWebServer({ core: harness.core, rendererDir, token: TOKEN, log: () => {} });
  // The launch token works once: this login is the one every later connection here builds on.
  secret = newPageSecret();
  const { socket, with: credential } = await ApiSocket.logIn(server.port, { launchToken: TOKEN, secret });
  expect(credential).toBe('launchToken');
  await socket.close();
});
afterAll(async () => {
  await server?.close();
  await harness?.cleanup();
  await rm(rendererDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so the Host header can be anything (fetch would not let us forge it). */
function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('browser-mode server', () => {
  it('listens on loopback only, and prints a launch URL carrying the token', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).toBe(`${server.origin}/?token=${TOKEN}`);
  });

  it('serves the page for the launch URL and without it, and never sets or needs a cookie', async () => {
    for (const path of [`/?token=${TOKEN}`, '/', '/?token=guess']) {
      const reply = await get(path);
      expect(reply.status, path).toBe(200);
      expect(reply.body, path).toContain('<title>Podterm</title>');
      expect(reply.headers['set-cookie'], path).toBeUndefined();
    }
  });

  it('serves the app with the CSP and hardening headers', async () => {
    const reply = await get('/');
    expect(reply.status).toBe(200);
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect((await get('/assets/app.js')).headers['content-type']).toContain('text/javascript');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const reply = await get('/', { host: `attacker.example:${server.port}` });
    expect(reply.status).toBe(421);
  });

  it('never serves files outside the renderer directory', async () => {
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../etc/passwd']) {
      const reply = await get(path);
      expect(reply.status, path).toBe(404);
    }
  });

  it('answers a path that is not a URL path with 400, naming the problem', async () => {
    for (const path of ['/%zz', '/assets/%e0%a4%a', '/%00', '/index.html%00.js']) {
      const reply = await get(path);
      expect(reply.status, path).toBe(400);
      expect(reply.body, path).toContain('not a valid URL path');
    }
  });
});

describe('requestPath', () => {
  it('decodes an origin-form path and ignores the query', () => {
    expect(requestPath('/api?x=1')).toBe('/api');
    expect(requestPath('/a%20b')).toBe('/a b');
  });

  it('refuses what is not an origin-form path or does not decode', () => {
    for (const target of [undefined, '', '*', 'http://127.0.0.1/', '/%zz', '/%00']) {
      expect(requestPath(target), String(target)).toBeNull();
    }
  });
});

describe('browser-mode WebSocket', () => {
  it('refuses an upgrade from another origin, without one, or with a foreign Host, before any login', async () => {
    await expect(ApiSocket.open(server.port, { origin: 'http://evil.example', login: { secret } })).rejects.toThrow(
      'HTTP 403',
    );
    await expect(
      ApiSocket.open(server.port, { origin: `http://127.0.0.1:${server.port + 1}`, login: { secret } }),
    ).rejects.toThrow('HTTP 403');
    await expect(ApiSocket.open(server.port, { origin: '', login: { secret } })).rejects.toThrow('HTTP 403');
  });

  it('takes the launch token once: again it is refused, and the secret registered with it still works', async () => {
    const again = await ApiSocket.open(server.port, { login: { launchToken: TOKEN, secret: newPageSecret() } });
    expect(await again.closed).toEqual({
      code: LOGIN_REFUSED_CLOSE_CODE,
      reason: expect.stringMatching(/used already/),
    });
    // A reload that lost the answer to its exchange presents the token and the secret it sent with it again.
    const reload = await ApiSocket.logIn(server.port, { launchToken: TOKEN, secret });
    expect(reload.with).toBe('secret');
    await reload.socket.close();
    // A used URL opened again in a browser that logged in before: the stored secret logs it in.
    const reopened = await ApiSocket.logIn(server.port, {
      launchToken: TOKEN,
      secret: newPageSecret(),
      storedSecret: secret,
    });
    expect(reopened.with).toBe('storedSecret');
    await reopened.socket.close();
  });

  it('refuses a launch token without a well-formed new secret, and leaves the token unused', async () => {
    const fresh = await startWebServer({ core: harness.core, rendererDir, token: 'another-token', log: () => {} });
    try {
      for (const login of [{ launchToken: 'another-token' }, { launchToken: 'another-token', secret: 'short' }]) {
        const socket = await ApiSocket.open(fresh.port, { login });
        expect((await socket.closed).reason, JSON.stringify(login)).toMatch(/new page secret/);
      }
      const { socket } = await ApiSocket.logIn(fresh.port, { launchToken: 'another-token', secret: newPageSecret() });
      await socket.close();
    } finally {
      await fresh.close();
    }
  });

  it('refuses a wrong secret, a missing login, and a request sent instead of the login', async () => {
    for (const login of [{ secret: `${secret.slice(0, -1)}x` }, {}, { secret: '' }, { launchToken: 'guess' }]) {
      const socket = await ApiSocket.open(server.port, { login });
      expect((await socket.closed).code, JSON.stringify(login)).toBe(LOGIN_REFUSED_CLOSE_CODE);
    }
    const socket = await ApiSocket.open(server.port, { login: null });
    socket.ws.send(JSON.stringify({ kind: 'request', id: 1, key: 'pods.list', payload: {} }));
    expect(await socket.closed).toEqual({ code: LOGIN_REFUSED_CLOSE_CODE, reason: expect.stringMatching(/login/) });
    expect(socket.received).toEqual([]);
  });

  it('carries the contract once logged in: a valid request succeeds and an invalid one gets a clear error', async () => {
    const { socket } = await ApiSocket.logIn(server.port, { secret });
    try {
      expect(await socket.call('pods.list', {})).toEqual({ kind: 'response', id: 1, ok: true, result: [] });
      const bad = await socket.call('pods.save', { fields: { name: 'x', sshHost: 'bad host!' } });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalidPayload' } });
      if (!bad.ok) expect(bad.error.fieldErrors?.['fields.sshHost']).toMatch(/host name/);
    } finally {
      await socket.close();
    }
  });

  it('closes a client that speaks something other than the protocol', async () => {
    const { socket } = await ApiSocket.logIn(server.port, { secret });
    socket.ws.send('not json');
    expect((await socket.closed).code).toBe(1008);
  });
});
