import { FlowControlConstants } from '../../../common/flowControl';

/**
 * Acknowledges output bytes once xterm.js has parsed them. Acks after parsing, not on receipt, are what makes flow
 * control real: main pauses the remote while too many bytes are unacknowledged, so a flood cannot outrun the parser
 * and Ctrl-C still answers fast. The batch size and why it is safe are in common/flowControl.ts (ACK_BATCH_BYTES).
 */
export class AckTracker {
  /** Chunks handed to term.write whose callback has not run yet. */
  private inFlight = 0;
  private parsedUnacked = 0;

  constructor(
    private readonly sendAck: (bytes: number) => void,
    private readonly batchBytes: number = FlowControlConstants.ACK_BATCH_BYTES,
  ) {}

  /** Call as a chunk goes to term.write; pass the returned function as its write callback. */
  written(bytes: number): () => void {
    this.inFlight++;
    return () => this.parsed(bytes);
  }

  private parsed(bytes: number): void {
    this.inFlight--;
    this.parsedUnacked += bytes;
    // A drained write queue flushes too, so a small output (a prompt, an echo) never waits for a whole batch to accumulate.
    if (this.parsedUnacked >= this.batchBytes || this.inFlight === 0) this.flush();
  }

  flush(): void {
    if (this.parsedUnacked === 0) return;
    const bytes = this.parsedUnacked;
    this.parsedUnacked = 0;
    this.sendAck(bytes);
  }
}
