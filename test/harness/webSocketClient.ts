/**
 * A page's side of the browser-mode WebSocket, spoken by a test with the `ws` package: the login, requests, and a
 * terminal session's bytes. What the renderer's webClient does, without a browser, so a test can hold a shell open
 * while it attacks the server from other connections.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { RequestKey } from '../../common/requestKeys';
import {
  decodeDataFrame,
  type WebLoginCredential,
  type WebLoginMessage,
  type WebServerMessage,
} from '../../common/frames';
import { waitFor } from './wait';

/** A shell's answer is quick, but the 2-core test machine is shared with several suites. */
const SHELL_TIMEOUT_MS = 30_000;

export type Response = Extract<WebServerMessage, { kind: 'response' }>;

export interface Closed {
  code: number;
  reason: string;
}

export interface ApiSocketOptions {
  /** The Origin header; the server's own origin unless given. */
  origin?: string;
  /** The first message; null sends none. */
  login: Omit<WebLoginMessage, 'kind'> | null;
}

/** A page secret as the page draws one: 32 random bytes, base64url. */
export function newPageSecret(): string {
  return randomBytes(32).toString('base64url');
}

export class ApiSocket {
  /** Every text message from the server, parsed, in order. */
  readonly received: WebServerMessage[] = [];
  /** Resolves when the server (or the network) closed the socket. */
  readonly closed: Promise<Closed>;
  private readonly output = new Map<number, Buffer[]>();
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return void this.received.push(JSON.parse(data.toString()) as WebServerMessage);
      const frame = decodeDataFrame(new Uint8Array(data));
      if (frame)
        this.output.set(frame.sessionId, [...(this.output.get(frame.sessionId) ?? []), Buffer.from(frame.data)]);
    });
    // The server closing a misbehaving socket can surface as an error here too; the close event reports it.
    ws.on('error', () => {});
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** Opens a WebSocket to the server at `port` and sends the login; rejects with "HTTP <status>" if refused. */
  static open(port: number, options: ApiSocketOptions): Promise<ApiSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, {
        headers: { origin: options.origin ?? `http://127.0.0.1:${port}` },
      });
      const socket = new ApiSocket(ws);
      ws.once('open', () => {
        if (options.login) ws.send(JSON.stringify({ kind: 'login', ...options.login }));
        resolve(socket);
      });
      ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Opens and waits for the server's `loggedIn` answer; answers the socket and what the login was accepted with. */
  static async logIn(
    port: number,
    login: Omit<WebLoginMessage, 'kind'>,
  ): Promise<{ socket: ApiSocket; with: WebLoginCredential }> {
    const socket = await ApiSocket.open(port, { login });
    await Promise.race([
      waitFor('the login answer', () => socket.received.some((message) => message.kind === 'loggedIn')),
      socket.closed.then(({ code, reason }) => {
        throw new Error(`login refused: ${code} ${reason}`);
      }),
    ]);
    const answer = socket.received.find((message) => message.kind === 'loggedIn');
    if (answer?.kind !== 'loggedIn') throw new Error('no login answer');
    return { socket, with: answer.with };
  }

  /** Sends one request and waits for its response. */
  async call(key: RequestKey, payload: unknown): Promise<Response> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ kind: 'request', id, key, payload }));
    let response: Response | undefined;
    await waitFor(`the answer to ${key}`, () => {
      response = this.received.find((message): message is Response => message.kind === 'response' && message.id === id);
      return response !== undefined;
    });
    return response!;
  }

  /** Like `call`, for a request that must succeed: answers its result. */
  async request<T>(key: RequestKey, payload: unknown): Promise<T> {
    const response = await this.call(key, payload);
    if (!response.ok) throw new Error(`${key} failed: ${response.error.message}`);
    return response.result as T;
  }

  /** A session's output so far, as text. */
  text(sessionId: number): string {
    return Buffer.concat(this.output.get(sessionId) ?? []).toString('utf8');
  }

  /** Waits until a session's output matches `expected` (a shell's prompt, a command's answer). */
  async waitForOutput(sessionId: number, expected: RegExp): Promise<void> {
    await waitFor(
      `output matching ${expected}`,
      () => expected.test(this.text(sessionId)),
      () => this.text(sessionId),
      SHELL_TIMEOUT_MS,
    );
  }

  /** Types into a session (as the terminal does) and waits until its output matches `expected`. */
  async run(sessionId: number, input: string, expected: RegExp): Promise<void> {
    this.ws.send(JSON.stringify({ kind: 'session', sessionId, command: { type: 'write', data: input } }));
    await this.waitForOutput(sessionId, expected);
  }

  close(): Promise<Closed> {
    this.ws.close();
    return this.closed;
  }
}
