// The preload's logic (preload/bridge.ts) with plain functions in place of ipcRenderer and window.postMessage.
// preload.ts itself only passes Electron's objects to these; it is covered by typechecking.
import { describe, expect, it, vi } from 'vitest';
import { APP_EVENT_CHANNEL, REQUEST_KEYS, SESSION_PORT_CHANNEL, type ResultEnvelope } from '../../common/contract';
import { buildBridgeApi, forwardAppEvent, forwardSessionPort, type Invoke } from '../../preload/bridge';

describe('buildBridgeApi', () => {
  it('has one function per request key, namespaced, and nothing else', () => {
    const bridge = buildBridgeApi(async () => ({ ok: true, result: null }));
    const exposed = Object.entries(bridge).flatMap(([namespace, methods]) =>
      Object.entries(methods as Record<string, unknown>).map(([method, fn]) => {
        expect(typeof fn).toBe('function');
        return `${namespace}.${method}`;
      }),
    );
    expect(exposed.sort()).toEqual([...REQUEST_KEYS].sort());
  });

  it('invokes the named key with exactly the payload and returns the envelope unchanged', async () => {
    const envelope: ResultEnvelope<unknown> = { ok: false, error: { code: 'notFound', message: 'no such pod' } };
    const invoke = vi.fn<Invoke>(async () => envelope);
    const bridge = buildBridgeApi(invoke);
    const input = { id: '7d9f6a4e-1c2b-4d3e-8f90-123456789abc' };
    await expect(bridge.pods.get(input)).resolves.toBe(envelope);
    expect(invoke).toHaveBeenCalledWith('pods.get', input);
    // Extra arguments from the page do not travel.
    await (bridge.app.info as (...args: unknown[]) => Promise<unknown>)({}, 'extra', { channel: 'x' });
    expect(invoke).toHaveBeenLastCalledWith('app.info', {});
  });
});

describe('forwardSessionPort', () => {
  const port = { name: 'port2' };

  it('hands the port to the page with only type and sessionId', () => {
    const post = vi.fn();
    expect(forwardSessionPort({ sessionId: 12, extra: 'dropped' }, [port], post)).toBe(true);
    expect(post).toHaveBeenCalledWith({ type: SESSION_PORT_CHANNEL, sessionId: 12 }, '*', [port]);
  });

  it('ignores malformed messages', () => {
    const post = vi.fn();
    for (const message of [
      null,
      undefined,
      12,
      'x',
      {},
      { sessionId: 0 },
      { sessionId: -1 },
      { sessionId: 1.5 },
      { sessionId: '3' },
      { sessionId: Number.NaN },
      { sessionId: Number.POSITIVE_INFINITY },
      { sessionId: 2 ** 60 },
    ]) {
      expect(forwardSessionPort(message, [port], post), JSON.stringify(message) ?? String(message)).toBe(false);
    }
    expect(forwardSessionPort({ sessionId: 1 }, [], post)).toBe(false);
    expect(forwardSessionPort({ sessionId: 1 }, [port, port], post)).toBe(false);
    expect(post).not.toHaveBeenCalled();
  });
});

describe('forwardAppEvent', () => {
  it("posts main's app event to the page with only its type", () => {
    const post = vi.fn();
    expect(forwardAppEvent({ type: 'kubeconfigsChanged', extra: 'dropped' }, post)).toBe(true);
    expect(post).toHaveBeenCalledWith({ type: APP_EVENT_CHANNEL, event: { type: 'kubeconfigsChanged' } }, '*');
  });

  it('keeps the records a podsChanged event names', () => {
    const post = vi.fn();
    expect(forwardAppEvent({ type: 'podsChanged', podIds: ['a', 'b'], extra: 1 }, post)).toBe(true);
    expect(post).toHaveBeenCalledWith(
      { type: APP_EVENT_CHANNEL, event: { type: 'podsChanged', podIds: ['a', 'b'] } },
      '*',
    );
  });

  it('ignores anything that is not an app event', () => {
    const post = vi.fn();
    const notEvents = [
      null,
      undefined,
      'podsChanged',
      {},
      { type: 'somethingElse' },
      { type: 3 },
      { type: 'podsChanged', podIds: 'a' },
      { type: 'podsChanged', podIds: [1] },
    ];
    for (const message of notEvents) {
      expect(forwardAppEvent(message, post), JSON.stringify(message) ?? String(message)).toBe(false);
    }
    expect(post).not.toHaveBeenCalled();
  });
});
