/**
 * The browser-mode server's gatekeeping, against the real server and a real core: the launch token, the cookie, the
 * Host and Origin checks, the CSP, static-file confinement, and the contract over the WebSocket.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebServerMessage } from '../../common/frames';
import { startWebServer, type WebServer } from '../../main/web/server';
import { createTestCore, type TestCore } from '../harness/core';

const TOKEN = 'test-token-0123456789';
let harness: TestCore;
let server: WebServer;
let rendererDir: string;

beforeAll(async () => {
  harness = await createTestCore();
  rendererDir = await mkdtemp(join(tmpdir(), 'podterm-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Podterm</title>');
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startWebServer({ core: harness.core, rendererDir, token: TOKEN, log: () => {} });
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

const cookie = `podterm_session=${TOKEN}`;

describe('browser-mode server', () => {
  it('listens on loopback only', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('trades the launch token for an HttpOnly, SameSite=Strict cookie and drops it from the URL', async () => {
    const reply = await get(`/?token=${TOKEN}`);
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/');
    expect(String(reply.headers['set-cookie'])).toContain(`${cookie}; HttpOnly; SameSite=Strict`);
  });

  it('refuses a wrong token and a missing cookie with a message saying what to open', async () => {
    expect((await get('/?token=guess')).status).toBe(401);
    const noCookie = await get('/');
    expect(noCookie.status).toBe(401);
    expect(noCookie.body).toContain('npm run web');
  });

  it('serves the app with the CSP and hardening headers once the cookie is set', async () => {
    const reply = await get('/', { cookie });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<title>Podterm</title>');
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/assets/app.js', { cookie })).headers['content-type']).toContain('text/javascript');
  });

  it('refuses a foreign Host header (DNS rebinding), even with the cookie', async () => {
    const reply = await get('/', { cookie, host: `attacker.example:${server.port}` });
    expect(reply.status).toBe(421);
  });

  it('never serves files outside the renderer directory', async () => {
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../etc/passwd']) {
      const reply = await get(path, { cookie });
      expect(reply.status, path).toBe(404);
    }
  });
});

function connect(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, key: string, payload: unknown): Promise<WebServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as WebServerMessage;
      if (message.kind === 'response' && message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ kind: 'request', id, key, payload }));
  });
}

describe('browser-mode WebSocket', () => {
  const origin = () => `http://127.0.0.1:${server.port}`;

  it('refuses an upgrade from another origin, without the cookie, or with a foreign Host', async () => {
    await expect(connect({ cookie, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: origin() })).rejects.toThrow('HTTP 401');
    await expect(connect({ cookie, origin: origin(), host: 'rebound.example' })).rejects.toThrow('HTTP 421');
  });

  it('carries the contract: a valid request succeeds and an invalid one gets a clear error', async () => {
    const ws = await connect({ cookie, origin: origin() });
    try {
      expect(await call(ws, 1, 'pods.list', {})).toEqual({ kind: 'response', id: 1, ok: true, result: [] });
      const bad = await call(ws, 2, 'pods.save', { fields: { name: 'x', sshHost: 'bad host!' } });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalidPayload' } });
      if (bad.kind === 'response' && !bad.ok) expect(bad.error.fieldErrors?.['fields.sshHost']).toMatch(/host name/);
    } finally {
      ws.close();
    }
  });

  it('closes a client that speaks something other than the protocol', async () => {
    const ws = await connect({ cookie, origin: origin() });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('not json');
    expect(await closed).toBe(1008);
  });
});
