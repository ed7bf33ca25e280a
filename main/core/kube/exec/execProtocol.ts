/**
 * The pure half of the Kubernetes exec protocol: the upgrade URL, the channel frames and the channel-3 status. No I/O
 * here, so every rule can be tested without a server. Sources: kubernetes/apimachinery
 * `pkg/util/remotecommand/constants.go` and `pkg/util/httpstream/wsstream/conn.go` (channels, subprotocol names, v5
 * close), client-go `tools/remotecommand/websocket.go` (what the client sends), kubectl 1.32 `exec` (query flags),
 * and `metav1.Status` (the status shape). execSession.ts is the only user.
 */

/** v5 adds the CLOSE channel (stdin EOF); v4 is what API servers before 1.30 speak. Offered in preference order. */
export const V5_PROTOCOL = 'v5.channel.k8s.io';
export const V4_PROTOCOL = 'v4.channel.k8s.io';
/**
 * Only v5 and v4: both carry a JSON metav1.Status on channel 3 (exit codes included). v1–v3 report errors as plain
 * text and success as nothing, so an exit code could not be told from a dropped connection; base64 variants are text
 * frames. An API server old enough to speak none of these (Kubernetes < 1.4) is out of support for a decade.
 */
export const EXEC_SUBPROTOCOLS: readonly string[] = [V5_PROTOCOL, V4_PROTOCOL];

/** The first byte of every binary frame. */
export const ExecChannel = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  status: 3,
  resize: 4,
  /** v5 only, client → server: "this stream is finished"; the payload is the channel being closed. */
  close: 255,
} as const;

export interface ExecTarget {
  namespace: string;
  pod: string;
  /** Null lets the API server choose, which it does only for a single-container pod. */
  container: string | null;
  /** argv; each element becomes its own `command=` parameter. */
  command: readonly string[];
  /**
   * 'terminal' (the default): a TTY, stderr merged into stdout. 'pipes': stdin, stdout and stderr as separate byte
   * streams with no TTY, as `kubectl cp` and `kubectl exec -i` ask for (a TTY would mangle binary data).
   */
  streams?: 'terminal' | 'pipes';
}

/**
 * The exec upgrade URL for a cluster server URL such as "https://10.0.0.1:6443" or "https://rancher.example/k8s/clusters/c-1"
 * (a path prefix is kept: proxies like Rancher serve the API below one). Sends only the true flags, like kubectl, and
 * no stderr: with a TTY the server merges it into stdout and refuses a separate stream.
 */
export function buildExecUrl(server: string, target: ExecTarget): string {
  if (target.command.length === 0) throw new RangeError('the exec command needs at least one argument');
  const url = new URL(server);
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:') url.protocol = 'ws:';
  else throw new RangeError(`the cluster server URL must start with https:// or http://, got ${url.protocol}//`);
  const prefix = url.pathname.replace(/\/+$/, '');
  const segment = encodeURIComponent;
  url.pathname = `${prefix}/api/v1/namespaces/${segment(target.namespace)}/pods/${segment(target.pod)}/exec`;
  // encodeURIComponent rather than URLSearchParams: "%20" for a space reads the same to every server, "+" only to some.
  const query = target.command.map((argument) => `command=${encodeURIComponent(argument)}`);
  if (target.container !== null) query.push(`container=${encodeURIComponent(target.container)}`);
  if (target.streams === 'pipes') query.push('stdin=true', 'stdout=true', 'stderr=true');
  else query.push('stdin=true', 'stdout=true', 'tty=true');
  url.search = `?${query.join('&')}`;
  url.hash = '';
  return url.toString();
}

/**
 * The attach upgrade URL (`pods/{pod}/attach`): the same stream protocol as exec, joined to the container's own process
 * instead of starting one, so there is no command. kubectl attach -it sends these flags (no stderr with a TTY).
 */
export function buildAttachUrl(server: string, target: { namespace: string; pod: string; container: string }): string {
  const url = new URL(buildExecUrl(server, { ...target, command: ['-'] }));
  url.pathname = url.pathname.replace(/\/exec$/, '/attach');
  url.search = `?container=${encodeURIComponent(target.container)}&stdin=true&stdout=true&tty=true`;
  return url.toString();
}

/** A binary frame: the channel byte, then the payload. */
export function encodeFrame(channel: number, payload: Uint8Array | string): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const frame = Buffer.allocUnsafe(bytes.byteLength + 1);
  frame[0] = channel;
  frame.set(bytes, 1);
  return frame;
}

/** Resize: the server matches field names case-insensitively; these are the names of remotecommand.TerminalSize. */
export function resizeFrame(cols: number, rows: number): Buffer {
  return encodeFrame(ExecChannel.resize, JSON.stringify({ Width: cols, Height: rows }));
}

/** v5 "no more stdin": the remote shell reads EOF, which ends it. */
export const STDIN_EOF_FRAME: Buffer = Buffer.from([ExecChannel.close, ExecChannel.stdin]);

/** The fields of a metav1.Status that matter here; everything is optional because it comes from a server. */
export interface ApiStatus {
  status: string | null;
  message: string | null;
  reason: string | null;
  code: number | null;
  causes: Array<{ reason: string | null; message: string | null }>;
}

function stringField(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === 'string' ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a metav1.Status, or returns null when the text is not one (an HTML error page from a proxy, say). */
export function parseApiStatus(text: string): ApiStatus | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const status = stringField(parsed, 'status');
  const message = stringField(parsed, 'message');
  if (status === null && message === null) return null;
  const details = isRecord(parsed.details) ? parsed.details : {};
  const causes = Array.isArray(details.causes) ? details.causes.filter(isRecord) : [];
  return {
    status,
    message,
    reason: stringField(parsed, 'reason'),
    code: typeof parsed.code === 'number' ? parsed.code : null,
    causes: causes.map((cause) => ({ reason: stringField(cause, 'reason'), message: stringField(cause, 'message') })),
  };
}

/** What channel 3 said. */
export type ExecStatus =
  /** The command exited 0. */
  | { kind: 'exited'; code: number }
  /** The command exited non-zero; code null when the server named no code. */
  | { kind: 'exitedNonZero'; code: number | null; message: string }
  /** The command could not run or was cut off (InternalError "executable file not found", "container not running"). */
  | { kind: 'failed'; reason: string | null; message: string };

/** Reads a channel-3 payload. Anything that is not a Status JSON (v1 servers send plain text) counts as a failure. */
export function parseExecStatus(payload: Uint8Array): ExecStatus {
  const text = Buffer.from(payload).toString('utf8');
  const status = parseApiStatus(text);
  if (status === null) return { kind: 'failed', reason: null, message: text.trim() || 'an unreadable exec status' };
  if (status.status === 'Success') return { kind: 'exited', code: 0 };
  const message = status.message ?? 'the command failed';
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.causes.find((c) => c.reason === 'ExitCode');
    // client-go reads the code from the cause; the message repeats it ("…, exit code 3") for older servers.
    const text = cause?.message ?? /exit code (\d+)/.exec(message)?.[1] ?? null;
    const code = text !== null && /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
    return { kind: 'exitedNonZero', code, message };
  }
  return { kind: 'failed', reason: status.reason, message };
}

/**
 * Runs in `sh` (the one shell POSIX guarantees) and replaces itself with the best shell the image has. It probes with
 * `command -v` first because in a non-interactive POSIX shell a failed `exec` ends the script: `exec bash || exec sh`
 * never reaches the second shell.
 */
export const SHELL_PROBE =
  'command -v bash >/dev/null 2>&1 && exec bash || { command -v ash >/dev/null 2>&1 && exec ash; } || exec sh';

/** A single word that is safe to run as a program without a shell: a name or path, no spaces, quotes or operators. */
const PLAIN_PROGRAM = /^[A-Za-z0-9_./+@%:,-]+$/;

/**
 * The exec argv for a pod record's shell override.
 * - No override (null, undefined or blank): `sh -c SHELL_PROBE`, the best shell the image has.
 * - A single program name or path ("/bin/zsh", "bash", "/busybox/sh"): run directly, without `sh`, so it also works in
 *   images whose only shell is not at /bin/sh.
 * - Anything else ("bash -l", "tmux attach || bash", "TERM=xterm zsh"): a command line, run by `sh -c` so arguments,
 *   quoting and operators mean what they mean in a terminal.
 */
export function shellCommand(override: string | null | undefined): string[] {
  const line = override?.trim() ?? '';
  if (line === '') return ['sh', '-c', SHELL_PROBE];
  if (PLAIN_PROGRAM.test(line)) return [line];
  return ['sh', '-c', line];
}
