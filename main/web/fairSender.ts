/**
 * Every tab of a browser page shares one WebSocket, so one tab's flood could sit in front of another tab's echo. The
 * sender writes to the socket while little is waiting in it; beyond that, each session's messages wait in their own
 * queue (in order: a session's end never overtakes its output) and the queues take turns, one message each, as the
 * socket drains. A session that is not flooding therefore waits for at most one message of each flooding session,
 * each at most FlowControlConstants.BATCH_MAX_BYTES; per-session flow control bounds what a queue can hold.
 */

/** What the sender needs of a `ws` WebSocket. */
export interface FrameSocket {
  readonly bufferedAmount: number;
  send(data: string | Uint8Array, options: { binary: boolean }, written: (error?: Error) => void): void;
}

/**
 * Bytes the socket may hold unwritten before messages wait their turn: two batches, so a flood keeps the socket busy
 * while an echo from another tab still goes next.
 */
export const SOCKET_QUEUE_BYTES = 64 * 1024;

interface Message {
  data: string | Uint8Array;
  binary: boolean;
}

export class FairSender {
  /** Sessions with waiting messages, in turn order; a Map keeps insertion order, and a served session goes last. */
  private readonly waiting = new Map<number, Message[]>();
  private closed = false;

  constructor(
    private readonly socket: FrameSocket,
    private readonly queueBytes: number = SOCKET_QUEUE_BYTES,
  ) {}

  /** Sends a session's message now, or after its turn when the socket is busy. */
  send(sessionId: number, data: string | Uint8Array, binary: boolean): void {
    if (this.closed) return;
    const queue = this.waiting.get(sessionId);
    if (queue) {
      queue.push({ data, binary });
    } else if (this.waiting.size === 0 && this.socket.bufferedAmount < this.queueBytes) {
      this.write({ data, binary });
    } else {
      this.waiting.set(sessionId, [{ data, binary }]);
    }
  }

  /** Messages waiting, over all sessions (for tests). */
  get waitingMessages(): number {
    let count = 0;
    for (const queue of this.waiting.values()) count += queue.length;
    return count;
  }

  /** The socket closed: nothing waiting will be sent. */
  close(): void {
    this.closed = true;
    this.waiting.clear();
  }

  private write(message: Message): void {
    // The callback runs once ws has handed the message to the socket, which is when the next turn may go.
    this.socket.send(message.data, { binary: message.binary }, () => this.pump());
  }

  private pump(): void {
    while (!this.closed && this.waiting.size > 0 && this.socket.bufferedAmount < this.queueBytes) {
      const [sessionId, queue] = this.waiting.entries().next().value!;
      this.waiting.delete(sessionId);
      const message = queue.shift()!;
      // Back in line behind the others if it has more.
      if (queue.length > 0) this.waiting.set(sessionId, queue);
      this.write(message);
    }
  }
}
