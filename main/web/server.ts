/**
 * Browser mode: serves the built renderer and the contract on 127.0.0.1, for hosts without Electron and for testing
 * every user path in a real browser. The same core and the same handlers as the desktop app.
 *
 * Security (ARCHITECTURE.md, "Browser mode"): loopback only; every request and the WebSocket upgrade check the Host
 * header (DNS rebinding) and the upgrade checks Origin; the same CSP as the desktop window. The static files are the
 * public renderer bundle and hold nothing secret; the contract is reachable only over a WebSocket whose first message
 * is a login (login.ts). No cookie is set or read. Robustness: every socket, request and upgrade has its errors
 * handled, and every size and count is bounded (common/limits.ts); a bad client loses its own connection, nothing else.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { contentSecurityPolicy } from '../../common/csp';
import { messageOf } from '../../common/errors';
import {
  LOGIN_INCOMPLETE_CLOSE_CODE,
  LOGIN_REFUSED_CLOSE_CODE,
  TOO_MANY_SOCKETS_CLOSE_CODE,
  type WebLoggedInMessage,
} from '../../common/frames';
import {
  LOGIN_TIMEOUT_MS,
  MAX_CLIENT_MESSAGE_BYTES,
  MAX_LOGGED_IN_SOCKETS,
  MAX_PENDING_CONNECTIONS,
  MAX_PENDING_LOGINS,
  MAX_REQUEST_HEADER_BYTES,
  MAX_WEB_CONNECTIONS,
} from '../../common/limits';
import type { PodtermCore } from '../core';
import { WebLogin } from './login';
import { WebClientConnection } from './webClientConnection';

export const API_PATH = '/api';
/** The query parameter of the launch URL that carries the launch token (read by the page, not by the server). */
export const LAUNCH_TOKEN_PARAM = 'token';
/** A browser sends its request headers at once; a connection still sending them after this long is dropped. */
const HEADERS_TIMEOUT_MS = 10_000;
/**
 * A whole request, body included (the page's are bodiless GETs). Node's default, 5 minutes, would let a stranger hold a
 * connection that long by announcing a body it never sends.
 */
const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node checks connections against these timeouts (its default, 30 s, would let them linger). */
const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

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
  /** Fixed launch token for tests; a random one otherwise. */
  token?: string;
  log?: (message: string) => void;
}

export interface WebServer {
  /** The URL to open: carries the single-use launch token; the page then lives at `origin`. */
  url: string;
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? WebLogin.newToken();
  const login = new WebLogin(token);
  const log = options.log ?? ((message: string) => console.log(`podterm: ${message}`));
  const rendererDir = normalize(options.rendererDir);
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server: Server = createServer({
    maxHeaderSize: MAX_REQUEST_HEADER_BYTES,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS,
  });
  server.maxConnections = MAX_WEB_CONNECTIONS;
  // Node answers a malformed request (400, 431, 408) and destroys its socket itself; errors after listen are logged.
  server.on('error', (error) => log(`web: server error: ${messageOf(error)}`));

  /** Connections that have not finished their request headers, oldest first (a Set keeps insertion order). */
  const unparsed = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    unparsed.add(socket);
    socket.once('close', () => unparsed.delete(socket));
    if (unparsed.size > MAX_PENDING_CONNECTIONS) {
      const oldest = unparsed.values().next().value!;
      unparsed.delete(oldest);
      oldest.destroy();
    }
  });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    unparsed.delete(request.socket);
    request.on('error', (error) => log(`web: a request failed: ${messageOf(error)}`));
    response.on('error', (error) => log(`web: a response failed: ${messageOf(error)}`));
    void handleHttp(request, response).catch((error: unknown) => {
      log(`web: ${request.method} request failed: ${messageOf(error)}`);
      if (!response.headersSent) respondText(response, 500, 'Internal error.');
      else response.destroy();
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHosts().has(request.headers.host ?? '')) {
      return respondText(response, 421, 'Podterm answers only on 127.0.0.1 and localhost.');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return respondText(response, 405, 'Method not allowed.');
    const path = requestPath(request.url);
    if (path === null) return respondText(response, 400, 'Bad request: the path is not a valid URL path.');
    await serveStatic(path, response);
  }

  async function serveStatic(path: string, response: ServerResponse): Promise<void> {
    const relative = path === '/' ? 'index.html' : path.replace(/^\/+/, '');
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
    pipeline(createReadStream(file), response, (error) => {
      // The file vanished or the client went away mid-body: that response is lost, nothing else.
      if (error) log(`web: serving ${relative} failed: ${messageOf(error)}`);
    });
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  sockets.on('error', (error) => log(`web: WebSocket server error: ${messageOf(error)}`));
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    unparsed.delete(socket);
    // Once 'upgrade' fires the socket is ours: without this, a reset after a refusal would end the process.
    socket.on('error', (error) => log(`web: an upgrading connection failed: ${messageOf(error)}`));
    const refuse = (status: number, reason: string) => {
      log(`web: refused a WebSocket: ${reason}`);
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (requestPath(request.url) !== API_PATH) return refuse(404, 'Not Found');
    if (!allowedHosts().has(request.headers.host ?? '')) return refuse(421, 'Misdirected Request');
    if (!allowedOrigins().has(request.headers.origin ?? '')) return refuse(403, 'Forbidden');
    sockets.handleUpgrade(request, socket, head, (ws) => acceptSocket(ws));
  });

  /** Accepted, not yet logged in, oldest first. */
  const pendingLogins = new Set<WebSocket>();
  const loggedIn = new Set<WebSocket>();

  function acceptSocket(ws: WebSocket): void {
    // ws reports a malformed frame, a bad close code or an oversize message here, then closes that connection.
    ws.on('error', (error) => log(`web: closed a client's connection: ${messageOf(error)}`));
    pendingLogins.add(ws);
    if (pendingLogins.size > MAX_PENDING_LOGINS) {
      const oldest = pendingLogins.values().next().value!;
      pendingLogins.delete(oldest);
      oldest.close(LOGIN_INCOMPLETE_CLOSE_CODE, 'too many connections waiting to log in');
    }
    const timer = setTimeout(() => ws.close(LOGIN_INCOMPLETE_CLOSE_CODE, 'no login in time'), LOGIN_TIMEOUT_MS);
    ws.once('close', () => {
      clearTimeout(timer);
      pendingLogins.delete(ws);
      loggedIn.delete(ws);
    });
    ws.once('message', (data: RawData, isBinary: boolean) => {
      clearTimeout(timer);
      pendingLogins.delete(ws);
      if (ws.readyState !== ws.OPEN) return;
      const outcome = login.logIn(isBinary ? null : parseJson(data));
      if (!outcome.ok) {
        log(`web: refused a WebSocket login: ${outcome.reason}`);
        return ws.close(LOGIN_REFUSED_CLOSE_CODE, outcome.reason);
      }
      if (loggedIn.size >= MAX_LOGGED_IN_SOCKETS) {
        return ws.close(TOO_MANY_SOCKETS_CLOSE_CODE, `at most ${MAX_LOGGED_IN_SOCKETS} pages at once`);
      }
      loggedIn.add(ws);
      const client = new WebClientConnection(ws, options.core, log);
      ws.on('message', (message: RawData, binary: boolean) => client.receive(message, binary));
      const answer: WebLoggedInMessage = { kind: 'loggedIn', with: outcome.with };
      ws.send(JSON.stringify(answer));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?${LAUNCH_TOKEN_PARAM}=${token}`,
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

/**
 * The decoded path of a request target, or null when it is not an origin-form path ("/…") or does not decode (`/%zz`)
 * or holds a NUL. The query is ignored: the server reads nothing from it.
 */
export function requestPath(target: string | undefined): string | null {
  if (!target?.startsWith('/')) return null;
  const raw = target.split(/[?#]/, 1)[0]!;
  try {
    const path = decodeURIComponent(raw);
    return path.includes('\0') ? null : path;
  } catch {
    return null;
  }
}

function parseJson(data: RawData): unknown {
  try {
    // The socket's binaryType is ws's default, so a text message arrives as one Buffer.
    return JSON.parse((data as Buffer).toString('utf8'));
  } catch {
    return null;
  }
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
