/**
 * The shared WebSocket's sender (main/web/fairSender.ts) with a socket that drains when the test says so, as a real
 * socket does when the page reads: an echo of one session never waits behind more than one message of a flood.
 */
import { describe, expect, it } from 'vitest';
import { FairSender, type FrameSocket } from '../../main/web/fairSender';

class SlowSocket implements FrameSocket {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  private readonly unwritten: Array<{ size: number; written: () => void }> = [];

  send(data: string | Uint8Array, _options: { binary: boolean }, written: () => void): void {
    const size = typeof data === 'string' ? data.length : data.byteLength;
    this.sent.push(typeof data === 'string' ? data : `${String.fromCharCode(data[0]!)}:${size}`);
    this.bufferedAmount += size;
    this.unwritten.push({ size, written });
  }

  /** The page read one message: the socket writes it out and says so. */
  drainOne(): boolean {
    const next = this.unwritten.shift();
    if (!next) return false;
    this.bufferedAmount -= next.size;
    next.written();
    return true;
  }
}

const flood = (fill: string) => new Uint8Array(32 * 1024).fill(fill.charCodeAt(0));

describe('FairSender', () => {
  it('sends at once while the socket keeps up', () => {
    const socket = new SlowSocket();
    const sender = new FairSender(socket);
    sender.send(1, 'echo', false);
    expect(socket.sent).toEqual(['echo']);
    expect(sender.waitingMessages).toBe(0);
  });

  it('lets another session go next while one floods, and keeps each session in order', () => {
    const socket = new SlowSocket();
    const sender = new FairSender(socket, 64 * 1024);
    for (let i = 0; i < 20; i++) sender.send(1, flood('F'), true);
    // The socket holds two batches; the rest waits its turn.
    expect(socket.sent).toHaveLength(2);
    sender.send(2, 'echo', false);
    sender.send(1, 'end-of-1', false);
    socket.drainOne();
    socket.drainOne();
    // Session 2's echo waited for one turn of session 1 (queued before it), not for the 18 waiting flood frames.
    expect(socket.sent.slice(0, 4)).toEqual(['F:32768', 'F:32768', 'F:32768', 'echo']);
    while (socket.drainOne());
    expect(socket.sent).toHaveLength(22);
    // Session 1's end came after all its output.
    expect(socket.sent.at(-1)).toBe('end-of-1');
    expect(socket.sent.filter((entry) => entry === 'F:32768')).toHaveLength(20);
    expect(sender.waitingMessages).toBe(0);
  });

  it('takes turns between two floods', () => {
    const socket = new SlowSocket();
    const sender = new FairSender(socket, 1);
    for (let i = 0; i < 5; i++) sender.send(1, flood('A'), true);
    for (let i = 0; i < 5; i++) sender.send(2, flood('B'), true);
    while (socket.drainOne());
    expect(socket.sent.map((entry) => entry[0]).join('')).toBe('AABABABABB');
  });

  it('sends nothing after close', () => {
    const socket = new SlowSocket();
    const sender = new FairSender(socket, 1);
    sender.send(1, 'a', false);
    sender.send(1, 'b', false);
    sender.close();
    sender.send(1, 'c', false);
    while (socket.drainOne());
    expect(socket.sent).toEqual(['a']);
  });
});
