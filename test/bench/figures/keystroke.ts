/**
 * B4: keystroke → echo drawn. In the app (SSH and exec tabs) and in the bare page (whose WebSocket server echoes at
 * once), timed in the page from the keydown to the rows changing; raw ssh2 with TCP_NODELAY and a raw exec WebSocket
 * give the transport's own round trip. "Added" = the app's percentile − (the raw transport's + the bare page's).
 * Then the same while another tab floods (`yes`), against the bare page under its own flow-controlled flood.
 */
import type { Page } from 'playwright-core';
import { activateTab, clearScreen, openTab, typeLine } from '../app';
import type { BenchContext } from '../context';
import { armProbe, probeResult, until } from '../pageProbe';
import { interleave, row, summarize, type Row, type Summary } from '../stats';
import { rawExecShell, rawSsh2Shell } from '../transports';
import { EXEC_RECORD, FLOOD_RECORD, pageSessions, SSH_RECORD } from './sessions';

/** Characters typed per burst before the line is cleared (Ctrl-U), so the line never wraps. */
const BURST = 20;
const KEY_TIMEOUT_MS = 10_000;

/** Echo times (ms) of `count` key presses in the page's visible terminal. */
async function pageEchoes(page: Page, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    await armProbe(page, { start: 'keydown', condition: { kind: 'changed' }, timeoutMs: KEY_TIMEOUT_MS });
    await page.keyboard.press('x');
    samples.push(await probeResult(page));
  }
  await page.keyboard.press('Control+U');
  return samples;
}

/** Echo times (ms) of `count` bytes written to a raw shell: write → first byte back. */
async function rawEchoes(
  shell: { write(data: string): void; onData(listener: (chunk: Buffer) => void): void },
  count: number,
  listeners: { next: (() => void) | null },
): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const echoed = new Promise<void>((resolve) => (listeners.next = resolve));
    const begin = performance.now();
    shell.write('x');
    await echoed;
    samples.push(performance.now() - begin);
  }
  shell.write('\u0015');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return samples;
}

async function rawShell(kind: 'ssh2' | 'exec', context: BenchContext) {
  const shell = kind === 'ssh2' ? await rawSsh2Shell(await context.sshd()) : await rawExecShell(await context.kube());
  const listeners: { next: (() => void) | null } = { next: null };
  shell.onData(() => {
    const next = listeners.next;
    listeners.next = null;
    next?.();
  });
  // The login shell's start-up (rc files) must be over before anything is timed: wait for its prompt.
  let seen = '';
  shell.onData((chunk) => (seen = (seen + chunk.toString('latin1')).slice(-256)));
  await until(`the raw ${kind} prompt`, () => /[$#] $/.test(seen), 60_000);
  return { shell, listeners };
}

function addedRow(name: string, app: Summary, raw: Summary, bare: Summary, rawName: string): Row {
  const addedP50 = app.p50 - (raw.p50 + bare.p50);
  const addedP99 = app.p99 - (raw.p99 + bare.p99);
  return row({
    figure: 'B4',
    name,
    unit: 'ms',
    value: app.p50,
    stat: 'p50',
    summary: app,
    baseline: {
      name: `${rawName} ${raw.p50.toFixed(2)} (p99 ${raw.p99.toFixed(2)}) + bare page ${bare.p50.toFixed(2)} (p99 ${bare.p99.toFixed(2)})`,
      value: raw.p50 + bare.p50,
    },
    target: { text: 'added p50 ≤ 1.5 ms', actual: addedP50, bound: 1.5, kind: 'max' },
    note: `added p99 ${addedP99.toFixed(1)} ms; target ≤ 6 ms`,
  });
}

export async function keystroke(context: BenchContext): Promise<Row[]> {
  const sessions = await pageSessions(context);
  const { page, bare } = sessions;
  await bare.evaluate(() => (window as unknown as { benchEcho(): Promise<void> }).benchEcho());
  await bare.evaluate(() => (window as unknown as { benchTerm: { reset(): void } }).benchTerm.reset());
  const ssh2 = await rawShell('ssh2', context);
  const exec = await rawShell('exec', context);
  const rounds = context.size(5, 1);
  const burst = context.size(BURST, 10);
  const focusBare = () => bare.locator('[data-testid="terminal"]').click();
  try {
    const quiet = await interleave(rounds, {
      ssh: async () => (await activateTab(page, SSH_RECORD), pageEchoes(page, burst)),
      exec: async () => (await activateTab(page, EXEC_RECORD), pageEchoes(page, burst)),
      bare: async () => (await focusBare(), pageEchoes(bare, burst)),
      rawSsh2: () => rawEchoes(ssh2.shell, burst, ssh2.listeners),
      rawExec: () => rawEchoes(exec.shell, burst, exec.listeners),
    });

    // The flood: `yes` in another tab of the same page; the bare page floods a hidden terminal of its own.
    await openTab(page, FLOOD_RECORD);
    await typeLine(page, 'yes');
    await bare.evaluate(() => (window as unknown as { benchFlood(): Promise<void> }).benchFlood());
    let flooded;
    try {
      flooded = await interleave(rounds, {
        ssh: async () => (await activateTab(page, SSH_RECORD), pageEchoes(page, burst)),
        bare: async () => (await focusBare(), pageEchoes(bare, burst)),
      });
    } finally {
      await bare.evaluate(() => (window as unknown as { benchStopFlood(): void }).benchStopFlood());
      await activateTab(page, FLOOD_RECORD);
      await page.keyboard.press('Control+C');
      await until('the flood to stop', async () => {
        await clearScreen(page).catch(() => undefined);
        return true;
      });
      await page
        .getByTestId('tab')
        .filter({ hasText: FLOOD_RECORD })
        .getByRole('button', { name: 'Close tab' })
        .click();
    }

    const q = Object.fromEntries(Object.entries(quiet).map(([key, samples]) => [key, summarize(samples)])) as Record<
      keyof typeof quiet,
      Summary
    >;
    const f = { ssh: summarize(flooded.ssh), bare: summarize(flooded.bare) };
    return [
      addedRow('SSH keystroke → echo drawn', q.ssh, q.rawSsh2, q.bare, 'raw ssh2 (TCP_NODELAY)'),
      addedRow('exec keystroke → echo drawn', q.exec, q.rawExec, q.bare, 'raw exec WebSocket'),
      row({
        figure: 'B4',
        name: 'SSH keystroke → echo drawn while another tab floods (`yes`)',
        unit: 'ms',
        value: f.ssh.p99,
        stat: 'p99',
        summary: f.ssh,
        baseline: { name: 'bare page under its own flood (p99)', value: f.bare.p99, summary: f.bare },
        target: { text: 'p99 ≤ 16 ms over the bare page', actual: f.ssh.p99 - f.bare.p99, bound: 16, kind: 'max' },
        note: `p50 ${f.ssh.p50.toFixed(1)} ms vs bare ${f.bare.p50.toFixed(1)} ms`,
      }),
    ];
  } finally {
    ssh2.shell.close();
    exec.shell.close();
  }
}
