/**
 * State that lives outside React (a tab's session, its terminal features) and that React reads with
 * useSyncExternalStore: each change makes a new object, so React sees that something changed, then tells the
 * subscribers.
 */
import type { Disposable } from './disposable';

/**
 * The part of a StateStore one piece may read and change. A piece declares its own fields; the store of the whole
 * state is one of these for every piece whose fields it includes.
 */
export interface StateSlice<S> {
  getState(): S;
  update(change: Partial<S>): void;
}

export class StateStore<T extends object> implements StateSlice<T>, Disposable {
  private readonly listeners = new Set<() => void>();

  constructor(private state: T) {}

  /** For useSyncExternalStore: calls `listener` after every change; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** For useSyncExternalStore: the same object until the next change. */
  readonly getState = (): T => this.state;

  update(change: Partial<T>): void {
    this.state = { ...this.state, ...change };
    for (const listener of [...this.listeners]) listener();
  }

  /** Forgets every subscriber (the owner is gone; a view still mounted would only read stale state). */
  dispose(): void {
    this.listeners.clear();
  }
}
