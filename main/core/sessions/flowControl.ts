/**
 * The data path between an open TerminalSession and the renderer: batching and flow control by acknowledged bytes.
 *
 *   remote → TerminalSession.onData → SessionDataPipe (batch) → emit → transport → xterm.write(chunk, ack) → ack()
 *
 * The numbers, each with its reason, are in common/flowControl.ts: the renderer's ack tracker shares them.
 */
import { FlowControlConstants } from '../../../common/flowControl';
import type { TerminalSession } from '../terminal';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Batches a session's output towards the renderer and pauses the session while the renderer is behind. */
export class SessionDataPipe {
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private windowTimer: unknown = null;
  private unacknowledgedBytes = 0;
  private paused = false;
  private disposed = false;

  constructor(
    private readonly session: Pick<TerminalSession, 'pause' | 'resume' | 'discardBuffered'>,
    private readonly emit: (chunk: Uint8Array) => void,
    private readonly constants: typeof FlowControlConstants = FlowControlConstants,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Feed one chunk from the remote. */
  push(chunk: Uint8Array): void {
    if (this.disposed || chunk.byteLength === 0) return;
    if (this.windowTimer === null) {
      // Idle until now: send at once so an echo is never delayed, and open a window for what follows.
      this.send(chunk);
      this.openWindow();
    } else {
      this.batch.push(chunk);
      this.batchBytes += chunk.byteLength;
      if (this.batchBytes >= this.constants.BATCH_MAX_BYTES) this.flush();
    }
    if (!this.paused && this.unacknowledgedBytes + this.batchBytes >= this.constants.HIGH_WATERMARK_BYTES) {
      // Flush before pausing: holding a batch while paused would stall the renderer until the window fires.
      this.flush();
      this.paused = true;
      this.session.pause();
    }
  }

  /** The renderer has parsed this many more bytes. */
  acknowledge(bytes: number): void {
    if (this.disposed) return;
    // Never below zero: a confused or hostile renderer must not be able to disable flow control by over-acking.
    this.unacknowledgedBytes = Math.max(0, this.unacknowledgedBytes - bytes);
    if (this.paused && this.unacknowledgedBytes <= this.constants.LOW_WATERMARK_BYTES) {
      this.paused = false;
      this.session.resume();
    }
  }

  /**
   * The user typed an interrupt (^C, ^\, ^Z). What is batched goes out first, so everything received before the
   * interrupt precedes the caller's `interruptSeen` event; while the renderer is behind (paused), what the transport
   * holds unread is dropped, as a terminal's line discipline flushes its output queue on SIGINT. The renderer drops
   * its own undrawn backlog (renderer/src/session/outputFeed.ts).
   */
  interrupted(): void {
    if (this.disposed) return;
    this.flush();
    if (this.paused) this.session.discardBuffered();
  }

  /** Sends whatever is batched now (before an exit event, so the last output arrives before the end). */
  flush(): void {
    if (this.batchBytes === 0) return;
    const chunk = this.batch.length === 1 ? this.batch[0]! : concat(this.batch, this.batchBytes);
    this.batch = [];
    this.batchBytes = 0;
    this.send(chunk);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get pendingBytes(): number {
    return this.unacknowledgedBytes;
  }

  dispose(): void {
    if (this.windowTimer !== null) this.timers.clearTimeout(this.windowTimer);
    this.windowTimer = null;
    this.batch = [];
    this.batchBytes = 0;
    this.disposed = true;
  }

  private send(chunk: Uint8Array): void {
    this.unacknowledgedBytes += chunk.byteLength;
    this.emit(chunk);
  }

  private openWindow(): void {
    this.windowTimer = this.timers.setTimeout(() => {
      this.windowTimer = null;
      if (this.batchBytes > 0) {
        this.flush();
        // Output is still flowing: keep batching rather than sending the next chunk alone.
        this.openWindow();
      }
    }, this.constants.BATCH_WINDOW_MS);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
