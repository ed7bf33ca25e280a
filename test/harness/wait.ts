/**
 * Waiting in tests: a pause, and polling for a condition in another process (kubectl, a shell) with a deadline and
 * what was seen.
 */

/** How often to look again. */
const POLL_MS = 20;
/** Everything awaited here happens in well under a second; 10 s on a loaded 2-core box means it will not happen. */
export const WAIT_TIMEOUT_MS = 10_000;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(
  what: string,
  check: () => boolean,
  seen: () => string = () => '',
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Seen:\n${seen()}`);
    await sleep(POLL_MS);
  }
}

/** Polls `probe` until it returns something other than undefined (which it returns), or fails naming `what`. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}
