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

/** Text messages, renderer → main. */
export type WebClientMessage =
  | { kind: 'request'; id: number; key: RequestKey; payload: unknown }
  | { kind: 'session'; sessionId: number; command: SessionCommand };

/** Text messages, main → renderer (session data goes in binary frames instead). */
export type WebServerMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ContractErrorShape }
  | { kind: 'session'; sessionId: number; event: Exclude<SessionEvent, { type: 'data' }> }
  /** Shared state changed (another tab imported a kubeconfig, a connection failed): sent to every page. */
  | { kind: 'app'; event: AppEvent };
