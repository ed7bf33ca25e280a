/**
 * Following a namespace's pods the way client-go's reflector does: list (in chunks), then watch from the list's
 * resourceVersion with bookmarks, resume from the last version seen when a watch ends, list again when the server says
 * the version is too old (410 Expired), back off on errors, and fall back to a periodic list when a watch cannot be
 * kept (the user may list but not watch, or the watch keeps failing). The listener hears every chunk and change.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { openApiStream } from './httpLibrary';
import { describeListError, listedPod, listPodsInChunks, type ListAccess, type ListedPod } from './lists';
import { PodReadError } from './podReader';
import { messageOf } from '../../../../common/errors';

/**
 * How long one watch request asks to stay open. kubectl and client-go pick 5–10 minutes at random; the server ends it
 * then and we resume from the last version, which also bounds how long a silently dead connection can go unnoticed.
 */
const WATCH_TIMEOUT_SECONDS = 300;
/** A watch that sends nothing (not even a bookmark) this long after its own timeout is dead: start another. */
const WATCH_IDLE_GRACE_MS = 30_000;
/** Reaching the server and getting the watch's headers; the same bound as every other request's reach. */
const WATCH_CONNECT_TIMEOUT_MS = 10_000;
/** Backoff after a failed watch or list: 1 s doubling to 30 s, as client-go's reflector backs off. */
const BACKOFF_INITIAL_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** Failed watches in a row before the namespace is followed by periodic lists instead. */
const MAX_WATCH_FAILURES = 3;
/** How often a namespace that cannot be watched is listed again. */
export const POLL_INTERVAL_MS = 10_000;

export type WatchChange = 'ADDED' | 'MODIFIED' | 'DELETED';

/** How the namespace is being followed, for the page: live, reconnecting, polled, or not at all. */
export type FollowState =
  | { mode: 'watching' }
  | { mode: 'retrying'; message: string }
  | { mode: 'polling'; message: string }
  | { mode: 'failed'; message: string };

export interface PodFollowListener {
  /** A list begins: the chunks that follow replace what was known (pods absent from them are gone at listEnded). */
  listStarted(): void;
  chunk(pods: ListedPod[]): void;
  listEnded(): void;
  changed(type: WatchChange, pod: ListedPod): void;
  state(state: FollowState): void;
}

export interface FollowOptions {
  chunkSize?: number;
  pollIntervalMs?: number;
  backoffInitialMs?: number;
  /** Bounds each list request (lists.ts's default otherwise). */
  timeoutMs?: number;
}

export interface PodFollower {
  stop(): void;
  /** Settles once the follower has stopped. */
  done: Promise<void>;
}

/** The watch could not be opened or kept, with what the server said. `permanent`: retrying will not help. */
class WatchFailed extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Starts following; stop() ends the watch at once (the namespace was collapsed, the window closed). */
export function followPods(
  access: ListAccess,
  namespace: string,
  listener: PodFollowListener,
  options: FollowOptions = {},
): PodFollower {
  const stopper = new AbortController();
  const { signal } = stopper;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });

  const list = async (): Promise<string> => {
    listener.listStarted();
    const listing = await listPodsInChunks(access, namespace, {
      signal,
      onChunk: (pods) => {
        if (!signal.aborted) listener.chunk(pods);
      },
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    if (!signal.aborted) listener.listEnded();
    return listing.resourceVersion;
  };

  const run = async () => {
    let version: string | null = null;
    let failures = 0;
    let pollingBecause: string | null = null;
    while (!signal.aborted) {
      try {
        if (version === null || pollingBecause !== null) version = await list();
        if (pollingBecause !== null) {
          await sleep(options.pollIntervalMs ?? POLL_INTERVAL_MS);
          continue;
        }
        const outcome = await watchOnce(access, namespace, version, listener, signal);
        failures = 0;
        version = outcome.expired ? null : outcome.version;
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof PodReadError) {
          // The list itself failed: a refusal is final, anything else is tried again after a while.
          const final = error.reason === 'forbidden' || error.reason === 'unauthorized';
          listener.state({ mode: final ? 'failed' : 'retrying', message: error.message });
          if (final) break;
          failures += 1;
          await sleep(backoff(failures, options.backoffInitialMs));
          continue;
        }
        failures += 1;
        const message = messageOf(error);
        if ((error instanceof WatchFailed && error.permanent) || failures >= MAX_WATCH_FAILURES) {
          pollingBecause = message;
          listener.state({
            mode: 'polling',
            message: `cannot keep a watch on the pods of "${namespace}" (${message}); listing them again every ${Math.round((options.pollIntervalMs ?? POLL_INTERVAL_MS) / 1000)} s instead.`,
          });
          continue;
        }
        listener.state({ mode: 'retrying', message: `the watch on "${namespace}" failed (${message}); reconnecting.` });
        await sleep(backoff(failures, options.backoffInitialMs));
      }
    }
  };

  const done = run().catch(() => undefined);
  return { stop: () => stopper.abort(new Error('stopped')), done };
}

function backoff(failures: number, initialMs = BACKOFF_INITIAL_MS): number {
  return Math.min(BACKOFF_MAX_MS, initialMs * 2 ** Math.max(0, failures - 1));
}

interface WatchEvent {
  type?: string;
  object?: { metadata?: { resourceVersion?: string }; code?: number; message?: string; reason?: string };
}

/**
 * One watch request, read to its end. Returns the last version seen (the server ended it: resume from there) or
 * `expired` (410: list again). Throws WatchFailed when it cannot be opened or breaks.
 */
async function watchOnce(
  access: ListAccess,
  namespace: string,
  version: string,
  listener: PodFollowListener,
  stopSignal: AbortSignal,
): Promise<{ version: string; expired: boolean }> {
  const query = new URLSearchParams({
    watch: '1',
    resourceVersion: version,
    allowWatchBookmarks: 'true',
    timeoutSeconds: String(WATCH_TIMEOUT_SECONDS),
  });
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?${query.toString()}`;
  const cut = new AbortController();
  const onStop = () => cut.abort(stopSignal.reason);
  stopSignal.addEventListener('abort', onStop, { once: true });
  let idle = setTimeout(() => cut.abort(new Error('no answer')), WATCH_CONNECT_TIMEOUT_MS);
  const idleLimit = WATCH_TIMEOUT_SECONDS * 1000 + WATCH_IDLE_GRACE_MS;
  const stillAlive = () => {
    clearTimeout(idle);
    idle = setTimeout(() => cut.abort(new Error(`no event for ${idleLimit / 1000} s`)), idleLimit);
  };
  try {
    let answer;
    try {
      answer = await openApiStream(access.kubeConfig, path, cut.signal, access.proxyEnv);
    } catch (error) {
      const described = describeListError(error, access, `watch pods in namespace "${namespace}"`, null);
      throw new WatchFailed(described.message, false);
    }
    if (answer.status !== 200) {
      const text = await readAll(answer.body);
      const said = statusMessage(text);
      // A user who may list but not watch, or a server (or proxy) that does not serve watches: polling is the way.
      const permanent =
        answer.status === 403 || answer.status === 405 || answer.status === 400 || answer.status === 501;
      throw new WatchFailed(`${answer.status}${said ? `: ${said}` : ''}`, permanent);
    }
    stillAlive();
    listener.state({ mode: 'watching' });
    let latest = version;
    let pending = '';
    try {
      for await (const chunk of answer.body) {
        stillAlive();
        pending += (chunk as Buffer).toString('utf8');
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          newline = pending.indexOf('\n');
          if (line === '') continue;
          const event = JSON.parse(line) as WatchEvent;
          if (event.type === 'ERROR') {
            if (event.object?.code === 410) return { version: latest, expired: true };
            throw new WatchFailed(event.object?.message ?? 'the server ended the watch with an error', false);
          }
          latest = event.object?.metadata?.resourceVersion ?? latest;
          if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') {
            listener.changed(event.type, listedPod(event.object as V1Pod, namespace));
          }
        }
      }
    } catch (error) {
      if (error instanceof WatchFailed || stopSignal.aborted) throw error;
      throw new WatchFailed(messageOf(cut.signal.reason ?? error), false);
    }
    return { version: latest, expired: false };
  } finally {
    clearTimeout(idle);
    stopSignal.removeEventListener('abort', onStop);
    cut.abort();
  }
}

async function readAll(body: AsyncIterable<unknown>): Promise<string> {
  let text = '';
  for await (const chunk of body) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length > 4_000) break;
  }
  return text;
}

function statusMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  } catch {
    // not a Status
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}
