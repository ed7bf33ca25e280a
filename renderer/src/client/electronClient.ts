/**
 * The Electron client: requests go through the preload's bridge (`window.podterm`, one function per contract key, each
 * resolving to a ResultEnvelope); each session's bytes and control travel on its own MessagePort, which the preload
 * hands to the page with `window.postMessage`.
 */
import {
  APP_EVENT_CHANNEL,
  buildContractApi,
  ContractError,
  appEventOnly,
  isAppEvent,
  SESSION_PORT_CHANNEL,
  type AppEvent,
  type BridgeApi,
  type RequestInput,
  type RequestKey,
  type RequestResult,
  type ResultEnvelope,
  type SessionChannel,
} from '../../../common/contract';
import { isRecord, isSessionEvent } from './guards';
import { QueuedChannel } from './queuedChannel';
import type { RendererClient } from './types';

/**
 * Main posts the port in the same turn as it answers `sessions.open`, so it arrives within milliseconds; this long
 * means something is broken, and the tab should say so instead of spinning forever.
 */
const PORT_ARRIVAL_TIMEOUT_MS = 10_000;

type BridgeFunction = (input: unknown) => Promise<ResultEnvelope<unknown>>;

function isSessionPortMessage(data: unknown): data is { type: typeof SESSION_PORT_CHANNEL; sessionId: number } {
  return isRecord(data) && data.type === SESSION_PORT_CHANNEL && Number.isSafeInteger(data.sessionId);
}

export function createElectronClient(bridge: BridgeApi, page: Window = window): RendererClient {
  const functions = bridge as unknown as Record<string, Record<string, BridgeFunction | undefined> | undefined>;

  const invoke = async <K extends RequestKey>(key: K, input: RequestInput<K>): Promise<RequestResult<K>> => {
    const [namespace = '', method = ''] = key.split('.');
    const call = functions[namespace]?.[method];
    if (!call) throw new ContractError('unknownRequest', `The preload does not offer "${key}".`);
    const envelope = await call(input);
    if (!envelope.ok) throw ContractError.fromShape(envelope.error);
    return envelope.result as RequestResult<K>;
  };
  const api = buildContractApi(invoke);

  // A port may arrive before or after the invoke that created its session resolves; whichever comes second waits.
  const arrivedPorts = new Map<number, MessagePort>();
  const waiting = new Map<number, (port: MessagePort) => void>();
  const appEventListeners = new Set<(event: AppEvent) => void>();
  page.addEventListener('message', (event: MessageEvent<unknown>) => {
    // Only the preload, posting to this very window, hands over ports; ignore anything from frames or other windows.
    if (event.source !== page) return;
    if (isRecord(event.data) && event.data.type === APP_EVENT_CHANNEL && isAppEvent(event.data.event)) {
      const appEvent: AppEvent = appEventOnly(event.data.event);
      for (const listener of [...appEventListeners]) listener(appEvent);
      return;
    }
    if (!isSessionPortMessage(event.data)) return;
    const port = event.ports[0];
    if (!port) return;
    const { sessionId } = event.data;
    const waiter = waiting.get(sessionId);
    if (waiter) {
      waiting.delete(sessionId);
      waiter(port);
    } else {
      arrivedPorts.set(sessionId, port);
    }
  });

  function takePort(sessionId: number): Promise<MessagePort> {
    const port = arrivedPorts.get(sessionId);
    if (port) {
      arrivedPorts.delete(sessionId);
      return Promise.resolve(port);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(sessionId);
        reject(new ContractError('internal', `The stream for session ${sessionId} never arrived from main.`));
      }, PORT_ARRIVAL_TIMEOUT_MS);
      waiting.set(sessionId, (arrived) => {
        clearTimeout(timer);
        resolve(arrived);
      });
    });
  }

  async function openSession(input: RequestInput<'sessions.open'>): Promise<SessionChannel> {
    const { sessionId } = await api.sessions.open(input);
    let port: MessagePort;
    try {
      port = await takePort(sessionId);
    } catch (error) {
      // Without its port the session is unusable; end it rather than leave a shell running nobody can see.
      void api.sessions.close({ sessionId }).catch(() => {});
      throw error;
    }
    const onMessage = (event: MessageEvent<unknown>) => {
      if (isSessionEvent(event.data)) channel.deliver(event.data);
      else console.error(`podterm: dropped a malformed message on session ${sessionId}'s port`);
    };
    const channel = new QueuedChannel(sessionId, {
      send: (command) => port.postMessage(command),
      detach: () => {
        port.removeEventListener('message', onMessage);
        port.close();
      },
    });
    port.addEventListener('message', onMessage);
    // Messages wait in the port until start(): nothing posted before this point is lost.
    port.start();
    return channel;
  }

  return {
    mode: 'electron',
    api,
    openSession,
    onAppEvent(listener) {
      appEventListeners.add(listener);
      return () => void appEventListeners.delete(listener);
    },
    onTransportLost: () => () => {},
  };
}
