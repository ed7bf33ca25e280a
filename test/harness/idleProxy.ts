/**
 * A plain TCP proxy on 127.0.0.1 that behaves like a load balancer's idle timeout (an AWS ELB, a corporate proxy): a
 * connection through which no byte flowed in either direction for idleMs is destroyed on both sides, without a
 * goodbye. It does not look inside the stream (TLS passes through untouched), so WebSocket pings count as traffic,
 * which is exactly why keepalive pings keep a session alive behind such a proxy.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface IdleProxyOptions {
  target: { host: string; port: number };
  idleMs: number;
}

export interface IdleProxy {
  port: number;
  /** How many connections were destroyed for being idle. */
  readonly closedForIdle: number;
  stop(): Promise<void>;
}

export async function startIdleProxy(options: IdleProxyOptions): Promise<IdleProxy> {
  const { target, idleMs } = options;
  const open = new Set<Socket>();
  let closedForIdle = 0;

  const server = createServer((client) => {
    const upstream = createConnection({ host: target.host, port: target.port });
    open.add(client);
    open.add(upstream);
    const destroyBoth = () => {
      clearTimeout(idleTimer);
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    const idleTimer = setTimeout(() => {
      closedForIdle++;
      destroyBoth();
    }, idleMs);
    // Any byte either way restarts the clock.
    const activity = () => idleTimer.refresh();
    client.on('data', activity);
    upstream.on('data', activity);
    // pipe() gives backpressure both ways; a half-close (FIN) is forwarded, an error or close ends the pair.
    client.pipe(upstream);
    upstream.pipe(client);
    for (const socket of [client, upstream]) {
      socket.on('error', destroyBoth);
      socket.on('close', destroyBoth);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port: (server.address() as AddressInfo).port,
    get closedForIdle() {
      return closedForIdle;
    },
    stop: async () => {
      for (const socket of open) socket.destroy();
      open.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
