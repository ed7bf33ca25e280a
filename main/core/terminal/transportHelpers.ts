/**
 * Small pieces the SSH and the Kubernetes exec transports (ssh/sshSession.ts, kube/exec/execSession.ts) share besides
 * their base (transportSession.ts): the terminal-size check, the close that waits for the peer a bounded time, the
 * guard against an unhandled 'error' while a socket tears down, and how their messages write durations. What a socket
 * error means is net/'s (socketErrors.ts).
 */

/** close() waits this long for the peer to acknowledge the disconnect before dropping the socket. */
export const CLOSE_TIMEOUT_MS = 2_000;

/** "10 s", "2.5 s". */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** Throws a RangeError unless cols × rows is a terminal size (whole numbers, at least 1). */
export function checkTerminalSize(cols: number, rows: number): void {
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) {
    throw new RangeError(`terminal size must be whole numbers of at least 1, got ${cols}×${rows}`);
  }
}

/**
 * Keeps `emitter` from crashing the process with an 'error' nobody listens to (ssh2 and ws may emit one while tearing
 * down, after the session stopped listening) for as long as it lives: until its 'close'.
 */
export function swallowErrorsUntilClose(emitter: NodeJS.EventEmitter): void {
  const swallow = () => undefined;
  emitter.on('error', swallow);
  emitter.once('close', () => emitter.off('error', swallow));
}

/** Waits for `closed` at most CLOSE_TIMEOUT_MS, then calls `force` (drop the socket) if it has not come. */
export async function closeWithin(closed: Promise<void>, force: () => void): Promise<void> {
  let timeout: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timeout = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS);
  });
  if ((await Promise.race([closed, timedOut])) === 'timeout') force();
  clearTimeout(timeout);
}
