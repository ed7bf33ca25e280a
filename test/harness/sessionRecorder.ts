/**
 * Watching a TerminalSession in tests: its output (bounded, so floods do not eat memory), how it ended, and waiting
 * for either. Shared by the SSH and Kubernetes exec session tests, which drive the same interface.
 */
import { readdir, readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import type { TerminalExit, TerminalSession } from '../../main/core/terminal/terminalSession';
import { eventually, sleep } from './wait';

/** Keeps the first part and the tail of the output only: a flood test sends megabytes nobody needs to keep. */
const KEEP_TEXT_CHARS = 256 * 1024;
const KEEP_TAIL_CHARS = 4 * 1024;

/** Records a session's output and how it ended. */
export function record(session: TerminalSession) {
  const decoder = new TextDecoder();
  let text = '';
  let tail = '';
  let bytes = 0;
  let exit: TerminalExit | null = null;
  let error: Error | null = null;
  session.onData((chunk) => {
    bytes += chunk.byteLength;
    const piece = decoder.decode(chunk, { stream: true });
    if (text.length < KEEP_TEXT_CHARS) text += piece;
    tail = (tail + piece).slice(-KEEP_TAIL_CHARS);
  });
  const exited = new Promise<TerminalExit>((resolve) =>
    session.onExit((status) => {
      exit = status;
      resolve(status);
    }),
  );
  const failed = new Promise<Error>((resolve) =>
    session.onError((e) => {
      error = e;
      resolve(e);
    }),
  );
  return {
    get text() {
      return text;
    },
    get bytes() {
      return bytes;
    },
    get exit() {
      return exit;
    },
    get error() {
      return error;
    },
    exited,
    failed,
    waitFor: (pattern: RegExp) =>
      eventually(`output matching ${pattern}`, () => text.match(pattern) ?? tail.match(pattern) ?? undefined),
  };
}

/** Is the process alive (a zombie counts as gone: containers often have no init to reap it)? */
export async function isRunning(pid: number): Promise<boolean> {
  const state = await processState(pid);
  return state !== null && state !== 'Z';
}

/** The one-letter state from /proc/<pid>/stat (R, S, D, Z, …), or null when there is no such process. */
async function processState(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // The command name in parentheses may itself contain spaces and parentheses: the state follows the last ')'.
  return stat.charAt(stat.lastIndexOf(')') + 2);
}

/** How long a shell must stay blocked in one wait, without a child, to count as waiting at its prompt. */
const AT_PROMPT_STILL_MS = 100;

/**
 * True when an interactive shell waits for input at its prompt: asleep (state S) with no child besides `jobs`, and
 * still in that same sleep AT_PROMPT_STILL_MS later (no context switch in between). Asleep alone is not enough: a
 * shell running PROMPT_COMMAND (pyenv's hook in root's .bashrc, a git prompt) sleeps too, reading a command
 * substitution from its child, and bash hangs up no jobs when its terminal goes away then: it runs PROMPT_COMMAND as a
 * non-interactive shell.
 */
export async function isAtPrompt(pid: number, jobs: readonly number[]): Promise<boolean> {
  const before = await schedulingOf(pid);
  if (before?.state !== 'S') return false;
  if ((await childrenOf(pid)).some((child) => !jobs.includes(child))) return false;
  await sleep(AT_PROMPT_STILL_MS);
  const after = await schedulingOf(pid);
  return after?.state === 'S' && after.switches === before.switches;
}

/** The process's state letter and how many times it was switched out so far, or null when it is gone. */
async function schedulingOf(pid: number): Promise<{ state: string; switches: string } | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  if (status === null) return null;
  const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(status)?.[1] ?? '';
  return {
    state: field('State'),
    switches: `${field('voluntary_ctxt_switches')}/${field('nonvoluntary_ctxt_switches')}`,
  };
}

/** The pids whose parent is `pid`, zombies included (read from /proc: not every kernel has …/task/<pid>/children). */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    // The parent pid is the second field after the command name, which may itself contain spaces and parentheses.
    const parent = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    if (parent === String(pid)) children.push(Number(entry));
  }
  return children;
}

/** Bytes the process has written (Linux /proc/<pid>/io "wchar"): proves whether a remote writer is blocked. */
export async function bytesWrittenBy(pid: number): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, 'utf8');
  return Number(/^wchar: (\d+)$/m.exec(io)?.[1]);
}

/**
 * Proves real backpressure on an open shell: floods it with `yes`, pauses, and waits until nothing reaches us AND the
 * remote writer itself is blocked in write() for QUIET_MS (without backpressure `yes` never stops, so this times out);
 * then resumes and sees both move again; closing ends the flood. `label` names the transport in the printed figure.
 */
export async function expectPauseBlocksTheRemoteWriter(session: TerminalSession, label: string): Promise<void> {
  const QUIET_MS = 700;
  const out = record(session);
  // `exec` makes the printed pid the flood's own, so /proc shows whether the remote writer is blocked.
  session.write(`sh -c 'echo "FLOODPID:$$"; exec yes podterm-flood-line'\n`);
  const floodPid = Number((await out.waitFor(/FLOODPID:(\d+)/))[1]);
  await eventually('the flood to flow', () => (out.bytes > 1_000_000 ? true : undefined));

  session.pause();
  const atPause = out.bytes;
  // What was already in flight may still land (how long depends on the machine's load); then everything must be still.
  let settledBytes = -1;
  let settledWritten = -1;
  await eventually('the flood to stop reaching us and the remote writer to block', async () => {
    const bytes = out.bytes;
    const written = await bytesWrittenBy(floodPid);
    await sleep(QUIET_MS);
    if (out.bytes !== bytes || (await bytesWrittenBy(floodPid)) !== written) return undefined;
    settledBytes = bytes;
    settledWritten = written;
    return true;
  });
  console.info(
    `${label} pause(): ${settledBytes - atPause} bytes arrived after pause() (already in flight); ` +
      `then nothing for ${QUIET_MS} ms and the remote writer was blocked`,
  );

  session.resume();
  await eventually('the flood to flow again', () => (out.bytes > settledBytes + 1_000_000 ? true : undefined));
  // The first megabytes after resume() come from buffers; then the remote writer itself moves again.
  await eventually('the remote writer to run again', async () =>
    (await bytesWrittenBy(floodPid)) > settledWritten ? true : undefined,
  );
  await session.close();
  await eventually('the flood to stop', async () => ((await isRunning(floodPid)) ? undefined : true));
}

/** Expects opening a session to fail with a `type` error; a shell that opens anyway is closed and fails the test. */
export async function expectOpenFailure<E extends Error>(
  opening: Promise<TerminalSession>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const error = await opening.then(
    async (session) => {
      await session.close();
      throw new Error(`expected opening to fail with ${type.name}, but a shell opened`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}
