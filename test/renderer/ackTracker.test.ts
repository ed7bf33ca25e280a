import { describe, expect, it } from 'vitest';
import { FlowControlConstants } from '../../common/flowControl';
import { AckTracker } from '../../renderer/src/session/ackTracker';

const { ACK_BATCH_BYTES } = FlowControlConstants;

describe('AckTracker', () => {
  it('acks once the write queue drains, so small outputs are never held back', () => {
    const acks: number[] = [];
    const tracker = new AckTracker((bytes) => acks.push(bytes));
    const first = tracker.written(10);
    const second = tracker.written(20);
    first();
    expect(acks).toEqual([]); // one chunk still being parsed
    second();
    expect(acks).toEqual([30]);
  });

  it('acks in batches while a flood keeps the queue busy', () => {
    const acks: number[] = [];
    const tracker = new AckTracker((bytes) => acks.push(bytes));
    const chunk = 4096;
    const callbacks = Array.from({ length: 40 }, () => tracker.written(chunk));
    // Keep one write in flight the whole time: only the batch threshold can trigger an ack.
    for (const callback of callbacks.slice(0, -1)) callback();
    expect(acks.every((bytes) => bytes >= ACK_BATCH_BYTES)).toBe(true);
    expect(acks.length).toBe(Math.floor((39 * chunk) / ACK_BATCH_BYTES));
    callbacks.at(-1)!();
    expect(acks.reduce((sum, bytes) => sum + bytes, 0)).toBe(40 * chunk);
  });

  it('acks only parsed bytes, never on receipt', () => {
    const acks: number[] = [];
    const tracker = new AckTracker((bytes) => acks.push(bytes));
    tracker.written(ACK_BATCH_BYTES * 4);
    expect(acks).toEqual([]);
    tracker.flush();
    expect(acks).toEqual([]);
  });
});
