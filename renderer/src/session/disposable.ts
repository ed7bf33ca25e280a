/**
 * The one way the terminal code lets go of what it registers: listeners, addons, timers and subscriptions are each a
 * Disposable, kept in the DisposableStore of the object that registered them and released together when it is disposed.
 * xterm.js's own listeners (`term.onData(…)`) and addons already have this shape; the helpers below give it to the rest.
 */

/** Something registered that must be released: a listener, an addon, a timer, a subscription. */
export interface Disposable {
  dispose(): void;
}

/** A Disposable that runs `release` the first time it is disposed, and never again. */
export function toDisposable(release: () => void): Disposable {
  let released = false;
  return {
    dispose() {
      if (released) return;
      released = true;
      release();
    },
  };
}

/**
 * Listens to a DOM event until disposed. Removing takes the same listener and the same capture flag as adding, or it
 * silently removes nothing; keeping both in one place makes that mistake impossible.
 */
export function addDisposableListener<K extends keyof HTMLElementEventMap>(
  target: HTMLElement,
  type: K,
  listener: (event: HTMLElementEventMap[K]) => void,
  capture = false,
): Disposable {
  const options = { capture };
  target.addEventListener(type, listener, options);
  return toDisposable(() => target.removeEventListener(type, listener, options));
}

/** Calls `callback` once after `ms`, unless disposed first. */
export function disposableTimeout(callback: () => void, ms: number): Disposable {
  const handle = setTimeout(callback, ms);
  return toDisposable(() => clearTimeout(handle));
}

/**
 * Everything one owner has registered, released by one `dispose()`. Items are disposed in the order they were added,
 * so an owner added before what it owns (a terminal before the addons loaded into it) goes first and takes them along;
 * disposing them afterwards does nothing. An item added after the store was disposed is disposed at once, so a late
 * registration (an answer arriving after the tab closed) cannot leak.
 */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Keeps `item` until the store is disposed; returns it, so a field can be declared and registered in one line. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  /**
   * Disposes every item, once. One that throws does not keep the others registered: all are disposed, then the error
   * (or all of them, as an AggregateError) is thrown.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = [...this.items];
    this.items.clear();
    const errors: unknown[] = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed to dispose');
  }
}

/**
 * Holds at most one Disposable that is replaced over time (the open session's stream, a pending timer): setting a new
 * one disposes the one before, so replacing can never leak the old.
 */
export class DisposableSlot<T extends Disposable> implements Disposable {
  private current: T | null = null;
  private disposed = false;

  get value(): T | null {
    return this.current;
  }

  /** Disposes the current item and keeps `item` instead (disposed at once if the slot itself is disposed). */
  set value(item: T | null) {
    const previous = this.current;
    this.current = this.disposed ? null : item;
    if (previous !== item) previous?.dispose();
    if (this.disposed) item?.dispose();
  }

  /** Disposes the current item, leaving the slot empty. */
  clear(): void {
    this.value = null;
  }

  dispose(): void {
    this.clear();
    this.disposed = true;
  }
}

/**
 * The base of a piece that registers things: `register` keeps each in the piece's store, and disposing the piece
 * releases them all.
 */
export abstract class DisposableOwner implements Disposable {
  private readonly disposables = new DisposableStore();

  protected register<T extends Disposable>(item: T): T {
    return this.disposables.add(item);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
