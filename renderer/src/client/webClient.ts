/**
 * The browser mode's client: one WebSocket to main carrying the whole contract. Requests and session control travel as
 * JSON text (common/frames.ts); terminal output arrives as binary frames, never base64'd or JSON-escaped.
 * Authentication is the HttpOnly cookie the server set when the page was opened with its launch token.
 */
import {
  buildContractApi,
  ContractError,
  isAppEvent,
  type AppEvent,
  type RequestInput,
  type RequestKey,
  type RequestResult,
  type SessionChannel,
  type SessionEvent,
} from '../../../common/contract';
import { decodeDataFrame, type WebClientMessage, type WebServerMessage } from '../../../common/frames';
import { isErrorShape, isRecord, isSessionEvent } from './guards';
import { QueuedChannel } from './queuedChannel';
import type { RendererClient } from './types';

/** The server's WebSocket endpoint (main/web/server.ts, API_PATH). */
export const WEB_SOCKET_PATH = '/api';

export const CONNECTION_LOST_MESSAGE =
  'Lost the connection to the Podterm server. Reload the page, or if the server was restarted, open the URL it printed.';

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WEB_SOCKET_PATH}`;
}

export function createWebClient(url: string = webSocketUrl(window.location)): RendererClient {
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';

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

  function send(message: WebClientMessage): void {
    if (lost) return;
    const text = JSON.stringify(message);
    if (socket.readyState === WebSocket.CONNECTING) outbox.push(text);
    else if (socket.readyState === WebSocket.OPEN) socket.send(text);
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
    if (message.kind === 'response') {
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
      const event: AppEvent = { type: message.event.type };
      for (const listener of [...appEventListeners]) listener(event);
    }
  }

  function receiveBinary(buffer: ArrayBuffer): void {
    const frame = decodeDataFrame(new Uint8Array(buffer));
    if (frame) route(frame.sessionId, { type: 'data', data: frame.data });
  }

  function loseConnection(): void {
    if (lost) return;
    lost = true;
    outbox.length = 0;
    const error = new ContractError('internal', CONNECTION_LOST_MESSAGE);
    for (const request of pending.values()) request.reject(error);
    pending.clear();
    for (const channel of channels.values()) {
      if (!channel.ended) channel.deliver({ type: 'end', end: { kind: 'lost', message: CONNECTION_LOST_MESSAGE } });
    }
    early.clear();
    for (const listener of [...lostListeners]) listener(CONNECTION_LOST_MESSAGE);
  }

  socket.addEventListener('open', () => {
    for (const text of outbox.splice(0)) socket.send(text);
  });
  socket.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (typeof event.data === 'string') receiveText(event.data);
    else if (event.data instanceof ArrayBuffer) receiveBinary(event.data);
  });
  // 'error' is always followed by 'close', which is where the loss is handled.
  socket.addEventListener('close', loseConnection);

  const invoke = <K extends RequestKey>(key: K, input: RequestInput<K>): Promise<RequestResult<K>> => {
    if (lost) return Promise.reject(new ContractError('internal', CONNECTION_LOST_MESSAGE));
    const id = nextRequestId++;
    return new Promise<RequestResult<K>>((resolve, reject) => {
      pending.set(id, { resolve: (result) => resolve(result as RequestResult<K>), reject });
      send({ kind: 'request', id, key, payload: input });
    });
  };
  const api = buildContractApi(invoke);

  async function openSession(input: RequestInput<'sessions.open'>): Promise<SessionChannel> {
    const { sessionId } = await api.sessions.open(input);
    const channel = new QueuedChannel(sessionId, {
      send: (command) => send({ kind: 'session', sessionId, command }),
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
      channel.deliver({ type: 'end', end: { kind: 'lost', message: CONNECTION_LOST_MESSAGE } });
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
        listener(CONNECTION_LOST_MESSAGE);
        return () => {};
      }
      lostListeners.add(listener);
      return () => void lostListeners.delete(listener);
    },
  };
}
