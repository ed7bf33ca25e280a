import { describe, expect, it } from 'vitest';
import { StateStore, type StateSlice } from '../../renderer/src/session/stateStore';

interface Whole {
  search: string | null;
  recording: boolean;
}

describe('StateStore', () => {
  it('makes a new state object per change and tells every subscriber after it', () => {
    const store = new StateStore<Whole>({ search: null, recording: false });
    const before = store.getState();
    const seen: Whole[] = [];
    store.subscribe(() => seen.push(store.getState()));
    store.update({ recording: true });
    expect(store.getState()).not.toBe(before);
    expect(before).toEqual({ search: null, recording: false });
    expect(seen).toEqual([{ search: null, recording: true }]);
  });

  it('answers the same object until the next change (what useSyncExternalStore requires)', () => {
    const store = new StateStore<Whole>({ search: null, recording: false });
    expect(store.getState()).toBe(store.getState());
  });

  it('stops telling a subscriber once it unsubscribes, and all of them once disposed', () => {
    const store = new StateStore<Whole>({ search: null, recording: false });
    let first = 0;
    let second = 0;
    const unsubscribe = store.subscribe(() => first++);
    store.subscribe(() => second++);
    store.update({ search: 'a' });
    unsubscribe();
    store.update({ search: 'b' });
    store.dispose();
    store.update({ search: 'c' });
    expect([first, second]).toEqual([1, 2]);
    expect(store.getState().search).toBe('c');
  });

  it('lets a piece change only its own fields through a slice, keeping the others', () => {
    const store = new StateStore<Whole>({ search: null, recording: false });
    const recordingSlice: StateSlice<Pick<Whole, 'recording'>> = store;
    recordingSlice.update({ recording: true });
    expect(store.getState()).toEqual({ search: null, recording: true });
  });
});
