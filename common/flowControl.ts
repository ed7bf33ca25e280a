/**
 * The numbers of the terminal data path, written once for both ends of it:
 *
 *   remote → TerminalSession.onData → SessionDataPipe (batch) → stream → renderer → OutputFeed → xterm.write → ack
 *
 * Main's pipe (main/core/sessions/flowControl.ts) batches output and pauses the remote while too many bytes are
 * unacknowledged; the renderer's output feed (renderer/src/session/outputFeed.ts) hands bytes to xterm.js and
 * acknowledges them once parsed. The windows are sized for what a real page parses: xterm.js in Chromium draws 5–9 MB/s
 * on the 2-core machines Podterm is measured on (the headless parser's 30+ MB/s is not what a user sees), so every
 * byte in flight is ~0.15 ms of screen the user waits through after Ctrl-C. test/core/sessions/sessionManager.test.ts
 * proves the pause against a real sshd (without acks the output stops near the high watermark; with acks 64 MiB
 * arrives).
 */
export const FlowControlConstants = {
  /**
   * While output keeps coming, main gathers it for this long before sending. Chunks from a pty arrive ~4 KiB at a time;
   * one message per chunk would spend the time in IPC overhead. Short enough to be invisible; a lone chunk (a keystroke
   * echo) is never delayed because the first chunk after idle is sent at once (leading edge).
   */
  BATCH_WINDOW_MS: 5,
  /**
   * Main sends a batch at once when it reaches this size, so a flood is not held back by the window. 32 KiB is ~5 ms of
   * the page's parsing: a frame of another tab (an echo) sharing the WebSocket never waits behind a big one.
   */
  BATCH_MAX_BYTES: 32 * 1024,
  /**
   * Main pauses the remote once this many bytes are sent but not yet parsed by xterm.js (main flushes its batch before
   * pausing, so nothing sits unsent while paused). 256 KiB is 30–50 ms of the page's parsing: the backlog another tab
   * or a Ctrl-C waits through stays a few tens of ms (and an interrupt drops most of it undrawn, see OutputFeed), while
   * the renderer never runs dry (see LOW_WATERMARK_BYTES). VS Code's 100k chars is the same order.
   */
  HIGH_WATERMARK_BYTES: 256 * 1024,
  /**
   * Main resumes when the renderer has caught up to this. 128 KiB is 15–25 ms of parsing: enough for the ack to reach
   * main and the remote's next chunk to reach the page on a loaded 2-core machine, so the page does not wait for bytes
   * (64 KiB measured slower there); far enough below the high mark that the remote does not flap.
   */
  LOW_WATERMARK_BYTES: 128 * 1024,
  /**
   * The renderer acknowledges parsed bytes in batches of this size (and whenever its queue drains), so the return path
   * costs one small message per batch main sends, not one per chunk. The low watermark is 4 batches, the high 4 above
   * it, so batching never stalls the stream; and a paused remote sends nothing more, so the queue drains and the rest
   * is acknowledged.
   */
  ACK_BATCH_BYTES: 32 * 1024,
  /**
   * The renderer keeps at most this many bytes inside xterm.js's own write queue and holds the rest in its feed, where
   * an interrupt can still drop them (xterm.js cannot take back a write). One batch: xterm parses it in one go and asks
   * for the next from its write callback, so its parser never waits.
   */
  XTERM_QUEUE_BYTES: 32 * 1024,
  /**
   * An interrupt drops undrawn output only when the tab is behind by at least this much: a flood, not an echo or a
   * full-screen program's redraw (dropping those would leave the screen wrong while nothing was slow to begin with).
   */
  DISCARD_MIN_BACKLOG_BYTES: 16 * 1024,
  /**
   * The SSH channel window Podterm grants sshd: what the server may send before Podterm reads it. ssh2 grants 2 MiB,
   * which a paused tab holds as 0.3 s of undrawn flood; 256 KiB still carries 5 MB/s (the page's rate) over a 50 ms
   * round trip.
   */
  SSH_CHANNEL_WINDOW_BYTES: 256 * 1024,
} as const;

/**
 * The bytes a terminal's line discipline turns into a signal (VINTR ^C, VQUIT ^\, VSUSP ^Z with the default stty
 * settings). Typed by the user, they ask the remote to stop what it prints, and a terminal then flushes the output it
 * has not drawn yet; Podterm does the same (main/core/sessions, renderer/src/session/outputFeed.ts).
 */
const INTERRUPT_CODES = new Set([0x03, 0x1c, 0x1a]);

/** Whether typed input holds an interrupt (^C, ^\, ^Z). Main and the renderer decide with this one rule. */
export function containsInterrupt(input: string): boolean {
  for (let index = 0; index < input.length; index++) if (INTERRUPT_CODES.has(input.charCodeAt(index))) return true;
  return false;
}
