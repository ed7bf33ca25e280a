/**
 * B2: session throughput of a corpus `cat`, in the page (tab → screen) against the bare xterm.js page fed the same
 * bytes, and in Node (the core's session and pipe → @xterm/headless with acks) against min(parser, transport), with
 * OpenSSH and kubectl through a remote pty as the transport ceiling and VS Code's flow-control constants in the same
 * pipe as Podterm's. B5: the default renderer against the DOM renderer and the bare page.
 */
import type { Page } from 'playwright-core';
import { activateTab, clearScreen } from '../app';
import type { BenchContext } from '../context';
import { END_MARKER, type Corpus } from '../corpus';
import { openCoreSession, openPipeSession, PODTERM_CONSTANTS, VS_CODE_CONSTANTS } from '../nodePipes';
import { armProbe, probeResult } from '../pageProbe';
import { interleave, row, summarize, type Row } from '../stats';
import { kubeconfigFile, kubectlRate, opensshRate } from '../transports';
import { parseRate } from './parser';
import { EXEC_RECORD, pageSessions, SSH_RECORD } from './sessions';

const MARKER_LINE = { kind: 'matches', source: `^${END_MARKER}` } as const;
const CORPUS_TIMEOUT_MS = 180_000;

/** MB/s of `cat corpus` in the app's tab for the record, from Enter to the marker drawn. */
export async function appRate(page: Page, record: string, corpus: Corpus): Promise<number> {
  await activateTab(page, record);
  await page.keyboard.type(`cat ${corpus.file}; echo BENCH-$((40+2))-END`);
  await armProbe(page, { start: 'keydown', condition: MARKER_LINE, timeoutMs: CORPUS_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  const ms = await probeResult(page);
  await clearScreen(page);
  return corpus.screenBytes.length / 1e3 / ms;
}

/** MB/s of the same bytes fed to the bare page over its WebSocket, from the request to the marker drawn. */
export async function bareRate(bare: Page, corpus: Corpus): Promise<number> {
  await bare.evaluate(() => (window as unknown as { benchTerm: { reset(): void } }).benchTerm.reset());
  await armProbe(bare, { start: 'now', condition: MARKER_LINE, timeoutMs: CORPUS_TIMEOUT_MS });
  void bare.evaluate(
    (file) => (window as unknown as { benchFeed(file: string): Promise<void> }).benchFeed(file),
    corpus.screenFile,
  );
  const ms = await probeResult(bare);
  return corpus.screenBytes.length / 1e3 / ms;
}

export async function throughput(context: BenchContext): Promise<Row[]> {
  const sessions = await pageSessions(context);
  const [corpus] = await context.corpora();
  const [sshd, kube] = await Promise.all([context.sshd(), context.kube()]);
  const kubeconfig = await kubeconfigFile(context, kube);
  const rounds = context.size(5, 2);
  const { page, bare } = sessions;

  const pageSamples = await interleave(rounds, {
    exec: () => appRate(page, EXEC_RECORD, corpus!),
    ssh: () => appRate(page, SSH_RECORD, corpus!),
    bare: () => bareRate(bare, corpus!),
  });

  const coreExec = await openCoreSession('exec', { sshd, kube });
  const coreSsh = await openCoreSession('ssh', { sshd, kube });
  const pipe = await openPipeSession(sshd);
  let nodeSamples;
  try {
    nodeSamples = await interleave(rounds, {
      parser: () => parseRate(corpus!.screenBytes),
      openssh: () => opensshRate(sshd, corpus!),
      kubectl: () => kubectlRate(kubeconfig, corpus!),
      coreExec: () => coreExec.run(corpus!),
      coreSsh: () => coreSsh.run(corpus!),
      pipeVsCode: () => pipe.run(corpus!, VS_CODE_CONSTANTS),
      pipePodterm: () => pipe.run(corpus!, PODTERM_CONSTANTS),
    });
  } finally {
    await coreExec.close();
    await coreSsh.close();
    pipe.close();
  }

  const s = Object.fromEntries(
    Object.entries({ ...pageSamples, ...nodeSamples }).map(([key, samples]) => [key, summarize(samples)]),
  ) as Record<keyof typeof pageSamples | keyof typeof nodeSamples, ReturnType<typeof summarize>>;
  const mb = (corpus!.screenBytes.length / 2 ** 20).toFixed(0);
  const bareBaseline = {
    name: 'bare xterm.js page, same bytes over a local WebSocket',
    value: s.bare.p50,
    summary: s.bare,
  };
  const pageRow = (key: 'exec' | 'ssh', label: string) =>
    row({
      figure: 'B2',
      name: `${label} tab → screen, ${corpus!.name} ${mb} MiB, renderer ${sessions.renderer}`,
      unit: 'MB/s',
      value: s[key].p50,
      stat: 'p50',
      summary: s[key],
      baseline: bareBaseline,
      target: { text: '≥ 0.95 of the bare page', actual: s[key].p50 / s.bare.p50, bound: 0.95, kind: 'min' },
    });
  const ceiling = (transport: number) => Math.min(s.parser.p50, transport);
  const nodeRow = (key: 'coreExec' | 'coreSsh', label: string, transport: 'kubectl' | 'openssh') =>
    row({
      figure: 'B2',
      name: `Node: ${label} through the core → @xterm/headless with acks`,
      unit: 'MB/s',
      value: s[key].p50,
      stat: 'p50',
      summary: s[key],
      baseline: {
        name: `min(parser ${s.parser.p50.toFixed(1)}, ${transport === 'kubectl' ? '`kubectl exec -t`' : 'OpenSSH `ssh -tt`'} ${s[transport].p50.toFixed(1)})`,
        value: ceiling(s[transport].p50),
      },
      target: {
        text: '≥ 0.85 of min(B1, transport)',
        actual: s[key].p50 / ceiling(s[transport].p50),
        bound: 0.85,
        kind: 'min',
      },
    });
  const sshCeiling = ceiling(s.openssh.p50);
  return [
    pageRow('exec', 'exec'),
    pageRow('ssh', 'SSH'),
    nodeRow('coreExec', 'exec', 'kubectl'),
    nodeRow('coreSsh', 'SSH', 'openssh'),
    row({
      figure: 'B2',
      name: 'transport ceiling: OpenSSH `ssh -tt` cat → discarded',
      unit: 'MB/s',
      value: s.openssh.p50,
      stat: 'p50',
      summary: s.openssh,
    }),
    row({
      figure: 'B2',
      name: 'transport ceiling: `kubectl exec -t` cat → discarded',
      unit: 'MB/s',
      value: s.kubectl.p50,
      stat: 'p50',
      summary: s.kubectl,
    }),
    row({
      figure: 'B2',
      name: "pipe (sshd pty → ssh2 → batcher → MessagePort → headless with acks), Podterm's constants",
      unit: 'MB/s',
      value: s.pipePodterm.p50,
      stat: 'p50',
      summary: s.pipePodterm,
      baseline: {
        name: "same pipe, VS Code's constants (pause 100k, resume 5k, ack 5k, 5 ms trailing batch)",
        value: s.pipeVsCode.p50,
        summary: s.pipeVsCode,
      },
      note: `of the SSH ceiling: ${(s.pipePodterm.p50 / sshCeiling).toFixed(2)} (VS Code's ${(s.pipeVsCode.p50 / sshCeiling).toFixed(2)})`,
    }),
  ];
}

/** B5: the app's default renderer against the DOM renderer (same tab, setting switched) and the bare page. */
export async function renderers(context: BenchContext): Promise<Row[]> {
  const sessions = await pageSessions(context);
  const [corpus] = await context.corpora();
  const { page, bare, handle } = sessions;
  const rounds = context.size(3, 1);
  const { renderer: initial } = await handle.api.request<{ renderer: string }>('settings.get', {});
  const rendererNow = () => page.locator('[data-testid="terminal"]:visible').first().getAttribute('data-renderer');
  const withRenderer = async (setting: string) => {
    await handle.api.request('settings.save', { renderer: setting });
    // The page hears of settings saved elsewhere, or picks them up on reload; wait for the tab to redraw with it.
    await activateTab(page, SSH_RECORD);
  };
  const samples: Record<'default' | 'dom' | 'bare', number[]> = { default: [], dom: [], bare: [] };
  const used: Record<'default' | 'dom', string | null> = { default: null, dom: null };
  try {
    for (let round = 0; round < rounds; round++) {
      await withRenderer('auto');
      used.default = await rendererNow();
      samples.default.push(await appRate(page, SSH_RECORD, corpus!));
      await withRenderer('dom');
      used.dom = await rendererNow();
      samples.dom.push(await appRate(page, SSH_RECORD, corpus!));
      samples.bare.push(await bareRate(bare, corpus!));
    }
  } finally {
    await handle.api.request('settings.save', { renderer: initial });
  }
  const d = summarize(samples.default);
  const dom = summarize(samples.dom);
  const b = summarize(samples.bare);
  return [
    row({
      figure: 'B5',
      name: `default renderer ('auto', drew with ${used.default ?? '?'}), SSH tab`,
      unit: 'MB/s',
      value: d.p50,
      stat: 'p50',
      summary: d,
      baseline: { name: `DOM renderer setting (drew with ${used.dom ?? '?'})`, value: dom.p50, summary: dom },
      target: {
        text: 'never slower than DOM (≥ 0.95 allowing noise)',
        actual: d.p50 / dom.p50,
        bound: 0.95,
        kind: 'min',
      },
    }),
    row({
      figure: 'B5',
      name: 'default renderer vs the bare page with the same (DOM) renderer',
      unit: 'MB/s',
      value: d.p50,
      stat: 'p50',
      summary: d,
      baseline: { name: 'bare xterm.js page, DOM renderer', value: b.p50, summary: b },
      target: { text: '≥ 0.95 of the bare page', actual: d.p50 / b.p50, bound: 0.95, kind: 'min' },
    }),
  ];
}
