/**
 * A bare WebSocket exec client for protocol-level tests: it speaks the channel framing itself (no Podterm code, no
 * client-node), so the tests see exactly which frames the server sends and when.
 */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { KubeApiServer } from '../harness/kubeApiServer';
import { waitFor } from '../harness/wait';

export const V5 = 'v5.channel.k8s.io';
export const V4 = 'v4.channel.k8s.io';
/** What @kubernetes/client-node offers, in its order. */
export const CLIENT_NODE_PROTOCOLS = [V5, V4, 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export interface Frame {
  channel: number;
  payload: Buffer;
}

export interface ExecTarget {
  namespace?: string;
  pod?: string;
  container?: string;
  command: string[];
  stdin?: boolean;
  tty?: boolean;
  /** Send all four stream flags, false ones as "false" (client-node's style); kubectl sends only the true ones. */
  explicitFalse?: boolean;
}

export interface ExecConnection {
  ws: WebSocket;
  protocol: string;
  frames: Frame[];
  /** Everything received on a channel so far, as text. */
  text(channel: number): string;
  /** The parsed channel-3 status once it arrived. */
  status(): Record<string, unknown> | null;
  send(channel: number, data: string | Buffer): void;
  waitForText(channel: number, pattern: RegExp): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

export function execUrl(server: KubeApiServer, target: ExecTarget): string {
  const params = new URLSearchParams();
  for (const part of target.command) params.append('command', part);
  if (target.container) params.set('container', target.container);
  const flags = { stdin: target.stdin ?? false, stdout: true, stderr: !target.tty, tty: target.tty ?? false };
  for (const [name, value] of Object.entries(flags)) {
    if (value || target.explicitFalse) params.set(name, String(value));
  }
  const namespace = target.namespace ?? 'default';
  const pod = target.pod ?? 'shell-pod';
  return `${server.url.replace('https:', 'wss:')}/api/v1/namespaces/${namespace}/pods/${pod}/exec?${params}`;
}

export interface ConnectOptions {
  protocols?: string[];
  /** Bearer token; defaults to token-user's. Null sends none. */
  token?: string | null;
  cert?: { certPem: string; keyPem: string };
  /** Connect to this port instead of the server's (e.g. through a proxy). */
  port?: number;
}

/** Opens an exec socket, or rejects with the HTTP status and body of a refused upgrade. */
export function connectExec(
  server: KubeApiServer,
  target: ExecTarget,
  options: ConnectOptions = {},
): Promise<ExecConnection> {
  let url = execUrl(server, target);
  if (options.port) url = url.replace(`:${server.port}/`, `:${options.port}/`);
  const token = options.token === undefined ? server.users.token.token : options.token;
  const ws = new WebSocket(url, options.protocols ?? [V5], {
    ca: server.caPem,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    ...(options.cert ? { cert: options.cert.certPem, key: options.cert.keyPem } : {}),
    perMessageDeflate: false,
  });
  const frames: Frame[] = [];
  ws.on('message', (data: Buffer) => frames.push({ channel: data[0] ?? -1, payload: data.subarray(1) }));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const text = (channel: number) =>
    Buffer.concat(frames.filter((frame) => frame.channel === channel).map((frame) => frame.payload)).toString();
  const connection: ExecConnection = {
    ws,
    protocol: '',
    frames,
    text,
    status: () => {
      const raw = text(3);
      return raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    },
    send: (channel, data) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)])),
    waitForText: (channel, pattern) =>
      waitFor(
        `${pattern} on channel ${channel}`,
        () => pattern.test(text(channel)),
        () => JSON.stringify(text(channel)),
      ),
    closed,
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      connection.protocol = ws.protocol;
      resolve(connection);
    });
    ws.once('unexpected-response', (_request, response: IncomingMessage) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        reject(new UpgradeRefused(response.statusCode ?? 0, body));
        ws.terminate(); // ends the half-made socket; its 'error' lands in the handler below, after the rejection
      });
    });
    ws.once('error', reject);
  });
}

export class UpgradeRefused extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(`upgrade refused with ${statusCode}: ${body}`);
  }
  get status(): Record<string, unknown> {
    return JSON.parse(this.body) as Record<string, unknown>;
  }
}
