/**
 * The base both shell transports build on (main/core/terminal/transportSession.ts), with a plain EventEmitter as the
 * transport: connecting settles once, the outcome settles once and is delivered once (late subscribers too), nothing
 * fires after close(), and close() runs once. The SSH and exec session tests prove the same against real servers.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Disposables, Opening, TransportSession } from '../../../main/core/terminal/transportSession';
import type { TerminalExit } from '../../../main/core/terminal/terminalSession';

/** The smallest transport: 'data', 'exit' and 'error' events on an emitter; shutdown counts its calls. */
class EmitterSession extends TransportSession {
  shutdowns = 0;
  written: string[] = [];

  constructor(readonly transport: EventEmitter) {
    super('a test session');
    this.disposables.listen(transport, 'data', (text: string) => this.events.emitData(Buffer.from(text)));
    this.disposables.listen(transport, 'exit', (code: number) => {
      if (this.settle({ kind: 'exit', exit: { code, signal: null } })) this.release();
    });
    this.disposables.listen(transport, 'error', (error: Error) => {
      if (this.settle({ kind: 'error', error })) this.release();
    });
  }

  write(data: string | Uint8Array): void {
    if (!this.ended) this.written.push(String(data));
  }
  resize(): void {}
  pause(): void {}
  resume(): void {}
  discardBuffered(): void {}

  protected async shutdown(): Promise<void> {
    this.shutdowns += 1;
  }
}

const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('Disposables', () => {
  it('removes every listener in one sweep, once, and keeps what is added later for the next', () => {
    const emitter = new EventEmitter();
    const store = new Disposables();
    const seen: string[] = [];
    store.listen(emitter, 'x', (value: string) => seen.push(value));
    let removed = 0;
    store.add(() => (removed += 1));
    emitter.emit('x', 'a');
    store.dispose();
    store.dispose();
    emitter.emit('x', 'b');
    expect(seen).toEqual(['a']);
    expect(removed).toBe(1);
    expect(emitter.listenerCount('x')).toBe(0);
    store.add(() => (removed += 1));
    store.dispose();
    expect(removed).toBe(2);
  });
});

describe('Opening', () => {
  it('resolves with the first success; later calls do nothing; the connecting listeners go with it', async () => {
    const opening = new Opening<string>();
    const emitter = new EventEmitter();
    opening.disposables.listen(emitter, 'x', () => undefined);
    expect(opening.settled).toBe(false);
    expect(opening.succeed('first')).toBe(true);
    expect(opening.fail(new Error('late'))).toBe(false);
    expect(opening.succeed('second')).toBe(false);
    expect(opening.settled).toBe(true);
    expect(emitter.listenerCount('x')).toBe(0);
    await expect(opening.promise).resolves.toBe('first');
  });

  it('rejects with the first failure', async () => {
    const opening = new Opening<string>();
    let timerCleared = false;
    opening.disposables.add(() => (timerCleared = true));
    expect(opening.fail(new Error('refused'))).toBe(true);
    expect(opening.succeed('too late')).toBe(false);
    expect(timerCleared).toBe(true);
    await expect(opening.promise).rejects.toThrow('refused');
  });
});

describe('TransportSession', () => {
  it('delivers data, then one outcome; the first one wins and a late subscriber still learns it', async () => {
    const transport = new EventEmitter();
    const session = new EmitterSession(transport);
    const data: string[] = [];
    const exits: TerminalExit[] = [];
    const errors: Error[] = [];
    session.onData((chunk) => data.push(Buffer.from(chunk).toString()));
    session.onExit((exit) => exits.push(exit));
    session.onError((error) => errors.push(error));
    transport.emit('data', 'hello');
    transport.emit('exit', 3);
    transport.emit('error', new Error('after the exit'));
    transport.emit('exit', 4);
    expect(data).toEqual(['hello']);
    expect(exits).toEqual([{ code: 3, signal: null }]);
    expect(errors).toEqual([]);
    // Input after the end goes nowhere.
    session.write('too late');
    expect(session.written).toEqual([]);

    const late: TerminalExit[] = [];
    session.onExit((exit) => late.push(exit));
    expect(late).toEqual([]);
    await microtask();
    expect(late).toEqual([{ code: 3, signal: null }]);
  });

  it('closes once however often close() is called, removes its listeners and fires nothing afterwards', async () => {
    const transport = new EventEmitter();
    const session = new EmitterSession(transport);
    const seen: string[] = [];
    session.onData(() => seen.push('data'));
    session.onExit(() => seen.push('exit'));
    session.onError(() => seen.push('error'));
    session.write('before');
    const closing = session.close();
    expect(session.close()).toBe(closing);
    await Promise.all([closing, session.close()]);
    expect(session.shutdowns).toBe(1);
    expect(transport.listenerCount('data') + transport.listenerCount('exit')).toBe(0);
    transport.emit('data', 'after');
    transport.emit('exit', 0);
    session.write('after');
    expect(seen).toEqual([]);
    expect(session.written).toEqual(['before']);
  });
});
