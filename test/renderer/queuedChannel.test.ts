import { describe, expect, it } from 'vitest';
import type { SessionCommand, SessionEvent } from '../../common/contract';
import { QueuedChannel } from '../../renderer/src/client/queuedChannel';

const data = (text: string): SessionEvent => ({ type: 'data', data: new TextEncoder().encode(text) });

describe('QueuedChannel', () => {
  it('delivers events that arrived before the first listener, in order', () => {
    const channel = new QueuedChannel(1, { send: () => {}, detach: () => {} });
    channel.deliver(data('a'));
    channel.deliver(data('b'));
    const seen: string[] = [];
    channel.onEvent((event) => event.type === 'data' && seen.push(new TextDecoder().decode(event.data)));
    channel.deliver(data('c'));
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('stops sending and delivering once detached', () => {
    const sent: SessionCommand[] = [];
    let detached = 0;
    const channel = new QueuedChannel(1, { send: (command) => sent.push(command), detach: () => detached++ });
    const seen: SessionEvent[] = [];
    channel.onEvent((event) => seen.push(event));
    channel.send({ type: 'ack', bytes: 1 });
    channel.detach();
    channel.detach();
    channel.send({ type: 'ack', bytes: 2 });
    channel.deliver(data('late'));
    expect(sent).toEqual([{ type: 'ack', bytes: 1 }]);
    expect(seen).toEqual([]);
    expect(detached).toBe(1);
  });

  it('remembers that the session ended', () => {
    const channel = new QueuedChannel(1, { send: () => {}, detach: () => {} });
    expect(channel.ended).toBe(false);
    channel.deliver({ type: 'end', end: { kind: 'closed' } });
    expect(channel.ended).toBe(true);
  });
});
