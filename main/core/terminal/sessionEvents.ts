/**
 * The listener bookkeeping every TerminalSession implementation needs, kept in one place so the SSH and the exec
 * session cannot drift apart on the rules the session manager relies on:
 * - data goes to the data listeners present when it arrives;
 * - how the session ended (exit or error) is settled once, first one wins, and released once, to the listeners
 *   present then and, asynchronously like every other event, to any that subscribe later;
 * - a listener that throws is logged and never unwinds into the protocol parser that called us (ssh2's, ws's), which
 *   would tear the connection down.
 */
import type { Disposable, TerminalExit } from './terminalSession';

export type SessionOutcome = { kind: 'exit'; exit: TerminalExit } | { kind: 'error'; error: Error };

export class SessionEvents {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly exitListeners = new Set<(exit: TerminalExit) => void>();
  private readonly errorListeners = new Set<(error: Error) => void>();
  private settled: SessionOutcome | null = null;
  private released = false;

  /** @param what names the session kind in the log line of a listener that throws ("an SSH session"). */
  constructor(private readonly what: string) {}

  get outcome(): SessionOutcome | null {
    return this.settled;
  }

  get hasDataListeners(): boolean {
    return this.dataListeners.size > 0;
  }

  onData(listener: (chunk: Uint8Array) => void): Disposable {
    this.dataListeners.add(listener);
    return { dispose: () => this.dataListeners.delete(listener) };
  }

  onExit(listener: (exit: TerminalExit) => void): Disposable {
    return this.subscribe(this.exitListeners, listener, 'exit');
  }

  onError(listener: (error: Error) => void): Disposable {
    return this.subscribe(this.errorListeners, listener, 'error');
  }

  emitData(chunk: Uint8Array): void {
    this.emit(this.dataListeners, chunk);
  }

  /** Records how the session ended; only the first call counts. Returns whether this call settled it. */
  settle(outcome: SessionOutcome): boolean {
    if (this.settled !== null) return false;
    this.settled = outcome;
    return true;
  }

  /** Delivers the settled outcome to its listeners, once (a session may hold it back until buffered data is out). */
  release(): void {
    const outcome = this.settled;
    if (outcome === null || this.released) return;
    this.released = true;
    if (outcome.kind === 'exit') this.emit(this.exitListeners, outcome.exit);
    else this.emit(this.errorListeners, outcome.error);
  }

  /** Forgets every listener: nothing fires after the session is closed. */
  clear(): void {
    this.dataListeners.clear();
    this.exitListeners.clear();
    this.errorListeners.clear();
  }

  private subscribe<T>(set: Set<(value: T) => void>, listener: (value: T) => void, kind: SessionOutcome['kind']) {
    set.add(listener);
    const outcome = this.settled;
    if (this.released && outcome?.kind === kind) {
      const value = (outcome.kind === 'exit' ? outcome.exit : outcome.error) as T;
      queueMicrotask(() => {
        if (set.has(listener)) this.emit(set, value);
      });
    }
    return { dispose: () => set.delete(listener) };
  }

  private emit<T>(listeners: Set<(value: T) => void>, value: T): void {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (error) {
        console.error(`Podterm: a listener of ${this.what} threw`, error);
      }
    }
  }
}
