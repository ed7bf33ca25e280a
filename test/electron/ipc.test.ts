// The IPC wrapper and the per-window transport, driven through the small structural interfaces they declare. The
// stand-ins below play Electron's ipcMain, WebContents and MessagePortMain; Electron itself does not run here (no
// runtime can be installed on these machines), so these tests cover our logic, not Electron's behaviour.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { APP_EVENT_CHANNEL, REQUEST_KEYS, SESSION_PORT_CHANNEL, type ResultEnvelope } from '../../common/contract';
import type { ClientConnection } from '../../main/core';
import { createElectronClient, type PortLike } from '../../main/electron/electronTransport';
import { registerIpcHandlers, type InvokeEventLike, type IpcMainLike } from '../../main/electron/ipc';

const PAGE = 'podterm://app/index.html';

/** A port pair: what one side posts, the other side's 'message' listeners receive as `{ data }`, once started. */
class StandInPort extends EventEmitter implements PortLike {
  peer: StandInPort | null = null;
  started = false;
  closed = false;
  readonly posted: unknown[] = [];
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
  /** As if the renderer posted `data` on the other end. */
  receive(data: unknown): void {
    this.emit('message', { data });
  }
}

function standInChannel() {
  const port1 = new StandInPort();
  const port2 = new StandInPort();
  port1.peer = port2;
  port2.peer = port1;
  return { port1, port2 };
}

class StandInWebContents extends EventEmitter {
  destroyed = false;
  readonly sent: { channel: string; message: unknown; transfer: StandInPort[] }[] = [];
  constructor(readonly id: number) {
    super();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  postMessage(channel: string, message: unknown, transfer: StandInPort[]): void {
    this.sent.push({ channel, message, transfer });
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

type Listener = (event: InvokeEventLike<StandInPort>, payload: unknown) => Promise<ResultEnvelope<unknown>>;

function setup(
  options: {
    dispatch?: (key: unknown, payload: unknown, client: ClientConnection) => Promise<ResultEnvelope<unknown>>;
  } = {},
) {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike<StandInPort> = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
  };
  const dispatch = vi.fn(options.dispatch ?? (async () => ({ ok: true as const, result: 'done' })));
  const log = vi.fn<(line: string) => void>();
  const unregister = registerIpcHandlers({
    ipcMain,
    core: { dispatch },
    pageUrl: PAGE,
    isOurWebContents: (id) => id === 1,
    createChannel: standInChannel,
    log,
  });
  const invoke = (key: string, payload: unknown, event: InvokeEventLike<StandInPort>) => {
    const listener = handlers.get(key);
    if (!listener) throw new Error(`no handler for ${key}`);
    return listener(event, payload);
  };
  return { handlers, dispatch, log, unregister, invoke };
}

const fromPage = (sender: StandInWebContents, url = PAGE, parent: unknown = null): InvokeEventLike<StandInPort> => ({
  senderFrame: { url, parent },
  sender,
});

describe('registerIpcHandlers', () => {
  it('registers exactly the contract keys, and removes them again', () => {
    const { handlers, unregister } = setup();
    expect([...handlers.keys()].sort()).toEqual([...REQUEST_KEYS].sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('hands key, raw payload and the window client to the core', async () => {
    const { dispatch, invoke } = setup();
    const window = new StandInWebContents(1);
    const payload = { query: 'api' };
    await expect(invoke('pods.list', payload, fromPage(window))).resolves.toEqual({ ok: true, result: 'done' });
    expect(dispatch).toHaveBeenCalledTimes(1);
    const [key, passed, client] = dispatch.mock.calls[0]!;
    expect(key).toBe('pods.list');
    expect(passed).toBe(payload);
    // The same window gets the same client on the next request.
    await invoke('app.info', {}, fromPage(window, `${PAGE}#/pods`));
    expect(dispatch.mock.calls[1]![2]).toBe(client);
  });

  it('answers forbidden, without calling the core, for foreign senders', async () => {
    const { dispatch, invoke, log } = setup();
    const ours = new StandInWebContents(1);
    const stranger = new StandInWebContents(2);
    const secret = { token: 'hunter2' };
    for (const event of [
      fromPage(stranger),
      fromPage(ours, 'https://evil.example/'),
      fromPage(ours, PAGE, {}),
      { senderFrame: null, sender: ours },
    ]) {
      const answer = await invoke('pods.save', secret, event);
      expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(dispatch).not.toHaveBeenCalled();
    expect(log.mock.calls.flat().join('\n')).not.toContain('hunter2');
  });

  it('turns a core that throws into an internal error envelope', async () => {
    const { invoke } = setup({
      dispatch: async () => {
        throw new Error('boom');
      },
    });
    await expect(invoke('app.info', {}, fromPage(new StandInWebContents(1)))).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('gives a reloaded page a fresh client and closes the old one', async () => {
    const { dispatch, invoke } = setup();
    const window = new StandInWebContents(1);
    await invoke('app.info', {}, fromPage(window));
    const first = dispatch.mock.calls[0]![2];
    const closed = vi.fn();
    first.onClosed(closed);
    window.emit('did-navigate');
    expect(closed).toHaveBeenCalledTimes(1);
    await invoke('app.info', {}, fromPage(window));
    expect(dispatch.mock.calls[1]![2]).not.toBe(first);
  });
});

describe('createElectronClient', () => {
  it('posts app events to the window without a port, and none once it is gone', () => {
    const window = new StandInWebContents(1);
    const client = createElectronClient(window, standInChannel, () => {});
    client.postAppEvent({ type: 'podsChanged' });
    expect(window.sent).toEqual([{ channel: APP_EVENT_CHANNEL, message: { type: 'podsChanged' }, transfer: [] }]);
    window.destroy();
    client.postAppEvent({ type: 'kubeconfigsChanged' });
    expect(window.sent).toHaveLength(1);
  });

  it('sends port2 to the renderer and keeps port1, started', () => {
    const window = new StandInWebContents(1);
    const client = createElectronClient(window, standInChannel, () => {});
    client.openStream(5);
    expect(window.sent).toHaveLength(1);
    const [{ channel, message, transfer }] = window.sent as [(typeof window.sent)[number]];
    expect(channel).toBe(SESSION_PORT_CHANNEL);
    expect(message).toEqual({ sessionId: 5 });
    expect(transfer).toHaveLength(1);
    expect(transfer[0]!.peer!.started).toBe(true);
  });

  it('posts events on port1 and delivers validated commands', () => {
    const window = new StandInWebContents(1);
    const client = createElectronClient(window, standInChannel, () => {});
    const stream = client.openStream(5);
    const port1 = window.sent[0]!.transfer[0]!.peer!;
    const commands: unknown[] = [];
    stream.onCommand((command) => commands.push(command));

    stream.post({ type: 'data', data: new Uint8Array([104, 105]) });
    expect(port1.posted).toEqual([{ type: 'data', data: new Uint8Array([104, 105]) }]);

    port1.receive({ type: 'write', data: 'ls\r' });
    port1.receive({ type: 'resize', size: { cols: 120, rows: 40 } });
    port1.receive({ type: 'ack', bytes: 2 });
    expect(commands).toEqual([
      { type: 'write', data: 'ls\r' },
      { type: 'resize', size: { cols: 120, rows: 40 } },
      { type: 'ack', bytes: 2 },
    ]);
  });

  it('drops invalid messages with a log line that does not echo them', () => {
    const window = new StandInWebContents(1);
    const log = vi.fn<(line: string) => void>();
    const client = createElectronClient(window, standInChannel, log);
    const stream = client.openStream(9);
    const port1 = window.sent[0]!.transfer[0]!.peer!;
    const commands: unknown[] = [];
    stream.onCommand((command) => commands.push(command));

    const invalid = [
      { type: 'write', data: 'hunter2', extra: 'hunter2' },
      { type: 'resize', size: { cols: 0, rows: 'hunter2' } },
      { type: 'exec', command: 'hunter2' },
      'hunter2',
      null,
    ];
    for (const message of invalid) port1.receive(message);
    expect(commands).toEqual([]);
    expect(log).toHaveBeenCalledTimes(invalid.length);
    for (const [line] of log.mock.calls) {
      expect(line).toContain('session 9');
      expect(line).not.toContain('hunter2');
    }
  });

  it('closes port1 on stream close and stops posting', () => {
    const window = new StandInWebContents(1);
    const client = createElectronClient(window, standInChannel, () => {});
    const stream = client.openStream(5);
    const port1 = window.sent[0]!.transfer[0]!.peer!;
    stream.close();
    expect(port1.closed).toBe(true);
    stream.post({ type: 'end', end: { kind: 'closed' } });
    expect(port1.posted).toEqual([]);
    stream.close();
  });

  for (const ending of ['destroyed', 'render-process-gone'] as const) {
    it(`fires onClosed once and closes every port when the webContents is ${ending}`, () => {
      const window = new StandInWebContents(1);
      const client = createElectronClient(window, standInChannel, () => {});
      client.openStream(1);
      client.openStream(2);
      const closed = vi.fn();
      client.onClosed(closed);
      if (ending === 'destroyed') window.destroy();
      else window.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
      window.emit('did-navigate');
      expect(closed).toHaveBeenCalledTimes(1);
      expect(window.sent.map(({ transfer }) => transfer[0]!.peer!.closed)).toEqual([true, true]);
      expect(client.closed).toBe(true);
      // Nothing of ours stays registered on the webContents.
      expect(window.listenerCount('destroyed') + window.listenerCount('render-process-gone')).toBe(0);
      expect(window.listenerCount('did-navigate')).toBe(0);
    });
  }

  it('refuses to open a stream for a window that is gone, and tells late listeners at once', async () => {
    const window = new StandInWebContents(1);
    const client = createElectronClient(window, standInChannel, () => {});
    window.destroy();
    expect(() => client.openStream(3)).toThrow(/gone/);
    const late = vi.fn();
    client.onClosed(late);
    await Promise.resolve();
    expect(late).toHaveBeenCalledTimes(1);
  });
});
