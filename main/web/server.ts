/**
 * Browser mode: serves the built renderer and the contract on 127.0.0.1, for hosts without Electron and for testing
 * every user path in a real browser. The same core and the same handlers as the desktop app.
 *
 * Security: loopback only; a random token per launch, exchanged once for an HttpOnly SameSite=Strict cookie; every
 * request and the WebSocket upgrade check the Host header (DNS rebinding) and the upgrade checks Origin; the same CSP
 * as the desktop window.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { contentSecurityPolicy } from '../../common/csp';
import type { PodtermCore } from '../core';
import { WebClientConnection } from './webClientConnection';

export const SESSION_COOKIE = 'podterm_session';
export const API_PATH = '/api';
/** 32 random bytes: unguessable for the life of one launch. */
const TOKEN_BYTES = 32;
/**
 * A paste is capped at 256 KiB of characters by the contract; a kubeconfig import carries up to a few files of at most
 * 1 MiB each (real ones are a few KiB), and JSON escaping can double that. 8 MiB bounds a request without refusing one.
 */
const MAX_CLIENT_MESSAGE_BYTES = 8 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface WebServerOptions {
  core: PodtermCore;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
  log?: (message: string) => void;
}

export interface WebServer {
  /** The URL to open: carries the launch token once; the page then lives at `origin`. */
  url: string;
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(TOKEN_BYTES).toString('base64url');
  const log = options.log ?? ((message: string) => console.log(`podterm: ${message}`));
  const rendererDir = normalize(options.rendererDir);
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const hasValidCookie = (request: IncomingMessage) => constantTimeEqual(readCookie(request, SESSION_COOKIE), token);

  const server: Server = createServer((request, response) => {
    void handleHttp(request, response).catch((error: unknown) => {
      log(`web: ${request.method} ${request.url} failed: ${String(error)}`);
      if (!response.headersSent) respondText(response, 500, 'Internal error.');
      else response.destroy();
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHosts().has(request.headers.host ?? '')) {
      return respondText(response, 421, 'Podterm answers only on 127.0.0.1 and localhost.');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return respondText(response, 405, 'Method not allowed.');
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!constantTimeEqual(offered, token)) {
        return respondText(
          response,
          401,
          'This link is from an earlier launch. Open the URL `npm run web` printed now.',
        );
      }
      // Trade the token for a cookie and drop it from the address bar and history.
      response.writeHead(303, {
        Location: '/',
        'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      response.end();
      return;
    }
    if (!hasValidCookie(request)) {
      return respondText(response, 401, 'Open the URL that `npm run web` printed; it carries this launch’s token.');
    }
    await serveStatic(url.pathname, response);
  }

  async function serveStatic(pathname: string, response: ServerResponse): Promise<void> {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = normalize(join(rendererDir, relative));
    if (!file.startsWith(rendererDir + sep)) return respondText(response, 404, 'Not found.');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return respondText(response, 404, 'Not found.');
    response.writeHead(200, {
      ...securityHeaders(port),
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': extname(file) === '.html' ? 'no-store' : 'private, max-age=3600',
    });
    createReadStream(file).pipe(response);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const refuse = (status: number, reason: string) => {
      log(`web: refused a WebSocket: ${reason}`);
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n\r\n`);
    };
    const path = new URL(request.url ?? '/', 'http://placeholder').pathname;
    if (path !== API_PATH) return refuse(404, 'Not Found');
    if (!allowedHosts().has(request.headers.host ?? '')) return refuse(421, 'Misdirected Request');
    if (!allowedOrigins().has(request.headers.origin ?? '')) return refuse(403, 'Forbidden');
    if (!hasValidCookie(request)) return refuse(401, 'Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => acceptClient(ws));
  });

  function acceptClient(ws: WebSocket): void {
    const client = new WebClientConnection(ws, options.core, log);
    ws.on('message', (data: RawData, isBinary: boolean) => client.receive(data, isBinary));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    async close() {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy({
      connectSources: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`],
    }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function respondText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(`${text}\n`);
}

function readCookie(request: IncomingMessage, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

function constantTimeEqual(offered: string | null, expected: string): boolean {
  if (offered === null) return false;
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
