/**
 * B3: Ctrl-C during a `yes` flood until the prompt is drawn, in the app's exec and SSH tabs (keydown → prompt as the
 * last drawn row), against raw exec / raw ssh2 clients (write ^C → the prompt arrives).
 */
import type { Page } from 'playwright-core';
import { activateTab, clearScreen, PROMPT_PATTERN, typeLine } from '../app';
import type { BenchContext } from '../context';
import { armProbe, probeResult, until } from '../pageProbe';
import { interleave, row, summarize, type Row } from '../stats';
import { rawExecShell, rawSsh2Shell } from '../transports';
import { EXEC_RECORD, pageSessions, SSH_RECORD } from './sessions';

/** How long `yes` floods before the ^C: long enough to fill every window on the way. */
const FLOOD_MS = 1_000;
const PROMPT_TIMEOUT_MS = 60_000;

async function appInterrupt(page: Page, record: string): Promise<number> {
  await activateTab(page, record);
  await typeLine(page, 'yes');
  await new Promise((resolve) => setTimeout(resolve, FLOOD_MS));
  await armProbe(page, {
    start: 'keydown',
    condition: { kind: 'lastLine', source: PROMPT_PATTERN },
    timeoutMs: PROMPT_TIMEOUT_MS,
  });
  await page.keyboard.press('Control+C');
  const ms = await probeResult(page);
  await clearScreen(page);
  return ms;
}

async function rawInterrupt(
  shell: { write(data: string): void; onData(listener: (chunk: Buffer) => void): void },
  state: { tail: string; waiter: (() => void) | null },
): Promise<number> {
  shell.write('yes\r');
  await new Promise((resolve) => setTimeout(resolve, FLOOD_MS));
  const prompt = new Promise<void>((resolve) => (state.waiter = resolve));
  state.tail = '';
  const begin = performance.now();
  shell.write('\u0003');
  await prompt;
  return performance.now() - begin;
}

async function rawShell(kind: 'ssh2' | 'exec', context: BenchContext) {
  const shell = kind === 'ssh2' ? await rawSsh2Shell(await context.sshd()) : await rawExecShell(await context.kube());
  const state: { tail: string; waiter: (() => void) | null } = { tail: '', waiter: null };
  const prompt = new RegExp(`\\^C[\\s\\S]*${PROMPT_PATTERN.replace('\\s*$', ' $')}`);
  shell.onData((chunk) => {
    state.tail = (state.tail + chunk.toString('latin1')).slice(-2048);
    if (state.waiter && prompt.test(state.tail)) {
      const waiter = state.waiter;
      state.waiter = null;
      waiter();
    }
  });
  // The login shell's start-up (rc files) must be over before anything is timed: wait for its prompt.
  let seen = '';
  shell.onData((chunk) => (seen = (seen + chunk.toString('latin1')).slice(-256)));
  await until(`the raw ${kind} prompt`, () => /[$#] $/.test(seen), 60_000);
  return { shell, state };
}

export async function interrupt(context: BenchContext): Promise<Row[]> {
  const { page } = await pageSessions(context);
  const ssh2 = await rawShell('ssh2', context);
  const exec = await rawShell('exec', context);
  try {
    const samples = await interleave(context.size(7, 1), {
      exec: () => appInterrupt(page, EXEC_RECORD),
      ssh: () => appInterrupt(page, SSH_RECORD),
      rawExec: () => rawInterrupt(exec.shell, exec.state),
      rawSsh2: () => rawInterrupt(ssh2.shell, ssh2.state),
    });
    const s = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, summarize(values)])) as Record<
      keyof typeof samples,
      ReturnType<typeof summarize>
    >;
    const make = (key: 'exec' | 'ssh', raw: 'rawExec' | 'rawSsh2', label: string, rawName: string) =>
      row({
        figure: 'B3',
        name: `^C during \`yes\` → prompt drawn, ${label} tab`,
        unit: 'ms',
        value: s[key].p95,
        stat: 'p95',
        summary: s[key],
        baseline: { name: `${rawName} (p95)`, value: s[raw].p95, summary: s[raw] },
        target: { text: 'p95 ≤ 100 ms', actual: s[key].p95, bound: 100, kind: 'max' },
        note: `p50 ${s[key].p50.toFixed(0)} ms`,
      });
    return [
      make('exec', 'rawExec', 'exec', 'raw exec WebSocket'),
      make('ssh', 'rawSsh2', 'SSH', 'raw ssh2 (TCP_NODELAY)'),
    ];
  } finally {
    ssh2.shell.close();
    exec.shell.close();
  }
}
