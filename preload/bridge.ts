/**
 * The preload's logic, free of 'electron' so it is unit-tested: the bridge object (one function per contract request)
 * and the hand-over of session ports to the page. preload.ts wires these to ipcRenderer and contextBridge.
 */
import type { BridgeApi, ResultEnvelope } from '../common/contract';
import {
  APP_EVENT_CHANNEL,
  byNamespace,
  appEventOnly,
  isAppEvent,
  SESSION_PORT_CHANNEL,
  type AppEventMessage,
  type RequestKey,
  type SessionPortMessage,
} from '../common/requestKeys';

/** Sends one request to main: `(key, payload) => ipcRenderer.invoke(key, payload)` in the app. */
export type Invoke = (key: RequestKey, payload: unknown) => Promise<ResultEnvelope<unknown>>;

/**
 * Builds `window.podterm`: `bridge.pods.list(input)` invokes 'pods.list' with exactly that input. Only the contract's
 * keys exist on it, so the page cannot name an arbitrary channel. Main validates the sender and the payload anyway.
 */
export function buildBridgeApi(invoke: Invoke): BridgeApi {
  // Each function takes one argument and passes only it: nothing else from the page reaches invoke.
  return byNamespace((key) => (payload: unknown) => invoke(key, payload)) as unknown as BridgeApi;
}

/** Posts a message with transferred ports to the page: `window.postMessage` in the app. */
export type PostToPage<Port> = (message: SessionPortMessage, targetOrigin: string, transfer: Port[]) => void;

/**
 * Handles main's "here is the port for session N" message. Checks its shape, then hands the port to the page as
 * `{ type: SESSION_PORT_CHANNEL, sessionId }` with the port transferred; the IPC event itself never reaches the page.
 * Returns whether the message was forwarded.
 */
export function forwardSessionPort<Port>(
  message: unknown,
  ports: readonly Port[],
  postToPage: PostToPage<Port>,
): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const { sessionId } = message as { sessionId?: unknown };
  if (typeof sessionId !== 'number' || !Number.isSafeInteger(sessionId) || sessionId <= 0) return false;
  // Exactly one port per session; anything else is not a message main sends.
  const [port] = ports;
  if (ports.length !== 1 || port === undefined) return false;
  // The page is this very window, and main keeps it on our page (main/electron/hardening.ts), so '*' reaches only it.
  // The page must still check `event.source === window` and the type.
  postToPage({ type: SESSION_PORT_CHANNEL, sessionId }, '*', [port]);
  return true;
}

/**
 * Handles main's app event (shared state changed): checks its shape and posts it to the page as
 * `{ type: APP_EVENT_CHANNEL, event }` with only the event's own fields, so nothing else main might attach reaches the page.
 * Returns whether it was forwarded.
 */
export function forwardAppEvent(
  message: unknown,
  postToPage: (message: AppEventMessage, targetOrigin: string) => void,
): boolean {
  if (!isAppEvent(message)) return false;
  postToPage({ type: APP_EVENT_CHANNEL, event: appEventOnly(message) }, '*');
  return true;
}
