import { FlowControlConstants } from '../../../common/flowControl';

/** xterm.js's write: `callback` runs once the bytes are parsed. */
export type TerminalWrite = (data: Uint8Array, callback: () => void) => void;

/**
 * A session's output on its way into xterm.js, and the acks for it.
 *
 * - Acks go out after parsing, not on receipt: that is what makes flow control real (main pauses the remote while too
 *   many bytes are unacknowledged, common/flowControl.ts), so a flood cannot outrun the page.
 * - At most XTERM_QUEUE_BYTES sit in xterm.js's own write queue; the rest waits here, where it can still be dropped.
 * - An interrupt typed while the tab is behind (a flood) drops what is queued here and every chunk that arrives until
 *   main's `interruptSeen` for it: output received before the interrupt and not drawn yet, as a terminal's line
 *   discipline flushes its output queue on SIGINT. A tab that keeps up drops nothing (an echo or a full-screen
 *   program's redraw is never lost). Dropped bytes are acknowledged like parsed ones, so main's count stays true.
 */
export class OutputFeed {
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  /** Bytes handed to xterm.js whose write callback has not run yet. */
  private inTerminal = 0;
  private unacked = 0;
  private interruptsSent = 0;
  private interruptsSeen = 0;
  /** Chunks are dropped until main has seen this many interrupts (the one typed while behind). */
  private discardUntil = 0;
  private stopped = false;

  constructor(
    private readonly write: TerminalWrite,
    private readonly sendAck: (bytes: number) => void,
    private readonly constants: typeof FlowControlConstants = FlowControlConstants,
  ) {}

  /** A chunk of output from main. */
  receive(data: Uint8Array): void {
    if (this.stopped || data.byteLength === 0) return;
    if (this.discarding) {
      this.acknowledge(data.byteLength, true);
      return;
    }
    this.queue.push(data);
    this.queuedBytes += data.byteLength;
    this.pump();
  }

  /** The user typed an interrupt (common/flowControl.ts containsInterrupt); call before sending it. */
  interruptSent(): void {
    this.interruptsSent++;
    if (this.backlog < this.constants.DISCARD_MIN_BACKLOG_BYTES) return;
    this.discardUntil = this.interruptsSent;
    const dropped = this.queuedBytes;
    this.queue = [];
    this.queuedBytes = 0;
    if (dropped > 0) this.acknowledge(dropped, true);
  }

  /** Main passed an interrupt on (its `interruptSeen` event); what arrives after it came after the interrupt. */
  interruptSeen(): void {
    this.interruptsSeen++;
  }

  /** Bytes received and not parsed yet. */
  get backlog(): number {
    return this.queuedBytes + this.inTerminal;
  }

  get discarding(): boolean {
    return this.interruptsSeen < this.discardUntil;
  }

  /**
   * The session ended: hand everything still queued to xterm.js now (whatever is written after this is drawn after
   * it), and stop.
   */
  finish(): void {
    if (this.stopped) return;
    for (const chunk of this.queue.splice(0)) this.writeChunk(chunk);
    this.queuedBytes = 0;
    this.stopped = true;
    this.flushAcks();
  }

  /** The tab moved on (reconnect, other container, closed): nothing queued is drawn, nothing more is acknowledged. */
  dispose(): void {
    this.stopped = true;
    this.queue = [];
    this.queuedBytes = 0;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inTerminal < this.constants.XTERM_QUEUE_BYTES) {
      const chunk = this.queue.shift()!;
      this.queuedBytes -= chunk.byteLength;
      this.writeChunk(chunk);
    }
  }

  private writeChunk(chunk: Uint8Array): void {
    this.inTerminal += chunk.byteLength;
    // xterm.js runs the callback inside its parse loop: the next chunk goes in without waiting for a frame.
    this.write(chunk, () => this.parsed(chunk.byteLength));
  }

  private parsed(bytes: number): void {
    this.inTerminal -= bytes;
    if (!this.stopped) this.pump();
    // A drained queue acks at once, so a small output (a prompt, an echo) never waits for a batch to fill.
    this.acknowledge(bytes, this.backlog === 0);
  }

  private acknowledge(bytes: number, now: boolean): void {
    this.unacked += bytes;
    if (now || this.unacked >= this.constants.ACK_BATCH_BYTES) this.flushAcks();
  }

  private flushAcks(): void {
    if (this.unacked === 0) return;
    const bytes = this.unacked;
    this.unacked = 0;
    this.sendAck(bytes);
  }
}
