import type { SessionChannel, SessionCommand, SessionEvent } from '../../../common/contract';

/** How a channel reaches its transport; both adapters supply one. */
export interface ChannelTransport {
  send(command: SessionCommand): void;
  /** Stops the transport delivering to this channel (closes the port, forgets the id). */
  detach(): void;
}

/**
 * A SessionChannel that queues events until the first listener attaches, so the status and bytes that arrive between
 * `sessions.open` answering and the tab subscribing are delivered, in order, not dropped.
 */
export class QueuedChannel implements SessionChannel {
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private queue: SessionEvent[] = [];
  private detached = false;
  private endSeen = false;

  constructor(
    readonly sessionId: number,
    private readonly transport: ChannelTransport,
  ) {}

  /** Whether an `end` event has passed through (the transport then owes this channel nothing more). */
  get ended(): boolean {
    return this.endSeen;
  }

  /** Called by the transport for each event of this session. */
  deliver(event: SessionEvent): void {
    if (this.detached) return;
    if (event.type === 'end') this.endSeen = true;
    if (this.listeners.size === 0) {
      this.queue.push(event);
      return;
    }
    for (const listener of [...this.listeners]) this.dispatch(listener, event);
  }

  onEvent(listener: (event: SessionEvent) => void): () => void {
    if (this.detached) return () => {};
    this.listeners.add(listener);
    const queued = this.queue;
    this.queue = [];
    for (const event of queued) this.dispatch(listener, event);
    return () => void this.listeners.delete(listener);
  }

  send(command: SessionCommand): void {
    if (!this.detached) this.transport.send(command);
  }

  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.listeners.clear();
    this.queue = [];
    this.transport.detach();
  }

  private dispatch(listener: (event: SessionEvent) => void, event: SessionEvent): void {
    try {
      listener(event);
    } catch (error) {
      // One broken listener must not starve the others or lose the rest of the stream.
      console.error('podterm: a session listener threw', error);
    }
  }
}
