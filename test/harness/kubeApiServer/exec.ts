/**
 * One exec over the WebSocket channel protocol (v4/v5.channel.k8s.io), running a REAL process: on a real PTY with
 * tty=true, with pipes otherwise. Framing and endings follow k8s.io/apimachinery/pkg/util/httpstream/wsstream and the
 * kubelet's streaming server (k8s.io/kubelet/pkg/cri/streaming/remotecommand).
 */
import { spawn as spawnChild } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import pty, { type IPty } from '@lydell/node-pty';
import WebSocket, { type RawData } from 'ws';
import { execInternalError, execNonZeroExit, execSuccess, executableNotFound, type Status } from './status';

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
/** Preference order: v5 adds the stdin close signal (channel 255); v4 is what older client-node versions settle on. */
export const SUPPORTED_PROTOCOLS = [PROTOCOL_V5, PROTOCOL_V4] as const;

export const CHANNEL_STDIN = 0;
export const CHANNEL_STDOUT = 1;
export const CHANNEL_STDERR = 2;
export const CHANNEL_ERROR = 3;
export const CHANNEL_RESIZE = 4;
/** v5 only, client to server: payload [channel] means "no more data on that channel" (only stdin is meaningful). */
export const CHANNEL_CLOSE = 255;

/** The PATH of a typical container image's environment (what `docker run` sets when the image sets none). */
export const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** A runtime starts the exec's PTY at some size before the client's first resize arrives; 80x24 is the classic. */
const INITIAL_COLS = 80;
const INITIAL_ROWS = 24;
/** Stop reading the process's output while this much sent output is still unflushed to the client's socket... */
const HIGH_WATER_BYTES = 1024 * 1024;
/** ...and read again once it drains below this, so a client that stops reading really stalls the process. */
const LOW_WATER_BYTES = 256 * 1024;
/** A PTY process gets SIGHUP when its client leaves (like a hung-up terminal), then SIGKILL if it is still there. */
const KILL_GRACE_MS = 2_000;
/** End-of-file for a canonical-mode terminal: what "close stdin" means when stdin is a PTY. */
const PTY_EOF = '\x04';

export interface ExecPlan {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** False for an image with nothing executable in it (distroless): every exec fails after the upgrade. */
  hasExecutables: boolean;
  /** The exec's PATH, when the image lacks some programs (hiddenPrograms.ts); CONTAINER_PATH otherwise. */
  path?: string;
}

export interface ExecOutcome {
  /** The status sent on channel 3; null when the client left (or was dropped) before the process ended. */
  status: Status | null;
  /** The process's exit code (128 + signal number when killed by a signal), or null if it never started. */
  exitCode: number | null;
  /** True when the process was killed because its client went away first. */
  killedBecauseClientLeft: boolean;
}

export interface ExecHooks {
  /** The "container" filesystem root: cwd and HOME of every exec. */
  containerDir: string;
  onResize(width: number, height: number): void;
  onPing(): void;
  onStart(pid: number): void;
}

export interface ExecSession {
  /** Abruptly destroys the socket, as a failing node or network would (no close frame). */
  drop(): void;
  /** Ends the process (if any) and the socket; resolves when both are gone. */
  stop(): Promise<ExecOutcome>;
  finished: Promise<ExecOutcome>;
}

/** The subset of a process both runners offer. */
interface Runner {
  pid: number;
  /** False when the process is not reading fast enough; 'drain' (onDrain) says when to send more. */
  write(bytes: Buffer): boolean;
  onDrain(listener: () => void): void;
  endStdin(): void;
  resize(cols: number, rows: number): boolean;
  pause(): void;
  resume(): void;
  kill(signal: NodeJS.Signals): void;
}

/** "0" and "false" are false, anything else is true; absent is false (the API server's query-parameter booleans). */
export function queryBool(params: URLSearchParams, name: string): boolean {
  const value = params.get(name);
  if (value === null) return false;
  return value !== '0' && value.toLowerCase() !== 'false';
}

/** Picks the first protocol we speak, in our preference order, from what the client offered. */
export function chooseProtocol(offered: Iterable<string>): string | null {
  const set = new Set(offered);
  return SUPPORTED_PROTOCOLS.find((protocol) => set.has(protocol)) ?? null;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** argv[0] resolved the way execvp would inside the container: a path as-is, a bare name through PATH. */
async function resolveExecutable(name: string, searchPath: string): Promise<string | null> {
  if (name.includes('/')) return (await isExecutableFile(name)) ? name : null;
  for (const dir of searchPath.split(':')) {
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Width/height from a resize message, with field names matched case-insensitively like Go's encoding/json. */
export function parseResize(payload: Buffer): { width: number; height: number } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  let width: number | undefined;
  let height: number | undefined;
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'number') continue;
    if (key.toLowerCase() === 'width') width = value;
    if (key.toLowerCase() === 'height') height = value;
  }
  if (!width || !height || !Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    return null;
  }
  return { width, height };
}

function signalNumber(signal: NodeJS.Signals | null | number | undefined): number {
  if (typeof signal === 'number') return signal;
  if (!signal) return 0;
  return osConstants.signals[signal] ?? 0;
}

/** Kills a whole process group (the process was started as its group leader), ignoring one that is already gone. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already exited.
    }
  }
}

function startPty(
  path: string,
  plan: ExecPlan,
  hooks: ExecHooks,
  env: Record<string, string>,
): Runner & { term: IPty } {
  const term = pty.spawn(path, plan.command.slice(1), {
    name: env.TERM,
    cols: INITIAL_COLS,
    rows: INITIAL_ROWS,
    cwd: hooks.containerDir,
    env,
    // Raw bytes both ways: output is forwarded byte-exact, and UTF-8 split across reads is the client's to join.
    encoding: null,
  });
  // node-pty types say string, but with encoding null its socket takes raw bytes; stdin stays byte-exact this way.
  const writeBytes = term.write.bind(term) as unknown as (bytes: Buffer) => void;
  return {
    term,
    pid: term.pid,
    write: (bytes) => {
      writeBytes(bytes);
      return true;
    },
    onDrain: () => undefined,
    endStdin: () => term.write(PTY_EOF),
    resize: (cols, rows) => {
      term.resize(cols, rows);
      return true;
    },
    pause: () => term.pause(),
    resume: () => term.resume(),
    // node-pty's child is a session leader: signal its group so background jobs go too.
    kill: (signal) => killGroup(term.pid, signal),
  };
}

/** Starts the exec and wires it to the socket; the socket must be open and already negotiated. */
export function runExec(ws: WebSocket, protocol: string, plan: ExecPlan, hooks: ExecHooks): ExecSession {
  let resolveFinished!: (outcome: ExecOutcome) => void;
  const finished = new Promise<ExecOutcome>((resolve) => (resolveFinished = resolve));
  let runner: Runner | null = null;
  let processDone = false;
  let settled = false;
  let unflushed = 0;
  let paused = false;
  let killTimer: NodeJS.Timeout | undefined;

  const settle = (outcome: ExecOutcome) => {
    if (settled) return;
    settled = true;
    clearTimeout(killTimer);
    resolveFinished(outcome);
  };

  const send = (channel: number, payload: Buffer) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    const frame = Buffer.allocUnsafe(payload.length + 1);
    frame[0] = channel;
    payload.copy(frame, 1);
    unflushed += frame.length;
    ws.send(frame, { binary: true }, () => {
      unflushed -= frame.length;
      if (paused && unflushed <= LOW_WATER_BYTES) {
        paused = false;
        runner?.resume();
      }
    });
    if (!paused && unflushed >= HIGH_WATER_BYTES && runner) {
      paused = true;
      runner.pause();
    }
  };

  const finish = (status: Status, exitCode: number | null) => {
    if (processDone) return; // a spawn 'error' can be followed by 'close': one status only
    processDone = true;
    if (ws.readyState === WebSocket.OPEN) {
      send(CHANNEL_ERROR, Buffer.from(JSON.stringify(status)));
      // Close frames queue behind data frames, so the status always arrives first.
      ws.close(1000);
      // Reading may be paused for a process that read its stdin slowly; the close handshake needs the client's answer
      // (a kubelet closes the stream once the process is gone, whatever input is still on its way).
      ws.resume();
      settle({ status, exitCode, killedBecauseClientLeft: false });
    } else {
      settle({ status: null, exitCode, killedBecauseClientLeft: true });
    }
  };

  const onExit = (code: number | null, signal: NodeJS.Signals | number | null | undefined) => {
    const signo = signalNumber(signal);
    const exitCode = signo ? 128 + signo : (code ?? 0);
    finish(exitCode === 0 ? execSuccess() : execNonZeroExit(plan.command, exitCode), exitCode);
  };

  const env: Record<string, string> = {
    TERM: 'xterm-256color',
    HOME: hooks.containerDir,
    PATH: plan.path ?? CONTAINER_PATH,
    LANG: 'C.UTF-8',
    // Real containers get the pod name as hostname and HOSTNAME; prompts and scripts read it.
    HOSTNAME: plan.pod,
  };

  const start = async () => {
    const executable = plan.command[0] ?? '';
    const path = plan.hasExecutables ? await resolveExecutable(executable, env.PATH ?? CONTAINER_PATH) : null;
    if (ws.readyState !== WebSocket.OPEN) {
      settle({ status: null, exitCode: null, killedBecauseClientLeft: false });
      return;
    }
    if (!path) {
      finish(execInternalError(executableNotFound(executable, randomBytes(32).toString('hex'))), null);
      return;
    }
    if (plan.tty) {
      const started = startPty(path, plan, hooks, env);
      runner = started;
      started.term.onData((data: string | Buffer) => {
        if (plan.stdout) send(CHANNEL_STDOUT, Buffer.isBuffer(data) ? data : Buffer.from(data));
      });
      started.term.onExit(({ exitCode, signal }) => onExit(exitCode, signal));
    } else {
      const child = spawnChild(path, plan.command.slice(1), {
        argv0: executable,
        cwd: hooks.containerDir,
        env,
        stdio: [plan.stdin ? 'pipe' : 'ignore', plan.stdout ? 'pipe' : 'ignore', plan.stderr ? 'pipe' : 'ignore'],
        // Its own process group, so killing it takes its children (e.g. `sh -c 'sleep 60'`) along.
        detached: true,
      });
      child.stdin?.on('error', () => undefined); // EPIPE after the process exited: nothing to tell anyone.
      child.stdout?.on('data', (chunk: Buffer) => send(CHANNEL_STDOUT, chunk));
      child.stderr?.on('data', (chunk: Buffer) => send(CHANNEL_STDERR, chunk));
      child.on('error', (error) => finish(execInternalError(error.message), null));
      // 'close' (not 'exit') waits for stdout/stderr to drain, so no output is lost behind the status.
      child.on('close', (code, signal) => onExit(code, signal));
      const pid = child.pid ?? 0;
      runner = {
        pid,
        write: (bytes) => child.stdin?.write(bytes) ?? true,
        onDrain: (listener) => child.stdin?.once('drain', listener),
        endStdin: () => child.stdin?.end(),
        resize: () => false,
        pause: () => {
          child.stdout?.pause();
          child.stderr?.pause();
        },
        resume: () => {
          child.stdout?.resume();
          child.stderr?.resume();
        },
        kill: (signal) => killGroup(pid, signal),
      };
    }
    hooks.onStart(runner.pid);
  };

  const killProcess = () => {
    if (!runner || processDone) return;
    const running = runner;
    running.kill(plan.tty ? 'SIGHUP' : 'SIGKILL');
    if (plan.tty) killTimer = setTimeout(() => running.kill('SIGKILL'), KILL_GRACE_MS);
  };

  const handleMessage = (message: Buffer) => {
    const channel = message[0];
    const payload = message.subarray(1);
    if (channel === CHANNEL_STDIN) {
      // A process that reads slowly slows the client down, as the kubelet's stream copy does: stop reading the socket.
      if (plan.stdin && !processDone && runner && !runner.write(payload)) {
        ws.pause();
        runner.onDrain(() => ws.resume());
      }
    } else if (channel === CHANNEL_RESIZE) {
      const size = parseResize(payload);
      if (size && plan.tty && runner && !processDone && runner.resize(size.width, size.height)) {
        hooks.onResize(size.width, size.height);
      }
    } else if (channel === CHANNEL_CLOSE && protocol === PROTOCOL_V5) {
      if (payload[0] === CHANNEL_STDIN && plan.stdin && !processDone) runner?.endStdin();
    }
  };
  // Clients send their terminal size (and may type) the moment the socket opens, before the process exists: keep
  // those messages and replay them in order once it does, as a runtime's stream copy would.
  let early: Buffer[] | null = [];
  ws.on('message', (data) => {
    if (early) early.push(toBuffer(data));
    else handleMessage(toBuffer(data));
  });
  const replayEarly = () => {
    const queued = early ?? [];
    early = null;
    for (const message of queued) handleMessage(message);
  };
  ws.on('ping', () => hooks.onPing());
  ws.on('error', () => undefined); // A reset socket also emits 'close', which is where the cleanup happens.
  ws.on('close', () => {
    if (!processDone && runner) killProcess();
    else if (!runner) settle({ status: null, exitCode: null, killedBecauseClientLeft: false });
  });

  // The opening frame: an empty stdout message right after the upgrade (wsstream does this; clients wait for it).
  send(CHANNEL_STDOUT, Buffer.alloc(0));
  start()
    .catch((error: unknown) => finish(execInternalError(String(error)), null))
    .finally(replayEarly);

  return {
    finished,
    drop: () => ws.terminate(),
    stop: async () => {
      killProcess();
      ws.terminate();
      return finished;
    },
  };
}
