import { describe, expect, it } from 'vitest';
import { FlowControlConstants } from '../../common/flowControl';
import { OutputFeed } from '../../renderer/src/session/outputFeed';

const { ACK_BATCH_BYTES, XTERM_QUEUE_BYTES, DISCARD_MIN_BACKLOG_BYTES } = FlowControlConstants;

/** Stands in for xterm.js's write queue: chunks wait until the test parses them, in order, running their callbacks. */
class FakeTerminal {
  readonly pending: Array<{ data: Uint8Array; callback: () => void }> = [];
  readonly drawn: Uint8Array[] = [];
  readonly write = (data: Uint8Array, callback: () => void) => void this.pending.push({ data, callback });

  get queuedBytes(): number {
    return this.pending.reduce((sum, entry) => sum + entry.data.byteLength, 0);
  }

  /** Parses one chunk (its callback may write more, as xterm.js lets it). */
  parseOne(): boolean {
    const next = this.pending.shift();
    if (!next) return false;
    this.drawn.push(next.data);
    next.callback();
    return true;
  }

  parseAll(): void {
    while (this.parseOne());
  }

  text(): string {
    return this.drawn.map((chunk) => Buffer.from(chunk).toString('latin1')).join('');
  }
}

function setup() {
  const terminal = new FakeTerminal();
  const acks: number[] = [];
  const feed = new OutputFeed(terminal.write, (bytes) => acks.push(bytes));
  const acked = () => acks.reduce((sum, bytes) => sum + bytes, 0);
  return { terminal, acks, acked, feed };
}

const chunk = (bytes: number, fill = 'x') => new Uint8Array(Buffer.from(fill.repeat(bytes), 'latin1'));
const text = (words: string) => new Uint8Array(Buffer.from(words, 'latin1'));

describe('OutputFeed', () => {
  it('acks once the queue drains, so small outputs are never held back', () => {
    const { terminal, acks, feed } = setup();
    feed.receive(chunk(10));
    feed.receive(chunk(20));
    terminal.parseOne();
    expect(acks).toEqual([]); // one chunk still being parsed
    terminal.parseOne();
    expect(acks).toEqual([30]);
  });

  it('acks in batches while a flood keeps the queue busy, and every byte in the end', () => {
    const { terminal, acks, acked, feed } = setup();
    for (let i = 0; i < 40; i++) feed.receive(chunk(4096));
    while (terminal.pending.length > 1) terminal.parseOne();
    expect(acks.every((bytes) => bytes >= ACK_BATCH_BYTES)).toBe(true);
    terminal.parseAll();
    expect(acked()).toBe(40 * 4096);
  });

  it('acks only parsed bytes, never on receipt', () => {
    const { acks, feed } = setup();
    feed.receive(chunk(ACK_BATCH_BYTES * 4));
    expect(acks).toEqual([]);
  });

  it('keeps at most one batch in xterm.js and the rest where an interrupt can still drop it', () => {
    const { terminal, feed } = setup();
    for (let i = 0; i < 64; i++) feed.receive(chunk(4096));
    expect(terminal.queuedBytes).toBeLessThanOrEqual(XTERM_QUEUE_BYTES);
    expect(feed.backlog).toBe(64 * 4096);
    while (terminal.parseOne()) expect(terminal.queuedBytes).toBeLessThanOrEqual(XTERM_QUEUE_BYTES);
    expect(terminal.drawn).toHaveLength(64);
  });

  it('on an interrupt while behind, drops undrawn output until main has seen it, and acks what it dropped', () => {
    const { terminal, acked, feed } = setup();
    for (let i = 0; i < 32; i++) feed.receive(chunk(4096, 'y'));
    expect(feed.backlog).toBeGreaterThanOrEqual(DISCARD_MIN_BACKLOG_BYTES);
    feed.interruptSent();
    expect(feed.discarding).toBe(true);
    // Sent by main before it saw the interrupt: dropped.
    feed.receive(chunk(4096, 'y'));
    feed.interruptSeen();
    expect(feed.discarding).toBe(false);
    // After it: the ^C echo and the prompt.
    feed.receive(text('^'));
    feed.receive(text('PROMPT$ '));
    terminal.parseAll();
    // Only what was already inside xterm.js (one batch at most) is drawn of the flood.
    const drawn = terminal.text();
    expect(drawn.endsWith('^PROMPT$ ')).toBe(true);
    expect(drawn.length - 9).toBeLessThanOrEqual(XTERM_QUEUE_BYTES);
    // Drawn or dropped, every byte is acknowledged: main's count of unacknowledged bytes returns to zero.
    expect(acked()).toBe(33 * 4096 + 9);
  });

  it('drops nothing on an interrupt while keeping up (an echo or a redraw is never lost)', () => {
    const { terminal, feed } = setup();
    feed.receive(text('hello'));
    feed.interruptSent();
    expect(feed.discarding).toBe(false);
    feed.receive(text('^C\n'));
    feed.interruptSeen();
    terminal.parseAll();
    expect(terminal.text()).toBe('hello^C\n');
  });

  it('counts interrupts: only the one typed while behind ends at its own interruptSeen', () => {
    const { terminal, feed } = setup();
    feed.receive(text('a'));
    feed.interruptSent(); // keeping up: nothing dropped
    for (let i = 0; i < 16; i++) feed.receive(chunk(4096, 'z'));
    feed.interruptSent(); // behind: drop until main has seen both
    feed.interruptSeen();
    expect(feed.discarding).toBe(true);
    feed.receive(chunk(4096, 'z'));
    feed.interruptSeen();
    feed.receive(text('$'));
    terminal.parseAll();
    expect(terminal.text().endsWith('z$')).toBe(true);
    expect(terminal.text()).not.toContain('z'.repeat(XTERM_QUEUE_BYTES + 1));
  });

  it('hands everything queued to xterm.js when the session ends, and nothing after dispose', () => {
    const { terminal, feed } = setup();
    for (let i = 0; i < 16; i++) feed.receive(chunk(4096));
    feed.finish();
    expect(terminal.queuedBytes).toBe(16 * 4096);
    const other = setup();
    for (let i = 0; i < 16; i++) other.feed.receive(chunk(4096));
    other.feed.dispose();
    other.terminal.parseAll();
    expect(other.terminal.drawn.length).toBeLessThan(16);
  });
});
