/**
 * Debug containers end to end in real Chromium against the test API server: a distroless pod's "no shell" card offers
 * "Debug with an ephemeral container", which attaches the tab to a debug shell that sees the target's processes and
 * says it is a debug container; the record's menu opens one directly.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, targetCommandLine, type KubeApiServer } from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
import {
  newRecordForm,
  saveRecordForm,
  saveScreenshot,
  openRecord,
  typeInTerminal,
  waitForPrompt,
  waitForTerminalText,
} from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the debug container e2e tests');

let kube: KubeApiServer | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  kube = await startKubeApiServer();
  if (!kube) return;
  ({ app, browser, page } = await openAppInBrowser());
});
afterAll(() => closeAll(browser, app, kube));

async function saveKubeRecord(name: string, podName: string): Promise<void> {
  await newRecordForm(page, name);
  await page.getByLabel('Namespace', { exact: true }).fill('default');
  await page.getByLabel('Pod name', { exact: true }).fill(podName);
  await page.getByLabel('Kubeconfig', { exact: true }).fill(kube!.kubeconfig({ user: 'token' }));
  await saveRecordForm(page, name);
}

describe.skipIf(skipReason !== null)('debug containers in the browser', () => {
  it('opens a debug container from the "no shell" card; its shell sees the target process', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await saveKubeRecord('distroless pod', 'distroless');
    await openRecord(page, 'distroless pod');
    const card = page.getByRole('status').filter({ hasText: 'No shell in this container' });
    await card.waitFor({ timeout: 15_000 });
    await saveScreenshot(page, 'debug-no-shell-card');
    await card.getByRole('button', { name: 'Debug with an ephemeral container' }).click();
    await waitForTerminalText(page, /debug container podterm-debug-[a-z0-9]{5}, image busybox, targeting app/);
    await waitForPrompt(page);
    await typeInTerminal(page, 'ps -eo pid,args\n');
    await waitForTerminalText(page, new RegExp(targetCommandLine('distroless', 'app')));
    const bar = page.locator('.session-pane:visible').getByTestId('debug-bar');
    await expect.poll(() => bar.textContent()).toMatch(/Debug container.*podterm-debug-\w+ \(busybox\)/);
    await expect.poll(() => page.getByTestId('tab').filter({ hasText: 'debug' }).count()).toBe(1);
    await saveScreenshot(page, 'debug-container');
    expect(kube.debugContainers.attachRequests.at(-1)).toMatchObject({ pod: 'distroless', tty: true, stdin: true });
  });

  it("opens one from the record's menu", async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await saveKubeRecord('shell pod', 'shell-pod');
    const before = kube.debugContainers.requests.length;
    await page.getByText('shell pod', { exact: true }).first().click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Debug with an ephemeral container' }).click();
    await waitForTerminalText(
      page,
      /default\/shell-pod \(debug container podterm-debug-\w+, image busybox, targeting main\)/,
    );
    await waitForPrompt(page);
    expect(kube.debugContainers.requests.length).toBe(before + 1);
  });

  it('takes the image from Settings, and shows a pull failure with its reason', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    kube.debugContainers.controls.unpullableImages.add('registry.invalid/tools:1');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Debug containers' }).click();
    const image = page.getByLabel('Image', { exact: true });
    await image.fill('registry.invalid/tools:1');
    await image.press('Enter');
    await page.getByLabel('Per context', { exact: true }).fill('nowhere = busybox');
    await image.focus();
    await saveScreenshot(page, 'debug-settings');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText('shell pod', { exact: true }).first().click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Debug with an ephemeral container' }).click();
    const card = page.getByRole('status').filter({ hasText: 'cannot be pulled' });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toMatch(
      /The debug image "registry\.invalid\/tools:1" cannot be pulled \((ErrImagePull|ImagePullBackOff): /,
    );
    await saveScreenshot(page, 'debug-image-pull-failure');
  });
});
