/**
 * A running ephemeral container's process and `pods/attach` to it. Unlike exec, the process belongs to the container,
 * not to a socket: it starts when the container starts (on a real PTY, since kubectl debug asks for stdin+tty), runs
 * whether anyone is attached or not, and any number of attach sockets see its output from the moment they join (no
 * replay: what it printed before is gone, which is why kubectl says "If you don't see a command prompt, try pressing
 * enter"). Leaving an attach detaches; it never ends the process. Framing is exec's (exec.ts), per the kubelet's
 * streaming server (k8s.io/kubelet/pkg/cri/streaming/remotecommand, ServeAttach).
 *
 * The pod's process namespace: the target container gets a stand-in main process in a fresh PID namespace (unshare,
 * needs root or CAP_SYS_ADMIN), and the debug shell is started inside that namespace (nsenter), so `ps` in it shows
 * the target's process as PID 1, as with `--target` on a real node. Without the privilege the stand-in and the shell
 * are ordinary processes: the shell still sees the stand-in, among everything else on the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import pty, { type IPty } from '@lydell/node-pty';
import WebSocket, { type RawData } from 'ws';
import { CHANNEL_ERROR, CHANNEL_RESIZE, CHANNEL_STDIN, CHANNEL_STDOUT, CONTAINER_PATH, parseResize } from './exec';
import { execSuccess } from './status';

/** The runtime starts the container's PTY at some size before any client says otherwise; 80x24 is the classic. */
const INITIAL_COLS = 80;
const INITIAL_ROWS = 24;
/** How long to wait for unshare's forked child (the namespace's PID 1) to appear: it forks within milliseconds. */
const NAMESPACE_START_TIMEOUT_MS = 5_000;
const NAMESPACE_POLL_MS = 10;
/** SIGHUP first (a hung-up terminal), then SIGKILL after this, as exec.ts does. */
const KILL_GRACE_MS = 2_000;

/** The stand-in main process of a target container: a long sleep whose command line names the container. */
export interface TargetProcess {
  /** The PID (host view) of the process the debug shell should share a PID namespace with. */
  pid: number;
  /** True when it runs in a PID namespace of its own, so a debug shell entering it sees it as PID 1. */
  isolated: boolean;
  /** What `ps` shows for it, so tests can look for it. */
  commandLine: string;
  stop(): void;
}

/** The command line the stand-in for a pod's container shows in `ps`. */
export const targetCommandLine = (pod: string, container: string) => `${pod}/${container}-main-process`;

let unshareWorks: Promise<boolean> | null = null;

/** Whether this machine lets us make PID namespaces (root or CAP_SYS_ADMIN, and util-linux's unshare present). */
function canUnshare(): Promise<boolean> {
  unshareWorks ??= new Promise((resolve) => {
    const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
  return unshareWorks;
}

async function childOf(pid: number): Promise<number | null> {
  const deadline = Date.now() + NAMESPACE_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim();
      const first = Number(children.split(/\s+/)[0]);
      if (first > 0) return first;
    } catch {
      // Not there yet, or gone.
    }
    await new Promise((resolve) => setTimeout(resolve, NAMESPACE_POLL_MS));
  }
  return null;
}

/** Starts the stand-in main process of `pod`'s `container`, in a PID namespace of its own when the machine allows. */
export async function startTargetProcess(pod: string, container: string, cwd: string): Promise<TargetProcess> {
  const commandLine = targetCommandLine(pod, container);
  // bash's `exec -a` sets argv[0], which is what ps shows; sleep is the whole "application".
  const script = `exec -a ${commandLine} sleep infinity`;
  const isolated = await canUnshare();
  const child: ChildProcess = isolated
    ? spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'bash', '-c', script], {
        cwd,
        stdio: 'ignore',
        detached: true,
      })
    : spawn('bash', ['-c', script], { cwd, stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  const outer = child.pid ?? 0;
  const pid = isolated ? ((await childOf(outer)) ?? outer) : outer;
  return {
    pid,
    isolated,
    commandLine,
    stop: () => {
      try {
        process.kill(-outer, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

export interface AttachRecord {
  namespace: string;
  pod: string;
  container: string;
  /** The negotiated subprotocol. */
  protocol: string;
  user: string;
  stdin: boolean;
  tty: boolean;
  /** Resolves when this attach is over: 'exited' when the container's process ended, 'detached' when the client left. */
  finished: Promise<'exited' | 'detached'>;
}

/** One ephemeral container's process on its PTY, with whoever is attached to it. */
export class ContainerProcess {
  private readonly term: IPty;
  private readonly sockets = new Set<{ ws: WebSocket; done: (how: 'exited' | 'detached') => void }>();
  private killTimer: NodeJS.Timeout | undefined;
  /** Resolves with the exit code (128 + signal when killed) once the process ended. */
  readonly exited: Promise<number>;
  exitCode: number | null = null;

  constructor(options: { command: string[]; hostname: string; cwd: string; target: TargetProcess | null }) {
    const { command, target } = options;
    const [program = 'sh', ...args] = command;
    // Inside the target's PID (and, for its /proc, mount) namespace when it has one of its own.
    const [file, argv] =
      target?.isolated === true
        ? [
            'nsenter',
            // nsenter forks the program into the namespace; `setsid -c` makes it the terminal's session leader there,
            // as a container's first process is (else an interactive shell cannot restore the terminal's process
            // group on exit: the group it started in lives outside the namespace).
            [
              '--target',
              String(target.pid),
              '--pid',
              '--mount',
              `--wd=${options.cwd}`,
              '--',
              'setsid',
              '-c',
              program,
              ...args,
            ],
          ]
        : [program, args];
    this.term = pty.spawn(file, argv, {
      name: 'xterm-256color',
      cols: INITIAL_COLS,
      rows: INITIAL_ROWS,
      cwd: options.cwd,
      env: {
        TERM: 'xterm-256color',
        HOME: options.cwd,
        PATH: CONTAINER_PATH,
        LANG: 'C.UTF-8',
        HOSTNAME: options.hostname,
      },
      encoding: null,
    });
    this.term.onData((data: string | Buffer) => {
      const payload = Buffer.isBuffer(data) ? data : Buffer.from(data);
      for (const { ws } of this.sockets) send(ws, CHANNEL_STDOUT, payload);
    });
    this.exited = new Promise((resolve) => {
      this.term.onExit(({ exitCode, signal }) => {
        clearTimeout(this.killTimer);
        this.exitCode = signal ? 128 + signal : exitCode;
        for (const socket of this.sockets) {
          // The kubelet's ServeAttach writes Success once the attach copy ends, whatever the exit code was.
          send(socket.ws, CHANNEL_ERROR, Buffer.from(JSON.stringify(execSuccess())));
          socket.ws.close(1000);
          socket.done('exited');
        }
        this.sockets.clear();
        resolve(this.exitCode);
      });
    });
  }

  get pid(): number {
    return this.term.pid;
  }

  get running(): boolean {
    return this.exitCode === null;
  }

  /** Wires an upgraded attach socket to the process. */
  attach(ws: WebSocket, options: { stdin: boolean; tty: boolean }): Promise<'exited' | 'detached'> {
    let done!: (how: 'exited' | 'detached') => void;
    const finished = new Promise<'exited' | 'detached'>((resolve) => (done = resolve));
    const entry = { ws, done };
    this.sockets.add(entry);
    ws.on('error', () => undefined);
    ws.on('message', (data: RawData) => {
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const channel = frame[0];
      const payload = frame.subarray(1);
      if (!this.running) return;
      if (channel === CHANNEL_STDIN && options.stdin) {
        (this.term.write.bind(this.term) as unknown as (bytes: Buffer) => void)(payload);
      } else if (channel === CHANNEL_RESIZE && options.tty) {
        const size = parseResize(payload);
        if (size) this.term.resize(size.width, size.height);
      }
      // v5's close of stdin (channel 255) is not passed on: kubectl debug's containers have stdin without stdinOnce,
      // so the runtime keeps the container's stdin open for the next attach.
    });
    ws.on('close', () => {
      if (this.sockets.delete(entry)) done('detached');
    });
    // The opening frame, as on exec: clients wait for it.
    send(ws, CHANNEL_STDOUT, Buffer.alloc(0));
    return finished;
  }

  stop(): void {
    if (!this.running) return;
    const pid = this.term.pid;
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
      } catch {
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    };
    kill('SIGHUP');
    this.killTimer = setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS);
  }
}

function send(ws: WebSocket, channel: number, payload: Buffer): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  const frame = Buffer.allocUnsafe(payload.length + 1);
  frame[0] = channel;
  payload.copy(frame, 1);
  ws.send(frame, { binary: true });
}
