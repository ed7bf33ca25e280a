/**
 * Two deadlines for one request to an API server: a short one for reaching it (TCP and TLS up, the request sent) and a
 * longer one for its answer. A host that drops packets (VPN down, a firewall) is reported after the short one, so the
 * connect chain moves on to the next method within seconds, while a reachable but busy API server still gets the long
 * one to answer.
 *
 * "Reached" comes from undici, which client-node's fetch sends with: it publishes on the diagnostics channel
 * 'undici:client:sendHeaders' once a request's headers are written to an established connection, new or pooled. Any
 * request reaching the same origin counts, ours or another's: the host answers, which is all the short deadline asks.
 * The only file that knows undici's channel names.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/**
 * TCP and TLS to an API server take two or three round trips: well under a second, even across continents or over a
 * VPN. 2.5 s still allows one lost SYN (Linux retransmits it after 1 s) and keeps falling back from a silent cluster to
 * SSH within about 3 s (performance.md, B9).
 */
export const DEFAULT_REACH_TIMEOUT_MS = 2_500;

/** undici's channel for "a request's headers went out on a connected socket" (undici/lib/core/diagnostics.js). */
const SEND_HEADERS_CHANNEL = 'undici:client:sendHeaders';

/** Which deadline ended the request: the server was never reached, or it was reached but did not answer in time. */
export type ExpiredDeadline = 'reach' | 'answer';

export interface RequestDeadline {
  /** Aborted when either deadline passes. */
  readonly signal: AbortSignal;
  /** Which deadline aborted the request; null while neither has. */
  readonly expired: ExpiredDeadline | null;
  /** Stops the timers and the channel subscription; call it once the request settled. */
  dispose(): void;
}

export interface RequestDeadlineOptions {
  /** How long reaching the server may take; defaults to DEFAULT_REACH_TIMEOUT_MS, capped by answerTimeoutMs. */
  reachTimeoutMs?: number | undefined;
  /** How long the whole request may take. */
  answerTimeoutMs: number;
}

/** Starts both deadlines for a request to `server` (an API server URL such as "https://10.0.0.1:6443"). */
export function startRequestDeadline(server: string, options: RequestDeadlineOptions): RequestDeadline {
  const origin = originOf(server);
  const controller = new AbortController();
  let expired: ExpiredDeadline | null = null;
  let reached = false;
  const expire = (which: ExpiredDeadline) => {
    if (expired !== null) return;
    expired = which;
    controller.abort();
  };

  const onSendHeaders = (message: unknown) => {
    const requestOrigin = (message as { request?: { origin?: unknown } } | null)?.request?.origin;
    if (requestOrigin !== undefined && originOf(requestOrigin) === origin) reached = true;
  };
  subscribe(SEND_HEADERS_CHANNEL, onSendHeaders);

  const reachTimeoutMs = Math.min(options.reachTimeoutMs ?? DEFAULT_REACH_TIMEOUT_MS, options.answerTimeoutMs);
  const reachTimer = setTimeout(() => {
    if (!reached) expire('reach');
  }, reachTimeoutMs);
  const answerTimer = setTimeout(() => expire('answer'), options.answerTimeoutMs);

  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      clearTimeout(reachTimer);
      clearTimeout(answerTimer);
      unsubscribe(SEND_HEADERS_CHANNEL, onSendHeaders);
    },
  };
}

/** "https://host:port" for a URL string or URL object; null for anything else. */
function originOf(value: unknown): string | null {
  try {
    return new URL(String(value)).origin;
  } catch {
    return null;
  }
}
