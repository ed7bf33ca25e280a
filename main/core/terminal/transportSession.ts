/**
 * What every shell transport (ssh/sshSession.ts, kube/exec/execSession.ts) does the same way, so the two cannot drift
 * apart on the rules the session manager relies on:
 * - connecting settles once (Opening): the first success or failure wins, and the connecting phase's listeners and
 *   timers go with it;
 * - an open session (TransportSession) keeps its listeners in one place (SessionEvents: all data before one exit or
 *   error, settled once, late subscribers told), settles how it ended once, delivers nothing after close(), and closes
 *   once however often close() is called, removing everything it registered on its transport.
 */
import { SessionEvents, type SessionOutcome } from './sessionEvents';
import type { Disposable, TerminalExit, TerminalSession } from './terminalSession';

/** Registered listeners and timers, removed in one sweep (VS Code's DisposableStore). */
export class Disposables {
  private readonly removals: Array<() => void> = [];

  /** Keeps `dispose` for the next sweep. */
  add(dispose: () => void): void {
    this.removals.push(dispose);
  }

  /** Registers a listener on `emitter` and keeps its removal. */
  listen<Args extends unknown[]>(emitter: NodeJS.EventEmitter, event: string, listener: (...args: Args) => void): void {
    const untyped = listener as (...args: unknown[]) => void;
    emitter.on(event, untyped);
    this.add(() => emitter.off(event, untyped));
  }

  /** Calls `onAbort` when `signal` aborts (the user closed the tab while connecting), until the next sweep. */
  onAbort(signal: AbortSignal | undefined, onAbort: () => void): void {
    if (!signal) return;
    signal.addEventListener('abort', onAbort, { once: true });
    this.add(() => signal.removeEventListener('abort', onAbort));
  }

  /** Removes everything registered so far; safe to call again. */
  dispose(): void {
    for (const dispose of this.removals.splice(0)) dispose();
  }
}

/**
 * Connecting, settled once: `promise` resolves with the first succeed() or rejects with the first fail(); whichever
 * comes first also removes what the connecting phase registered in `disposables`, and later calls do nothing.
 */
export class Opening<T> {
  readonly promise: Promise<T>;
  /** The connecting phase's listeners and timers: removed when it settles, either way. */
  readonly disposables = new Disposables();
  private done = false;
  private resolve!: (value: T) => void;
  private reject!: (error: Error) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  get settled(): boolean {
    return this.done;
  }

  /** Returns whether this call settled it. */
  succeed(value: T): boolean {
    if (!this.settle()) return false;
    this.resolve(value);
    return true;
  }

  /** Returns whether this call settled it (the caller then tears the transport down). */
  fail(error: Error): boolean {
    if (!this.settle()) return false;
    this.reject(error);
    return true;
  }

  private settle(): boolean {
    if (this.done) return false;
    this.done = true;
    this.disposables.dispose();
    return true;
  }
}

/**
 * An open shell on some transport. Subclasses speak the protocol (write, resize, pause, resume, and shutdown for the
 * transport's own close) and report the end through settle() and release(); the listeners, the once-only outcome and
 * the once-only close are kept here.
 */
export abstract class TransportSession implements TerminalSession {
  protected readonly events: SessionEvents;
  /** What the open session registered on its transport: removed by close(), or earlier by the subclass. */
  protected readonly disposables = new Disposables();
  private closing: Promise<void> | null = null;

  /** @param what names the session kind in the log line of a listener that throws ("an SSH session"). */
  constructor(what: string) {
    this.events = new SessionEvents(what);
  }

  abstract write(data: Uint8Array | string): void;
  abstract resize(cols: number, rows: number): void;
  abstract pause(): void;
  abstract resume(): void;
  abstract discardBuffered(): void;

  /** Ends the remote shell on the transport; called once, after every listener was removed. */
  protected abstract shutdown(): Promise<void>;

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  onData(listener: (chunk: Uint8Array) => void): Disposable {
    return this.events.onData(listener);
  }

  onExit(listener: (exit: TerminalExit) => void): Disposable {
    return this.events.onExit(listener);
  }

  onError(listener: (error: Error) => void): Disposable {
    return this.events.onError(listener);
  }

  /** close() was called. */
  protected get closed(): boolean {
    return this.closing !== null;
  }

  /** The session ended (its outcome is known) or was closed: input has nowhere to go. */
  protected get ended(): boolean {
    return this.events.outcome !== null || this.closed;
  }

  /**
   * Records how the session ended. Only the first call counts, and none after close() (the caller ended it, nothing
   * is reported). Returns whether this call settled it.
   */
  protected settle(outcome: SessionOutcome): boolean {
    if (this.ended) return false;
    return this.events.settle(outcome);
  }

  /** Delivers the settled outcome to its listeners, once; after close() nothing fires (TerminalSession's contract). */
  protected release(): void {
    if (!this.closed) this.events.release();
  }

  private async closeOnce(): Promise<void> {
    this.disposables.dispose();
    this.events.clear();
    await this.shutdown();
  }
}
