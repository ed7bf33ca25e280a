/**
 * B8: click on an exec record → its prompt drawn, against `kubectl exec -it` to the same pod (spawn → prompt bytes on
 * its terminal). B9: click on a record whose cluster is unreachable / refuses / answers 401 → the SSH fallback's prompt
 * drawn. Both in an app instance of their own, each sample in a new tab closed afterwards.
 */
import pty from '@lydell/node-pty';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { closeAllTabs, openTab, PROMPT_PATTERN, reload, saveExecRecord, saveSshRecord } from '../app';
import type { BenchContext } from '../context';
import { armProbe, probeResult } from '../pageProbe';
import { interleave, row, summarize, type Row } from '../stats';
import { findFreePort } from '../../harness/sshd';
import { KUBECTL, kubeconfigFile } from '../transports';

const CONNECT_TIMEOUT_MS = 60_000;

/** Click on the record in the sidebar → the last drawn row is a prompt, timed in the page. */
async function clickToPrompt(page: Page, record: string): Promise<number> {
  await closeAllTabs(page);
  await armProbe(page, {
    start: 'click',
    condition: { kind: 'lastLine', source: PROMPT_PATTERN },
    timeoutMs: CONNECT_TIMEOUT_MS,
  });
  await page.getByText(record, { exact: true }).first().click();
  const ms = await probeResult(page);
  await closeAllTabs(page);
  return ms;
}

/** `kubectl exec -it shell-pod -- bash` on a terminal of its own: spawn → the prompt's bytes. */
function kubectlToPrompt(kubeconfig: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const begin = performance.now();
    const child = pty.spawn(KUBECTL, ['exec', '-it', 'shell-pod', '--', 'bash'], {
      cols: 120,
      rows: 40,
      env: { ...process.env, KUBECONFIG: kubeconfig } as Record<string, string>,
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`kubectl gave no prompt: ${output.slice(-300)}`));
    }, CONNECT_TIMEOUT_MS);
    child.onData((data) => {
      output += data;
      if (/[$#] $/.test(output)) {
        clearTimeout(timer);
        const ms = performance.now() - begin;
        child.kill();
        resolve(ms);
      }
    });
  });
}

/** A TCP port that accepts and never answers (a cluster behind a black-holing firewall or a hung load balancer). */
async function silentServer(context: BenchContext): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  context.onStop(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

export async function connect(context: BenchContext): Promise<Row[]> {
  const [handle, kube] = await Promise.all([context.appHandle('connect'), context.kube()]);
  const kubeconfig = await kubeconfigFile(context, kube);
  await saveExecRecord(handle, kube, 'bench click exec');
  await reload(handle.page);
  const samples = await interleave(context.size(9, 2), {
    app: () => clickToPrompt(handle.page, 'bench click exec'),
    kubectl: () => kubectlToPrompt(kubeconfig),
  });
  const app = summarize(samples.app);
  const kubectl = summarize(samples.kubectl);
  return [
    row({
      figure: 'B8',
      name: 'click → exec prompt drawn (test API server)',
      unit: 'ms',
      value: app.p50,
      stat: 'p50',
      summary: app,
      baseline: { name: '`kubectl exec -it` to the same pod, spawn → prompt', value: kubectl.p50, summary: kubectl },
      target: { text: 'p50 ≤ 0.5 × kubectl', actual: app.p50 / kubectl.p50, bound: 0.5, kind: 'max' },
    }),
  ];
}

export async function fallback(context: BenchContext): Promise<Row[]> {
  const [handle, kube, sshd] = await Promise.all([context.appHandle('connect'), context.kube(), context.sshd()]);
  const silentPort = await silentServer(context);
  const refusedPort = await findFreePort();
  const sshFields = {
    sshHost: sshd.host,
    sshPort: sshd.port,
    sshUser: sshd.keyUser,
    sshAuthKind: 'privateKeyPath',
    sshPrivateKeyPath: sshd.clientKeyPath,
  };
  const token = { token: 'a-token-for-a-cluster-that-is-not-there' };
  await saveSshRecord(handle, sshd, 'bench ssh direct');
  await saveExecRecord(handle, kube, 'bench unreachable', {
    fields: { clusterHost: `https://127.0.0.1:${silentPort}`, ...sshFields },
    secrets: token,
  });
  await saveExecRecord(handle, kube, 'bench refused', {
    fields: { clusterHost: `https://127.0.0.1:${refusedPort}`, ...sshFields },
    secrets: token,
  });
  await saveExecRecord(handle, kube, 'bench 401', {
    fields: sshFields,
    secrets: { kubeconfig: kube.kubeconfig({ user: 'badToken' }) },
  });
  await reload(handle.page);
  // The sshd's host key, remembered once, as a user would have; later samples measure the fallback, not a dialog.
  await openTab(handle.page, 'bench ssh direct');
  await closeAllTabs(handle.page);
  const rounds = context.size(7, 1);
  const samples = await interleave(rounds, {
    direct: () => clickToPrompt(handle.page, 'bench ssh direct'),
    unreachable: () => clickToPrompt(handle.page, 'bench unreachable'),
    refused: () => clickToPrompt(handle.page, 'bench refused'),
    unauthorized: () => clickToPrompt(handle.page, 'bench 401'),
  });
  const direct = summarize(samples.direct);
  const make = (key: 'unreachable' | 'refused' | 'unauthorized', label: string, bound: number) => {
    const s = summarize(samples[key]);
    return row({
      figure: 'B9',
      name: `click → SSH prompt drawn, cluster ${label}`,
      unit: 'ms',
      value: s.p95,
      stat: 'p95',
      summary: s,
      baseline: { name: 'the same SSH login without a cluster (p95)', value: direct.p95, summary: direct },
      target: { text: `p95 ≤ ${bound / 1000} s`, actual: s.p95, bound, kind: 'max' },
      note: `p50 ${s.p50.toFixed(0)} ms`,
    });
  };
  return [
    make('unreachable', 'unreachable (a port that accepts and never answers)', 3000),
    make('refused', 'refusing connections', 1000),
    make('unauthorized', 'answering 401', 1000),
  ];
}
