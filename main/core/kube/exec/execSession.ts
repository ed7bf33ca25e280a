/**
 * The Kubernetes exec transport: the only file in Podterm that speaks the exec WebSocket protocol. It opens
 * `pods/{pod}/exec` with a TTY over `ws`, using @kubernetes/client-node only for the KubeConfig (server URL, CA, client
 * certificate, token headers), and turns the socket into a TerminalSession.
 *
 * Why not client-node's Exec: it drops the body of a refused upgrade (people would see "Unexpected server response:
 * 403" instead of the API server's "cannot create resource pods/exec"), sends no keepalive pings (proxies cut idle exec
 * sockets after ~5 minutes, kubernetes-client/javascript#2870), ignores backpressure, and offers v1–v3 too, whose
 * statuses carry no exit code.
 *
 * Order of events: TCP/TLS connect → HTTP upgrade (non-101: read the Status body) → 101 with v5 or v4 → an empty
 * stdout frame → the shell's output, or a failure status within milliseconds when the executable is missing → … →
 * a status on channel 3 → close 1000.
 */
import WebSocket from 'ws';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import type { TerminalSize } from '../../../../common/contract';
import {
  encodeFrame,
  EXEC_SUBPROTOCOLS,
  ExecChannel,
  parseExecStatus,
  resizeFrame,
  STDIN_EOF_FRAME,
  V5_PROTOCOL,
  type ExecStatus,
} from './execProtocol';
import {
  describeSocketError,
  describeStartFailure,
  describeUpgradeFailure,
  KubeExecError,
  type ExecErrorContext,
} from './execErrors';
import {
  checkTerminalSize,
  closeWithin,
  type Disposable,
  formatSeconds,
  type RemoteFileAccess,
  Opening,
  swallowErrorsUntilClose,
  type TerminalExit,
  type TerminalSession,
  TransportSession,
} from '../../terminal';
import { openKubeExecCommand } from './execCommand';
import { openExecSocket } from './execSocket';

export { KUBE_EXEC_FAILURES, KubeExecError, type KubeExecFailure } from './execErrors';
export { buildExecUrl, parseExecStatus, SHELL_PROBE, shellCommand, type ExecStatus } from './execProtocol';

/**
 * DNS + TCP + TLS + the upgrade + the first sign of the shell. A healthy API server answers an exec upgrade in tens of
 * milliseconds (a few hundred across continents or through a bastion); 8 s reports a dead server while the user is
 * still looking at the tab, and leaves the chain time for its next method.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 8_000;
/**
 * After the upgrade, how long to wait for the shell's first output before calling the session open anyway. A missing
 * executable (distroless images) is reported by the container runtime within milliseconds of the upgrade, so 1.5 s
 * without a failure status means the process started; a shell that prints no prompt (an empty PS1, `sleep`) must still
 * open. A shell normally prints its prompt at once, which opens the session without waiting.
 */
export const OPEN_GRACE_MS = 1_500;
/**
 * WebSocket pings while the session is open. Load balancers and proxies cut exec sockets idle for a few minutes (AWS
 * ELB 60 s by default, many ingresses 5 minutes); kubectl pings every 5 s. 30 s keeps every common idle timer from
 * firing and costs nothing.
 */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 30_000;
/** Unanswered pings before the connection is declared dead: two intervals without any sign of life. */
const KEEPALIVE_MISSES_MAX = 2;
/** After the exit status the server closes the socket at once; if it does not, report the exit anyway after this. */
const STATUS_CLOSE_GRACE_MS = 2_000;
/** A refused upgrade's body is a Status of a few hundred bytes; anything bigger is not worth reading further. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** setInterval turns larger delays into 1 ms (TimeoutOverflowWarning); such an interval means "no keepalive". */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface KubeExecOptions {
  /** Its current context names the cluster (server URL, CA) and the user (inline token or client certificate). */
  kubeConfig: KubeConfig;
  namespace: string;
  pod: string;
  /**
   * Null lets the API server choose, which it does only for a single-container pod (it answers 400 "a container name
   * must be specified" otherwise: the default-container annotation is read by kubectl, not by the server).
   */
  container: string | null;
  /** The argv to run; build it with shellCommand(override). */
  command: string[];
  size: TerminalSize;
  /** Aborts connecting (not an open session: close that instead). */
  signal?: AbortSignal;
  /** The environment's proxy variables (ResolvedAccess.proxyEnv); the kubeconfig's proxy-url wins over them. */
  proxyEnv?: NodeJS.ProcessEnv | undefined;
  /** Defaults to DEFAULT_CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
  /** Defaults to DEFAULT_KEEPALIVE_INTERVAL_MS; 0, Infinity or anything above 2^31-1 ms turns pings off. */
  keepaliveIntervalMs?: number;
  /** The transport, for tests (like client-node's `Exec(config, wsInterface)`); defaults to `new WebSocket`. */
  createWebSocket?: (url: string, protocols: string[], options: WebSocket.ClientOptions) => WebSocket;
}

/**
 * How an exec session ended. `message` is set when the API server ended the command with a failure status that
 * carries no exit code (InternalError "container not running" after the shell had started); code is null then. An
 * ordinary exit, zero or not, has no message.
 */
export type KubeExecExit = TerminalExit;

/**
 * Opens a TTY exec in the pod. Resolves once the shell is running: the upgrade succeeded and either its first output
 * arrived or OPEN_GRACE_MS passed without a failure status. A command that exits at once (even non-zero) still
 * resolves, and its exit follows through onExit. Rejects with a KubeExecError whose message says what went wrong and
 * how to fix it. Never includes a token in any message.
 *
 * After it opens: onExit when the server sent a status (a KubeExecExit: the code, or null plus `message` for a failure
 * status without one); onError when the socket closed without a status (dropped, keepalive unanswered). Output that
 * arrives before the first onData listener is held, with the socket paused, and the ending waits for it: subscribe
 * onData to see either.
 */
export async function openKubeExecSession(options: KubeExecOptions): Promise<TerminalSession> {
  return openStream(options, 'exec');
}

/** What attaching needs: exec's options without a command, and the container is required (the server's choice is no
 * use here: the container is the one just added). */
export type KubeAttachOptions = Omit<KubeExecOptions, 'command' | 'container'> & { container: string };

/**
 * Attaches to a running container's own process with stdin and a TTY (`pods/attach`, as `kubectl attach -it`): used for
 * debug containers, whose shell is their main process. Same stream protocol, errors and keepalive as exec. It opens as
 * soon as the upgrade succeeds: the process is already running and the server replays nothing it printed before.
 * Closing the session detaches; the process keeps running (its container ends when it exits), so a later attach finds
 * the same shell.
 */
export async function openKubeAttachSession(options: KubeAttachOptions): Promise<TerminalSession> {
  return openStream({ ...options, command: [] }, 'attach');
}

async function openStream(options: KubeExecOptions, subresource: 'exec' | 'attach'): Promise<TerminalSession> {
  const { namespace, pod, signal } = options;
  if (signal?.aborted) throw new KubeExecError('aborted', `Opening a shell in pod ${namespace}/${pod} was cancelled`);
  checkTerminalSize(options.size.cols, options.size.rows);
  const { ws, context } = await openExecSocket({
    ...options,
    subresource,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  });
  const session = new KubeExecSession(ws, context, options);
  await session.opened;
  return session;
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Reads at most `limit` bytes of a response body; resolves with what arrived if the stream fails or is cut. */
function readBody(response: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      response.off('data', onData);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk.subarray(0, limit - size));
      size += chunk.byteLength;
      if (size >= limit) {
        finish();
        response.destroy();
      }
    };
    response.on('data', onData);
    response.once('end', finish);
    response.once('error', finish);
    response.once('close', finish);
  });
}

type Phase = 'connecting' | 'starting' | 'open' | 'failed';

/**
 * One exec socket, from the upgrade to the close. Events reach listeners in order: all data, then one exit or one
 * error. Data that arrives before the first onData listener is held (and the socket paused) so nothing is lost between
 * open and subscription; the outcome waits for that held data.
 */
class KubeExecSession extends TransportSession {
  /** Settles when the session opens (see openKubeExecSession) or fails to; its listeners and timers go with it. */
  private readonly opening = new Opening<void>();
  /** Files move over a second exec into the same container, running tar (main/core/files). */
  readonly remoteFiles: RemoteFileAccess;
  private phase: Phase = 'connecting';
  private readonly target: string;
  private held: Uint8Array[] = [];
  private flushScheduled = false;
  private status: ExecStatus | null = null;
  private socketError: Error | null = null;
  private keepaliveError: Error | null = null;
  private userPaused = false;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private statusCloseTimer: NodeJS.Timeout | undefined;
  private missedPings = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly context: ExecErrorContext,
    private readonly options: KubeExecOptions,
  ) {
    super('a Kubernetes exec session');
    this.target = `pod ${context.namespace}/${context.pod}`;
    this.remoteFiles = {
      kind: 'exec',
      target: `${context.container === null ? 'the container' : `container ${context.container}`} of ${this.target}`,
      run: (command) =>
        openKubeExecCommand({
          kubeConfig: options.kubeConfig,
          namespace: options.namespace,
          pod: options.pod,
          container: options.container,
          command,
          proxyEnv: options.proxyEnv,
          createWebSocket: options.createWebSocket,
        }),
    };
    swallowErrorsUntilClose(ws);

    this.disposables.listen(ws, 'message', (data: WebSocket.RawData) => this.onMessage(toBuffer(data)));
    this.disposables.listen(ws, 'pong', () => {
      this.missedPings = 0;
    });
    this.disposables.listen(ws, 'error', (error: Error) => this.onSocketError(error));
    this.disposables.listen(ws, 'close', (code: number, reason: Buffer) =>
      this.onSocketClose(code, reason.toString('utf8')),
    );
    const connecting = this.opening.disposables;
    connecting.listen(ws, 'open', () => this.onUpgraded());
    connecting.listen(ws, 'unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
      void readBody(response, MAX_ERROR_BODY_BYTES).then((body) =>
        this.fail(describeUpgradeFailure(this.context, response.statusCode ?? 0, response.statusMessage ?? '', body)),
      );
    });

    const timeoutMs = context.connectTimeoutMs;
    const timeout = setTimeout(() => this.onConnectTimeout(), Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS));
    connecting.add(() => clearTimeout(timeout));
    connecting.onAbort(options.signal, () =>
      this.fail(new KubeExecError('aborted', `Opening a shell in ${this.target} was cancelled`)),
    );
  }

  /** Settles when the session opens (see openKubeExecSession) or fails to. */
  get opened(): Promise<void> {
    return this.opening.promise;
  }

  // --- opening ---

  private onUpgraded(): void {
    if (this.phase !== 'connecting') return;
    // ws already refuses a subprotocol we did not offer, or none; this guards a transport that does not.
    if (!EXEC_SUBPROTOCOLS.includes(this.ws.protocol)) {
      this.fail(
        new KubeExecError(
          'protocol',
          `The API server at ${this.context.server} chose the exec protocol "${this.ws.protocol}", which Podterm does not speak (offered ${EXEC_SUBPROTOCOLS.join(', ')}).`,
        ),
      );
      return;
    }
    this.phase = 'starting';
    // The PTY starts at the server's default size (often 80×24) until told otherwise; tell it before the prompt.
    this.ws.send(resizeFrame(this.options.size.cols, this.options.size.rows));
    // An attach joins a process that is running already: nothing more to wait for.
    const grace = setTimeout(() => this.markOpen(), this.context.subresource === 'attach' ? 0 : OPEN_GRACE_MS);
    this.opening.disposables.add(() => clearTimeout(grace));
    this.startKeepalive();
  }

  private onConnectTimeout(): void {
    if (this.phase === 'starting') {
      // Upgraded and no failure status: the command is running, it just has not printed anything yet.
      this.markOpen();
      return;
    }
    this.fail(
      new KubeExecError(
        'timeout',
        `No answer from the API server at ${this.context.server} within ${formatSeconds(this.context.connectTimeoutMs)} (connecting and upgrading to exec into ${this.target}).`,
      ),
    );
  }

  private markOpen(): void {
    if (this.phase !== 'starting') return;
    this.phase = 'open';
    this.opening.succeed();
  }

  private fail(error: KubeExecError): void {
    if (this.phase === 'open' || this.phase === 'failed') return;
    this.phase = 'failed';
    this.stopTimers();
    this.disposables.dispose();
    this.held = [];
    this.opening.fail(error);
    this.ws.terminate();
  }

  // --- the socket ---

  private onMessage(frame: Buffer): void {
    // Any frame shows the connection is alive, as a pong would: a busy stream needs no pong to prove it.
    this.missedPings = 0;
    if (frame.byteLength === 0 || this.phase === 'failed') return;
    const channel = frame[0];
    if (channel === ExecChannel.stdout || channel === ExecChannel.stderr) {
      const payload = frame.subarray(1);
      // The server opens every stream with an empty frame; it says nothing.
      if (payload.byteLength === 0) return;
      this.markOpen();
      this.deliver(payload);
    } else if (channel === ExecChannel.status) {
      this.onStatus(parseExecStatus(frame.subarray(1)));
    }
    // The server sends nothing else (no resize, never 255); unknown channels are ignored like client-go does.
  }

  private onStatus(status: ExecStatus): void {
    if (this.status !== null) return;
    if (this.phase === 'starting' || this.phase === 'connecting') {
      if (status.kind === 'failed') {
        this.fail(describeStartFailure(this.context, status));
        return;
      }
      // The shell opened and has already ended: that is an exit, not a failure to connect.
      this.status = status;
      this.markOpen();
    } else {
      this.status = status;
    }
    // The server closes right after the status; do not let a server that forgets hold the exit back.
    this.statusCloseTimer = setTimeout(() => {
      if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    }, STATUS_CLOSE_GRACE_MS);
  }

  private onSocketError(error: Error): void {
    if (this.phase === 'connecting' || this.phase === 'starting') {
      this.fail(describeSocketError(this.context, error));
      return;
    }
    // 'close' follows; keep the first error to say why the connection ended.
    this.socketError ??= error;
  }

  private onSocketClose(code: number, reason: string): void {
    this.stopTimers();
    if (this.phase === 'connecting' || this.phase === 'starting') {
      // A failure we already reported (fail() terminates the socket) never gets here: phase is 'failed' then.
      this.fail(
        new KubeExecError(
          'protocol',
          `The API server at ${this.context.server} closed the exec connection to ${this.target} before the shell started (${closeWords(code, reason)}).`,
        ),
      );
      return;
    }
    if (this.phase !== 'open') return;
    this.finish(code, reason);
  }

  // --- keepalive ---

  private startKeepalive(): void {
    const interval = this.options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
    if (!(interval > 0 && interval <= MAX_TIMER_MS)) return;
    this.keepaliveTimer = setInterval(() => {
      if (this.ws.readyState !== WebSocket.OPEN) return;
      if (this.isPaused()) {
        // A paused socket is not read, so its pongs cannot arrive: keep the path warm but judge nothing.
        this.missedPings = 0;
      } else if (this.missedPings >= KEEPALIVE_MISSES_MAX) {
        this.keepaliveError = new Error(
          `Connection to ${this.target} lost: no answer to keepalive pings for ${formatSeconds(interval * KEEPALIVE_MISSES_MAX)}`,
        );
        this.ws.terminate();
        return;
      } else {
        this.missedPings += 1;
      }
      this.ws.ping();
    }, interval);
  }

  private stopTimers(): void {
    clearInterval(this.keepaliveTimer);
    clearTimeout(this.statusCloseTimer);
    this.keepaliveTimer = undefined;
    this.statusCloseTimer = undefined;
  }

  // --- delivering ---

  private deliver(chunk: Uint8Array): void {
    if (!this.events.hasDataListeners || this.held.length > 0) {
      this.held.push(chunk);
      this.applyPause();
      return;
    }
    this.events.emitData(chunk);
  }

  private flushHeld(): void {
    this.flushScheduled = false;
    for (const chunk of this.held.splice(0)) this.events.emitData(chunk);
    this.applyPause();
    this.release();
  }

  private finish(code: number, reason: string): void {
    if (this.ended) return;
    const status = this.status;
    if (status !== null) {
      this.settle({
        kind: 'exit',
        exit:
          status.kind === 'failed'
            ? { code: null, signal: null, message: status.message }
            : { code: status.code, signal: null },
      });
    } else {
      const why = this.keepaliveError?.message;
      const cause = this.socketError ? `; ${this.context.scrub(this.socketError.message)}` : '';
      this.settle({
        kind: 'error',
        error: new Error(why ?? `Connection to ${this.target} lost (${closeWords(code, reason)}${cause})`),
      });
    }
    this.disposables.dispose();
    // Held data goes first; the outcome follows it once a data listener takes it.
    if (this.held.length === 0) this.release();
  }

  // --- TerminalSession ---

  write(data: Uint8Array | string): void {
    if (!this.isLive()) return;
    this.ws.send(encodeFrame(ExecChannel.stdin, data), { binary: true });
  }

  resize(cols: number, rows: number): void {
    checkTerminalSize(cols, rows);
    if (!this.isLive()) return;
    this.ws.send(resizeFrame(cols, rows), { binary: true });
  }

  pause(): void {
    this.userPaused = true;
    this.applyPause();
  }

  resume(): void {
    this.userPaused = false;
    this.applyPause();
  }

  /**
   * Nothing to drop: a paused socket is not read, so what the API server sent waits in the kernel's TCP buffers,
   * which Node cannot read without delivering, nor size (no SO_RCVBUF for TCP sockets). It arrives after resume.
   */
  discardBuffered(): void {}

  /**
   * Data held since the session opened (the prompt, usually) is delivered to the first listener, asynchronously like
   * every other event.
   */
  override onData(listener: (chunk: Uint8Array) => void): Disposable {
    const subscription = super.onData(listener);
    if (this.held.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        if (!this.closed) this.flushHeld();
      });
    }
    return subscription;
  }

  private isLive(): boolean {
    return this.phase === 'open' && !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  private isPaused(): boolean {
    return this.userPaused || (!this.events.hasDataListeners && this.held.length > 0);
  }

  /** Real backpressure: a paused ws stops reading its socket, so TCP stops the API server, which stops the process. */
  private applyPause(): void {
    if (this.isPaused()) this.ws.pause();
    else this.ws.resume();
  }

  protected async shutdown(): Promise<void> {
    this.stopTimers();
    this.opening.disposables.dispose();
    this.held = [];
    const ws = this.ws;
    if (ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    if (ws.readyState === WebSocket.OPEN) {
      // v5: stdin EOF, so the shell ends like on Ctrl-D; closing the socket alone leaves the remote process running
      // on some runtimes (kubernetes-client/javascript#441). v4 has no way to say it; the close must do.
      // An attach only detaches: the container's process is not ours to end.
      if (ws.protocol === V5_PROTOCOL && this.context.subresource !== 'attach')
        ws.send(STDIN_EOF_FRAME, { binary: true });
      ws.close(1000);
      // A paused socket would never read the server's close frame.
      ws.resume();
    } else if (ws.readyState === WebSocket.CONNECTING) {
      ws.terminate();
    }
    await closeWithin(closed, () => ws.terminate());
  }
}

/** "code 1006, no close frame", "code 1011: internal error". */
function closeWords(code: number, reason: string): string {
  if (code === 1006) return 'WebSocket code 1006: closed without a close frame';
  return `WebSocket code ${code}${reason ? `: ${reason}` : ''}`;
}
