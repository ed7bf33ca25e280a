/**
 * The browser mode's client: one WebSocket to main carrying the whole contract. Requests and session control travel as
 * JSON text (common/frames.ts); terminal output arrives as binary frames, never base64'd or JSON-escaped.
 * The first message on the socket is the login (webLogin.ts, main/web/login.ts): the launch token taken from this page's
 * URL with the secret the page drew, or the page secret kept in this origin's localStorage. No cookie is involved.
 */
import {
  buildContractApi,
  ContractError,
  appEventOnly,
  isAppEvent,
  type AppEvent,
  type RequestInput,
  type RequestKey,
  type RequestResult,
  type SessionChannel,
  type SessionEvent,
} from '../../../common/contract';
import {
  decodeDataFrame,
  LOGIN_REFUSED_CLOSE_CODE,
  TOO_MANY_SOCKETS_CLOSE_CODE,
  type WebClientMessage,
  type WebLoginMessage,
  type WebServerMessage,
} from '../../../common/frames';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../../common/limits';
import { isErrorShape, isRecord, isSessionEvent } from './guards';
import { QueuedChannel } from './queuedChannel';
import type { RendererClient } from './types';
import { browserLogin, type PageLogin } from './webLogin';

/** The server's WebSocket endpoint (main/web/server.ts, API_PATH). */
export const WEB_SOCKET_PATH = '/api';

export const CONNECTION_LOST_MESSAGE =
  'Lost the connection to the Podterm server. Reload the page, or if the server was restarted, open the URL it printed.';

export const NOT_LOGGED_IN_MESSAGE =
  'This page is not logged in. The address “npm run web” printed works once, and this browser holds no login from ' +
  'it: restart “npm run web” and open the new address it prints.';

export const TOO_MANY_PAGES_MESSAGE = 'Too many pages of Podterm are open at once: close some, then reload this one.';

const MIB = 1024 * 1024;
const encoder = new TextEncoder();

/** The UTF-8 size of a message, or 0 when it certainly fits (a UTF-16 unit is at most 3 bytes of UTF-8). */
function bytesOverLimit(text: string): number {
  if (text.length * 3 <= MAX_CLIENT_MESSAGE_BYTES) return 0;
  const bytes = encoder.encode(text).byteLength;
  return bytes > MAX_CLIENT_MESSAGE_BYTES ? bytes : 0;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WEB_SOCKET_PATH}`;
}

export function createWebClient(
  url: string = webSocketUrl(window.location),
  login: PageLogin = browserLogin(window),
): RendererClient {
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  let loggedIn = false;

  let nextRequestId = 1;
  const pending = new Map<number, Pending>();
  /** Messages written before the socket opened; sent in order once it does. */
  const outbox: string[] = [];
  const channels = new Map<number, QueuedChannel>();
  /** Events for a session whose `sessions.open` answer has not been handled yet (they may overtake it). */
  const early = new Map<number, SessionEvent[]>();
  /** Sessions whose tab detached: their late events are dropped instead of buffered forever. */
  const detached = new Set<number>();
  const lostListeners = new Set<(message: string) => void>();
  const appEventListeners = new Set<(event: AppEvent) => void>();
  let lost = false;
  /** Why the connection ended: lost, or the login refused. */
  let lostMessage = CONNECTION_LOST_MESSAGE;

  /** Sends a message, or says why it cannot be sent: the server would close the connection over it. */
  function send(message: WebClientMessage): ContractError | null {
    if (lost) return null;
    const text = JSON.stringify(message);
    const oversize = bytesOverLimit(text);
    if (oversize > 0) {
      return new ContractError(
        'invalidPayload',
        `This request is ${(oversize / MIB).toFixed(1)} MiB, over the ${MAX_CLIENT_MESSAGE_BYTES / MIB} MiB the ` +
          'Podterm server accepts in one message. Send less at a time.',
      );
    }
    if (socket.readyState === WebSocket.CONNECTING) outbox.push(text);
    else if (socket.readyState === WebSocket.OPEN) socket.send(text);
    return null;
  }

  function route(sessionId: number, event: SessionEvent): void {
    const channel = channels.get(sessionId);
    if (channel) return channel.deliver(event);
    if (detached.has(sessionId)) return;
    const queue = early.get(sessionId);
    if (queue) queue.push(event);
    else early.set(sessionId, [event]);
  }

  function receiveText(text: string): void {
    let message: WebServerMessage;
    try {
      message = JSON.parse(text) as WebServerMessage;
    } catch {
      console.error('podterm: the server sent a message that is not JSON');
      return;
    }
    if (!isRecord(message)) return;
    if (message.kind === 'loggedIn') {
      loggedIn = true;
      login.confirmed(message.with);
    } else if (message.kind === 'response') {
      const request = pending.get(message.id);
      if (!request) return;
      pending.delete(message.id);
      if (message.ok) request.resolve(message.result);
      else
        request.reject(
          isErrorShape(message.error)
            ? ContractError.fromShape(message.error)
            : new ContractError('internal', 'The server sent a malformed error.'),
        );
    } else if (message.kind === 'session' && isSessionEvent(message.event)) {
      route(message.sessionId, message.event);
    } else if (message.kind === 'app' && isAppEvent(message.event)) {
      const event: AppEvent = appEventOnly(message.event);
      for (const listener of [...appEventListeners]) listener(event);
    }
  }

  function receiveBinary(buffer: ArrayBuffer): void {
    const frame = decodeDataFrame(new Uint8Array(buffer));
    if (frame) route(frame.sessionId, { type: 'data', data: frame.data });
  }

  function loseConnection(message: string = CONNECTION_LOST_MESSAGE): void {
    if (lost) return;
    lost = true;
    outbox.length = 0;
    lostMessage = message;
    const error = new ContractError('internal', message);
    for (const request of pending.values()) request.reject(error);
    pending.clear();
    for (const channel of channels.values()) {
      if (!channel.ended) channel.deliver({ type: 'end', end: { kind: 'lost', message } });
    }
    early.clear();
    for (const listener of [...lostListeners]) listener(message);
  }
  socket.addEventListener('open', () => {
    // The login goes first; what the page asked meanwhile follows at once (the server reads it once logged in).
    const hello: WebLoginMessage = { kind: 'login', ...login.credentials() };
    socket.send(JSON.stringify(hello));
    for (const text of outbox.splice(0)) socket.send(text);
  });
  socket.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (typeof event.data === 'string') receiveText(event.data);
    else if (event.data instanceof ArrayBuffer) receiveBinary(event.data);
  });
  // 'error' is always followed by 'close', which is where the loss is handled.
  socket.addEventListener('close', (event: CloseEvent) => {
    if (!loggedIn && event.code === LOGIN_REFUSED_CLOSE_CODE) {
      // Whatever this page offered is dead (a used token, an earlier launch's secret): forget it all.
      login.refused();
      loseConnection(NOT_LOGGED_IN_MESSAGE);
    } else if (event.code === TOO_MANY_SOCKETS_CLOSE_CODE) loseConnection(TOO_MANY_PAGES_MESSAGE);
    else loseConnection();
  });

  const invoke = <K extends RequestKey>(key: K, input: RequestInput<K>): Promise<RequestResult<K>> => {
    if (lost) return Promise.reject(new ContractError('internal', lostMessage));
    const id = nextRequestId++;
    return new Promise<RequestResult<K>>((resolve, reject) => {
      pending.set(id, { resolve: (result) => resolve(result as RequestResult<K>), reject });
      const refused = send({ kind: 'request', id, key, payload: input });
      if (refused) {
        pending.delete(id);
        reject(refused);
      }
    });
  };
  const api = buildContractApi(invoke);

  async function openSession(input: RequestInput<'sessions.open'>): Promise<SessionChannel> {
    const { sessionId } = await api.sessions.open(input);
    const channel = new QueuedChannel(sessionId, {
      send: (command) => {
        // A command is a keystroke batch or a paste split to MAX_INPUT_CHARS: always far under the limit.
        const refused = send({ kind: 'session', sessionId, command });
        if (refused) console.error(`podterm: ${refused.message}`);
      },
      detach: () => {
        channels.delete(sessionId);
        early.delete(sessionId);
        detached.add(sessionId);
      },
    });
    channels.set(sessionId, channel);
    for (const event of early.get(sessionId) ?? []) channel.deliver(event);
    early.delete(sessionId);
    if (lost && !channel.ended) {
      channel.deliver({ type: 'end', end: { kind: 'lost', message: lostMessage } });
    }
    return channel;
  }

  return {
    mode: 'web',
    api,
    openSession,
    onAppEvent(listener) {
      appEventListeners.add(listener);
      return () => void appEventListeners.delete(listener);
    },
    onTransportLost(listener) {
      if (lost) {
        listener(lostMessage);
        return () => {};
      }
      lostListeners.add(listener);
      return () => void lostListeners.delete(listener);
    },
  };
}
