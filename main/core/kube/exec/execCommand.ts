/**
 * A command in a container with separate stdin, stdout and stderr and no TTY, over the same exec WebSocket protocol as
 * the shell (execSession.ts): what `kubectl cp` runs tar over. The files room streams archives through it, so both
 * directions are flow-controlled: stdin writes wait while the socket's send buffer is full, and a paused stdout stops
 * reading the socket (TCP then stops the API server, which stops the process).
 */
import { Readable, Writable } from 'node:stream';
import WebSocket from 'ws';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  encodeFrame,
  ExecChannel,
  parseExecStatus,
  STDIN_EOF_FRAME,
  V5_PROTOCOL,
  type ExecStatus,
} from './execProtocol';
import { describeSocketError, describeUpgradeFailure, KubeExecError, type ExecErrorContext } from './execErrors';
import type { RemoteCommand, RemoteCommandEnd } from '../../terminal';
import { openExecSocket } from './execSocket';

/** Same reach budget as a shell's exec: a healthy API server upgrades in tens of milliseconds. */
const CONNECT_TIMEOUT_MS = 8_000;
/**
 * stdin writes complete at once while less than this is queued on the socket, and wait for the socket to take it
 * otherwise. 1 MiB keeps a fast link busy (a few round trips of data in flight) and the memory of one transfer small.
 */
const SEND_BUFFER_HIGH_BYTES = 1024 * 1024;
/**
 * Output held for the reader before the socket is paused. 1 MiB: a pause/resume per 16 KiB (Node's default) costs
 * more than the copy; a few MiB per transfer is nothing.
 */
const STDOUT_BUFFER_BYTES = 1024 * 1024;
/** stderr is for a few lines of tar's complaints; more is not kept. */
const MAX_STDERR_CHARS = 16 * 1024;
/** A refused upgrade's body is a Status of a few hundred bytes. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** The container runtime's words for a program that is not in the image (containerd, CRI-O, Docker). */
const MISSING_PROGRAM = /executable file not found|no such file or directory|not found in \$PATH/i;

export interface KubeExecCommandOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  pod: string;
  container: string | null;
  command: string[];
  /** The environment's proxy variables (ResolvedAccess.proxyEnv), as the shell's exec had them. */
  proxyEnv?: NodeJS.ProcessEnv | undefined;
  createWebSocket?: ((url: string, protocols: string[], options: WebSocket.ClientOptions) => WebSocket) | undefined;
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => resolve(Buffer.concat(chunks).toString('utf8'));
    response.on('data', (chunk: Buffer) => {
      if (size < MAX_ERROR_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_ERROR_BODY_BYTES - size));
      size += chunk.byteLength;
    });
    response.once('end', finish);
    response.once('error', finish);
  });
}

function endOf(status: ExecStatus | null, closeWords: string): RemoteCommandEnd {
  if (status === null) {
    return {
      code: null,
      message: `the exec connection closed before the command ended (${closeWords})`,
      programMissing: false,
    };
  }
  if (status.kind === 'exited') return { code: 0, message: null, programMissing: false };
  if (status.kind === 'exitedNonZero') return { code: status.code, message: status.message, programMissing: false };
  return { code: null, message: status.message, programMissing: MISSING_PROGRAM.test(status.message) };
}

/**
 * Starts the command; resolves once the API server upgraded the connection (the command may still fail to start: that
 * arrives as `finished` with programMissing). Rejects with a KubeExecError for a refused or unreachable server.
 */
export async function openKubeExecCommand(options: KubeExecCommandOptions): Promise<RemoteCommand> {
  const { namespace, pod } = options;
  const { ws, context } = await openExecSocket({
    ...options,
    subresource: 'exec',
    streams: 'pipes',
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
  });
  ws.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(
        new KubeExecError(
          'timeout',
          `No answer from the API server at ${context.server} within 8 s (exec into pod ${namespace}/${pod}).`,
        ),
      );
    }, CONNECT_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      ws.off('open', onOpen);
      ws.off('error', onError);
      ws.off('unexpected-response', onRefused);
    };
    const onOpen = () => {
      done();
      resolve();
    };
    const onError = (error: Error) => {
      done();
      reject(describeSocketError(context, error));
    };
    const onRefused = (_request: ClientRequest, response: IncomingMessage) => {
      done();
      void readBody(response).then((body) =>
        reject(describeUpgradeFailure(context, response.statusCode ?? 0, response.statusMessage ?? '', body)),
      );
    };
    ws.on('open', onOpen);
    ws.on('error', onError);
    ws.on('unexpected-response', onRefused);
  });
  return new ExecCommand(ws, context);
}

class ExecCommand implements RemoteCommand {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly finished: Promise<RemoteCommandEnd>;
  private stderrText = '';
  private status: ExecStatus | null = null;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly ws: WebSocket,
    private readonly context: ExecErrorContext,
  ) {
    this.stdout = new Readable({
      highWaterMark: STDOUT_BUFFER_BYTES,
      // Reading again after a pause (below) resumes the socket.
      read: () => this.ws.resume(),
    });
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, callback) => this.send(chunk, callback),
      final: (callback) => {
        this.closeStdin();
        callback();
      },
    });
    this.stdin.on('error', () => undefined);
    ws.on('message', (data) => this.onFrame(toBuffer(data)));
    this.finished = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        const words = `WebSocket code ${code}${reason.length > 0 ? `: ${reason.toString('utf8')}` : ''}`;
        this.stdout.push(null);
        if (!this.stdin.destroyed) this.stdin.destroy();
        const end = endOf(this.status, words);
        resolve({ ...end, message: end.message === null ? null : this.context.scrub(end.message) });
      });
    });
  }

  private send(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      callback(new Error(`the exec connection to pod ${this.context.namespace}/${this.context.pod} is closed`));
      return;
    }
    let waiting = false;
    this.ws.send(encodeFrame(ExecChannel.stdin, chunk), { binary: true }, (error) => {
      if (waiting) callback(error ?? null);
    });
    // Full send buffer: this write completes when the socket took the frame, which holds the next one back.
    if (this.ws.bufferedAmount >= SEND_BUFFER_HIGH_BYTES) waiting = true;
    else callback();
  }

  private onFrame(frame: Buffer): void {
    if (frame.byteLength === 0) return;
    const payload = frame.subarray(1);
    switch (frame[0]) {
      case ExecChannel.stdout:
        if (payload.byteLength > 0 && !this.stdout.push(payload)) this.ws.pause();
        break;
      case ExecChannel.stderr:
        if (this.stderrText.length < MAX_STDERR_CHARS) {
          this.stderrText += this.decoder.decode(payload, { stream: true }).slice(0, MAX_STDERR_CHARS);
        }
        break;
      case ExecChannel.status:
        this.status ??= parseExecStatus(payload);
        break;
      default:
        break;
    }
  }

  stderr(): string {
    return this.context.scrub(this.stderrText);
  }

  closeStdin(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // v4 cannot say "end of input" without closing the connection, which also ends stdout: close then.
    if (this.ws.protocol === V5_PROTOCOL) this.ws.send(STDIN_EOF_FRAME, { binary: true });
    else this.ws.close(1000);
  }

  abort(): void {
    this.ws.terminate();
  }
}
