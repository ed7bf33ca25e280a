/**
 * The browser-mode WebSocket carries JSON text messages for requests and session control, and binary frames for
 * terminal bytes (main → renderer), so output is never base64'd or JSON-escaped on the hot path.
 *
 * Binary frame: [u8 frame type][u32 big-endian session id][payload bytes].
 */
import type { AppEvent, ContractErrorShape, RequestKey, SessionCommand, SessionEvent } from './contract';

export const FRAME_SESSION_DATA = 1;
const HEADER_BYTES = 5;

export function encodeDataFrame(sessionId: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(HEADER_BYTES + payload.byteLength);
  frame[0] = FRAME_SESSION_DATA;
  new DataView(frame.buffer).setUint32(1, sessionId);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

export function decodeDataFrame(frame: Uint8Array): { sessionId: number; data: Uint8Array } | null {
  if (frame.byteLength < HEADER_BYTES || frame[0] !== FRAME_SESSION_DATA) return null;
  const sessionId = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(1);
  return { sessionId, data: frame.subarray(HEADER_BYTES) };
}

/**
 * The page's first message on every WebSocket (main/web/login.ts explains the login). A page opened with the launch
 * token sends it with `secret`, a fresh random secret the page chose and keeps until the login is confirmed, which the
 * server registers when the token is good; otherwise `secret` is that pending secret or the one kept from an earlier
 * login. `storedSecret` is the latter when both exist. (Type aliases, not interfaces: they must fit isRecord's narrowing.)
 */
export type WebLoginMessage = {
  kind: 'login';
  launchToken?: string;
  secret?: string;
  storedSecret?: string;
};

/** What a login was accepted with: the page keeps the secret it sent as `secret` unless it was `storedSecret`. */
export type WebLoginCredential = 'launchToken' | 'secret' | 'storedSecret';

/** The server's answer to a login that holds. */
export type WebLoggedInMessage = {
  kind: 'loggedIn';
  with: WebLoginCredential;
};

/** A page secret: 32 random bytes, base64url. */
export const PAGE_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Close code (the private 4000–4999 range) for a login the server refused: the page's credentials are dead. */
export const LOGIN_REFUSED_CLOSE_CODE = 4401;
/** Close code for a WebSocket that did not log in in time, or was dropped from a flood of ones waiting to. */
export const LOGIN_INCOMPLETE_CLOSE_CODE = 4408;
/** Close code for a WebSocket closed because the server holds as many as it allows. */
export const TOO_MANY_SOCKETS_CLOSE_CODE = 4429;

/** Text messages, renderer → main. */
export type WebClientMessage =
  | WebLoginMessage
  | { kind: 'request'; id: number; key: RequestKey; payload: unknown }
  | { kind: 'session'; sessionId: number; command: SessionCommand };

/** Text messages, main → renderer (session data goes in binary frames instead). */
export type WebServerMessage =
  | WebLoggedInMessage
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ContractErrorShape }
  | { kind: 'session'; sessionId: number; event: Exclude<SessionEvent, { type: 'data' }> }
  /** Shared state changed (another tab imported a kubeconfig, a connection failed): sent to every page. */
  | { kind: 'app'; event: AppEvent };
