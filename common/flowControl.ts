/**
 * The numbers of the terminal data path, written once for both ends of it:
 *
 *   remote → TerminalSession.onData → SessionDataPipe (batch) → stream → renderer → xterm.write(chunk, cb) → ack → pipe
 *
 * Main's pipe (main/core/sessions/flowControl.ts) batches output and pauses the remote while too many bytes are
 * unacknowledged; the renderer's ack tracker (renderer/src/session/ackTracker.ts) acknowledges bytes once xterm.js has
 * parsed them. The values were measured on a 2-core machine where the xterm.js parser (~30 MB/s) and a remote pty
 * (~35 MB/s) are the ceiling; test/core/sessions/sessionManager.test.ts proves the pause against a real sshd (without
 * acks the output stops near the high watermark; with acks 64 MiB arrives).
 */
export const FlowControlConstants = {
  /**
   * While output keeps coming, main gathers it for this long before sending. Chunks from a pty arrive ~4 KiB at a time;
   * one message per chunk would spend the time in IPC overhead. Short enough to be invisible; a lone chunk (a keystroke
   * echo) is never delayed because the first chunk after idle is sent at once (leading edge).
   */
  BATCH_WINDOW_MS: 5,
  /** Main sends a batch at once when it reaches this size, so a flood is not held back by the window. */
  BATCH_MAX_BYTES: 256 * 1024,
  /**
   * Main pauses the remote once this many bytes are sent but not yet parsed by xterm.js (main flushes its batch before
   * pausing, so nothing sits unsent while paused). Throughput ≈ this ÷ (batch delay + ack round trip + parse time);
   * VS Code's 100k chars caps a session near 10 MB/s. Capped near 1 MiB because a Ctrl-C during a flood waits for what
   * is in flight to be parsed (≈ (ssh2 window 2 MiB + this) ÷ 30 MB/s ≈ 0.1 s).
   */
  HIGH_WATERMARK_BYTES: 1024 * 1024,
  /** Main resumes when the renderer has caught up to this; far enough below the high mark that the remote does not flap. */
  LOW_WATERMARK_BYTES: 256 * 1024,
  /**
   * The renderer acknowledges parsed bytes in batches of this size (and whenever its write queue drains), so the return
   * path costs one small message per 64 KiB, not one per chunk. The high watermark is 16 batches above it, so batching
   * never stalls the stream; and a paused remote sends nothing more, so the queue drains and the rest is acknowledged.
   */
  ACK_BATCH_BYTES: 64 * 1024,
} as const;
