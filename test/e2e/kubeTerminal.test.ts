/**
 * Kubernetes paths end to end in real Chromium: a record with only a kubeconfig opens over exec against the test API
 * server; a record whose cluster is dead falls back to the real sshd and the tab says why; a pod with several
 * containers offers the picker; Refresh reports what it found.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { missingServer } from '../harness/skipReasons';
import { findFreePort, startSshd, type SshdHarness } from '../harness/sshd';
import {
  fillSshKeyFileLogin,
  newRecordForm,
  openRecord,
  saveRecordForm,
  saveScreenshot,
  terminalText,
  typeInTerminal,
  waitForPrompt,
  waitForTerminalText,
} from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the Kubernetes e2e tests');

let kube: KubeApiServer | null = null;
let sshd: SshdHarness | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  kube = await startKubeApiServer();
  sshd = await startSshd();
  if (!kube || !sshd) return;
  ({ app, browser, page } = await openAppInBrowser());
});
afterAll(() => closeAll(browser, app, sshd, kube));

const needsServers = () => missingServer({ kube, sshd });

async function fillKubeRecord(name: string, podName: string): Promise<void> {
  await newRecordForm(page, name);
  await page.getByLabel('Namespace', { exact: true }).fill('default');
  await page.getByLabel('Pod name', { exact: true }).fill(podName);
}

describe.skipIf(skipReason !== null)('Kubernetes terminal in the browser', () => {
  it('opens a record that has only a kubeconfig over exec, and the tab names the method', async (context) => {
    const missing = needsServers();
    if (missing) return context.skip(missing);
    await fillKubeRecord('shell pod', 'shell-pod');
    await page.getByLabel('Kubeconfig', { exact: true }).fill(kube!.kubeconfig({ user: 'token' }));
    await saveRecordForm(page, 'shell pod');
    await openRecord(page, 'shell pod');
    await waitForTerminalText(page, /Connected via pod's kubeconfig to default\/shell-pod \(container main\)/);
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo $((6*7))\n');
    await waitForTerminalText(page, /^42\s*$/m);
    await saveScreenshot(page, 'kube-exec');
    expect(kube!.execRequests.at(-1)).toMatchObject({ pod: 'shell-pod', container: 'main', tty: true });
  });

  it('falls back to SSH when the cluster is down, and the tab shows both attempts', async (context) => {
    const missing = needsServers();
    if (missing) return context.skip(missing);
    const deadPort = await findFreePort();
    await fillKubeRecord('dead cluster', 'shell-pod');
    await page.getByLabel('Cluster host', { exact: true }).fill(`https://127.0.0.1:${deadPort}`);
    await page.getByLabel('Token', { exact: true }).fill('a-token-for-a-dead-cluster');
    await fillSshKeyFileLogin(page, sshd!);
    await saveRecordForm(page, 'dead cluster');
    await openRecord(page, 'dead cluster');
    await page.getByRole('button', { name: 'Accept once' }).click({ timeout: 15_000 });
    // A long reason wraps across rows: read the rows as one line.
    await expect
      .poll(async () => (await terminalText(page)).replace(/\n/g, ''), { timeout: 15_000 })
      .toMatch(/✗ token auth failed \(\d+\s?ms\): .*ECONNREFUSED/);
    await waitForTerminalText(page, /Connected via SSH to /);
    await waitForPrompt(page);
    await saveScreenshot(page, 'fallback-to-ssh');
    expect(await terminalText(page)).not.toContain('a-token-for-a-dead-cluster');
  });

  it('offers the container picker for a pod with several containers, starting in the default one', async (context) => {
    const missing = needsServers();
    if (missing) return context.skip(missing);
    await fillKubeRecord('multi pod', 'multi');
    await page.getByLabel('Kubeconfig', { exact: true }).fill(kube!.kubeconfig({ user: 'token' }));
    await saveRecordForm(page, 'multi pod');
    await openRecord(page, 'multi pod');
    await waitForTerminalText(page, /default\/multi \(container sidecar\)/);
    const picker = page.locator('.session-pane:visible').getByLabel('Container');
    await expect.poll(() => picker.inputValue()).toBe('sidecar');
    await saveScreenshot(page, 'container-picker');
    await picker.selectOption('app');
    await waitForTerminalText(page, /default\/multi \(container app\)/);
    await expect.poll(() => kube!.execRequests.at(-1)?.container).toBe('app');
  });

  it('refreshes a record and shows the pod it found', async (context) => {
    const missing = needsServers();
    if (missing) return context.skip(missing);
    await page.getByText('multi pod', { exact: true }).first().click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Found default/multi' }).count()).toBe(1);
    await expect.poll(() => page.getByText('sidecar (default)').count()).toBe(1);
    await saveScreenshot(page, 'refresh');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
  });
});
