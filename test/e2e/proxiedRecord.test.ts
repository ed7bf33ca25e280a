/**
 * One proxied record end to end in real Chromium: its kubeconfig reaches the API server only through OpenSSH's
 * `ssh -N -D` (proxy-url: socks5://…) against the harness sshd, by a name only the bastion side resolves
 * (test/harness/proxies.ts) and with tls-server-name, the way private GKE and EKS endpoints are reached. The tab opens
 * a shell over exec and its attempt log names the proxy.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKubeconfig, startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import {
  API_SERVER_NAME,
  privateHostsFile,
  privateHostsProblem,
  startSshSocksProxy,
  type RunningProxy,
} from '../harness/proxies';
import { missingPeer, missingServer } from '../harness/skipReasons';
import { startSshd, type SshdHarness } from '../harness/sshd';
import {
  newRecordForm,
  openRecord,
  saveRecordForm,
  saveScreenshot,
  typeInTerminal,
  waitForPrompt,
  waitForTerminalText,
} from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const skipReason = e2eSkipReason('the proxied-record e2e test');

let kube: KubeApiServer | null = null;
let sshd: SshdHarness | null = null;
let socks: RunningProxy | null = null;
let hostsProblem: string | null = null;
let dir = '';
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  hostsProblem = await privateHostsProblem();
  if (hostsProblem) return;
  dir = await mkdtemp(join(tmpdir(), 'podterm-proxied-e2e-'));
  kube = await startKubeApiServer();
  sshd = await startSshd({ hostsFile: await privateHostsFile(dir) });
  if (!kube || !sshd) return;
  socks = await startSshSocksProxy(sshd);
  ({ app, browser, page } = await openAppInBrowser());
}, 120_000);
afterAll(async () => {
  await socks?.stop();
  await closeAll(browser, app, sshd, kube);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(skipReason !== null)('a record behind a SOCKS proxy (ssh -D) in the browser', () => {
  it('opens a shell through ssh -D and the tab names the proxy', async (context) => {
    if (hostsProblem) return context.skip(missingPeer(hostsProblem));
    const missing = missingServer({ kube, sshd });
    if (missing) return context.skip(missing);
    const kubeconfig = buildKubeconfig([
      {
        contextName: 'private-gke',
        clusterName: 'private-gke',
        userName: 'token-user',
        namespace: 'default',
        server: `https://${API_SERVER_NAME}:${kube!.port}`,
        ca: { pem: kube!.caPem },
        user: { kind: 'token', token: kube!.users.token.token },
        proxyUrl: socks!.url,
        tlsServerName: 'localhost',
      },
    ]);
    await newRecordForm(page, 'behind the bastion');
    await page.getByLabel('Namespace', { exact: true }).fill('default');
    await page.getByLabel('Pod name', { exact: true }).fill('shell-pod');
    await page.getByLabel('Kubeconfig', { exact: true }).fill(kubeconfig);
    await saveRecordForm(page, 'behind the bastion');
    await openRecord(page, 'behind the bastion');
    const proxy = socks!.url.replace(/[/.]/g, '\\$&');
    await waitForTerminalText(
      page,
      new RegExp(`Connected via pod's kubeconfig to default/shell-pod \\(container main\\)\\s*via\\s*${proxy}`),
    );
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo $((6*7))\n');
    await waitForTerminalText(page, /^42\s*$/m);
    await saveScreenshot(page, 'proxied-record-socks');
    expect(kube!.execRequests.at(-1)).toMatchObject({ pod: 'shell-pod', container: 'main', tty: true });
  });
});
