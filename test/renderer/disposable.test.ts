import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  addDisposableListener,
  disposableTimeout,
  DisposableOwner,
  DisposableSlot,
  DisposableStore,
  toDisposable,
  type Disposable,
} from '../../renderer/src/session/disposable';

/** A disposable that writes its name into `log` each time it is disposed. */
function logged(log: string[], name: string): Disposable {
  return { dispose: () => log.push(name) };
}

describe('toDisposable', () => {
  it('releases once, however often it is disposed', () => {
    let releases = 0;
    const disposable = toDisposable(() => releases++);
    disposable.dispose();
    disposable.dispose();
    expect(releases).toBe(1);
  });
});

describe('DisposableStore', () => {
  it('disposes everything added, once, in the order added', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(logged(log, 'terminal'));
    store.add(logged(log, 'addon'));
    store.add(logged(log, 'listener'));
    expect(store.isDisposed).toBe(false);
    store.dispose();
    store.dispose();
    expect(log).toEqual(['terminal', 'addon', 'listener']);
    expect(store.isDisposed).toBe(true);
  });

  it('returns what it adds, so a field is declared and registered in one line', () => {
    const store = new DisposableStore();
    const item = logged([], 'item');
    expect(store.add(item)).toBe(item);
  });

  it('disposes at once what is added after it was disposed, so a late registration cannot leak', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.dispose();
    store.add(logged(log, 'late'));
    expect(log).toEqual(['late']);
  });

  it('disposes an item added twice only once', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    const item = logged(log, 'item');
    store.add(item);
    store.add(item);
    store.dispose();
    expect(log).toEqual(['item']);
  });

  it('disposes the rest when one throws, then throws that error', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    const failure = new Error('broken addon');
    store.add(logged(log, 'first'));
    store.add(
      toDisposable(() => {
        throw failure;
      }),
    );
    store.add(logged(log, 'last'));
    expect(() => store.dispose()).toThrow(failure);
    expect(log).toEqual(['first', 'last']);
  });

  it('throws every error, as an AggregateError, when several throw', () => {
    const store = new DisposableStore();
    for (const message of ['one', 'two']) {
      store.add(
        toDisposable(() => {
          throw new Error(message);
        }),
      );
    }
    let thrown: unknown;
    try {
      store.dispose();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AggregateError);
    expect((thrown as AggregateError).errors.map((error: Error) => error.message)).toEqual(['one', 'two']);
  });
});

describe('DisposableSlot', () => {
  it('disposes the item it held when given a new one, and the last one when cleared', () => {
    const log: string[] = [];
    const slot = new DisposableSlot<Disposable>();
    const first = logged(log, 'first');
    const second = logged(log, 'second');
    slot.value = first;
    expect(slot.value).toBe(first);
    slot.value = second;
    expect(log).toEqual(['first']);
    expect(slot.value).toBe(second);
    slot.clear();
    expect(log).toEqual(['first', 'second']);
    expect(slot.value).toBeNull();
  });

  it('keeps an item set again rather than disposing it', () => {
    const log: string[] = [];
    const slot = new DisposableSlot<Disposable>();
    const item = logged(log, 'item');
    slot.value = item;
    slot.value = item;
    expect(log).toEqual([]);
    expect(slot.value).toBe(item);
  });

  it('disposes its item when disposed, and at once anything set after that', () => {
    const log: string[] = [];
    const slot = new DisposableSlot<Disposable>();
    slot.value = logged(log, 'held');
    slot.dispose();
    expect(log).toEqual(['held']);
    slot.value = logged(log, 'late');
    expect(log).toEqual(['held', 'late']);
    expect(slot.value).toBeNull();
  });
});

describe('addDisposableListener', () => {
  it('removes the listener with the capture flag it was added with', () => {
    // Node's EventTarget matches add and remove by listener and capture flag, as the DOM does.
    const target = new EventTarget() as unknown as HTMLElement;
    let pastes = 0;
    const listener = addDisposableListener(target, 'paste', () => pastes++, true);
    target.dispatchEvent(new Event('paste'));
    listener.dispose();
    target.dispatchEvent(new Event('paste'));
    expect(pastes).toBe(1);
  });
});

describe('disposableTimeout', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('runs after its delay unless disposed first', () => {
    let runs = 0;
    disposableTimeout(() => runs++, 50);
    const cancelled = disposableTimeout(() => runs++, 50);
    vi.advanceTimersByTime(49);
    cancelled.dispose();
    vi.advanceTimersByTime(1);
    expect(runs).toBe(1);
  });

  it('in a slot, debounces: each new timeout cancels the one pending', () => {
    let runs = 0;
    const pending = new DisposableSlot<Disposable>();
    for (let burst = 0; burst < 5; burst++) {
      pending.value = disposableTimeout(() => runs++, 50);
      vi.advanceTimersByTime(20);
    }
    expect(runs).toBe(0);
    vi.advanceTimersByTime(30);
    expect(runs).toBe(1);
  });
});

describe('DisposableOwner', () => {
  class Piece extends DisposableOwner {
    constructor(log: string[]) {
      super();
      this.register(logged(log, 'listener'));
      this.register(logged(log, 'addon'));
    }
  }

  it('releases what it registered when disposed', () => {
    const log: string[] = [];
    const piece = new Piece(log);
    expect(log).toEqual([]);
    piece.dispose();
    piece.dispose();
    expect(log).toEqual(['listener', 'addon']);
  });
});
