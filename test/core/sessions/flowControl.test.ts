import { describe, expect, it } from 'vitest';
import { FlowControlConstants } from '../../../common/flowControl';
import { SessionDataPipe, type Timers } from '../../../main/core/sessions/flowControl';

/** A clock the test advances by hand, so batching windows are exact. */
class ManualTimers implements Timers {
  private pending: Array<{ at: number; callback: () => void; id: number }> = [];
  private now = 0;
  private nextId = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.push({ at: this.now + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.id !== handle);
  }
  advance(ms: number): void {
    this.now += ms;
    for (;;) {
      const due = this.pending.filter((timer) => timer.at <= this.now).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.pending = this.pending.filter((timer) => timer !== due);
      due.callback();
    }
  }
}

function setup(constants = FlowControlConstants) {
  const timers = new ManualTimers();
  const sent: Uint8Array[] = [];
  const remote = {
    paused: 0,
    resumed: 0,
    discarded: 0,
    pause() {
      this.paused++;
    },
    resume() {
      this.resumed++;
    },
    discardBuffered() {
      this.discarded++;
    },
  };
  const pipe = new SessionDataPipe(remote, (chunk) => sent.push(chunk), constants, timers);
  return { timers, sent, remote, pipe };
}

const bytes = (n: number, fill = 0x61) => new Uint8Array(n).fill(fill);

describe('SessionDataPipe', () => {
  it('sends the first chunk after idle at once (a keystroke echo is never delayed)', () => {
    const { sent, pipe } = setup();
    pipe.push(bytes(1));
    expect(sent).toHaveLength(1);
  });

  it('batches chunks that follow within the window into one message', () => {
    const { sent, pipe, timers } = setup();
    pipe.push(bytes(1));
    pipe.push(bytes(4096, 0x62));
    pipe.push(bytes(4096, 0x63));
    expect(sent).toHaveLength(1);
    timers.advance(FlowControlConstants.BATCH_WINDOW_MS);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.byteLength).toBe(8192);
    expect(sent[1]![0]).toBe(0x62);
    expect(sent[1]![8191]).toBe(0x63);
    // Quiet for a whole window: the next chunk is sent at once again.
    timers.advance(FlowControlConstants.BATCH_WINDOW_MS);
    pipe.push(bytes(1));
    expect(sent).toHaveLength(3);
  });

  it('sends a batch as soon as it reaches the byte cap', () => {
    const { sent, pipe } = setup();
    pipe.push(bytes(1));
    pipe.push(bytes(FlowControlConstants.BATCH_MAX_BYTES));
    expect(sent).toHaveLength(2);
  });

  it('pauses the remote above the high watermark, flushing first, and resumes below the low one', () => {
    const small = { ...FlowControlConstants, HIGH_WATERMARK_BYTES: 10_000, LOW_WATERMARK_BYTES: 2_000 };
    const { sent, pipe, remote } = setup(small);
    pipe.push(bytes(100));
    for (let i = 0; i < 4; i++) pipe.push(bytes(2_000));
    expect(remote.paused).toBe(0);
    pipe.push(bytes(2_000));
    expect(remote.paused).toBe(1);
    // Everything was flushed when pausing, so the renderer can ack all of it.
    const total = sent.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    expect(total).toBe(10_100);
    pipe.acknowledge(5_000);
    expect(remote.resumed).toBe(0);
    pipe.acknowledge(3_200);
    expect(remote.resumed).toBe(1);
    expect(pipe.isPaused).toBe(false);
  });

  it('does not let over-acknowledging drive the count below zero', () => {
    const small = { ...FlowControlConstants, HIGH_WATERMARK_BYTES: 1_000, LOW_WATERMARK_BYTES: 100 };
    const { pipe, remote } = setup(small);
    pipe.acknowledge(1_000_000);
    pipe.push(bytes(1_200));
    expect(remote.paused).toBe(1);
    expect(pipe.pendingBytes).toBe(1_200);
  });

  it('on an interrupt sends what is batched at once, and drops what the transport holds only while paused', () => {
    const small = { ...FlowControlConstants, HIGH_WATERMARK_BYTES: 10_000, LOW_WATERMARK_BYTES: 2_000 };
    const { sent, pipe, remote } = setup(small);
    pipe.push(bytes(100));
    pipe.push(bytes(500, 0x62));
    expect(sent).toHaveLength(1);
    // Keeping up (not paused): the batch goes out before the caller's interruptSeen, nothing is dropped.
    pipe.interrupted();
    expect(sent).toHaveLength(2);
    expect(sent[1]![0]).toBe(0x62);
    expect(remote.discarded).toBe(0);
    // Behind (paused): what the transport received and holds is dropped, as a line discipline flushes on SIGINT.
    pipe.push(bytes(10_000));
    expect(pipe.isPaused).toBe(true);
    pipe.interrupted();
    expect(remote.discarded).toBe(1);
  });

  it('never has more than the high watermark plus one chunk unacknowledged', () => {
    const { pipe, remote } = setup();
    const chunk = 4096;
    let pushed = 0;
    // A remote that stops when paused, as ssh2 and ws do (pause stops reading).
    while (remote.paused === 0) {
      pipe.push(bytes(chunk));
      pushed += chunk;
      expect(pipe.pendingBytes).toBeLessThanOrEqual(FlowControlConstants.HIGH_WATERMARK_BYTES + chunk);
    }
    expect(pushed).toBeLessThanOrEqual(FlowControlConstants.HIGH_WATERMARK_BYTES + chunk);
  });

  it('sends nothing after dispose', () => {
    const { sent, pipe, timers } = setup();
    pipe.push(bytes(1));
    pipe.push(bytes(10));
    pipe.dispose();
    timers.advance(100);
    pipe.push(bytes(1));
    expect(sent).toHaveLength(1);
  });
});
