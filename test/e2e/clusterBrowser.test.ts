/**
 * The cluster browser in real Chromium against the real browser mode, whose default kubeconfig (KUBECONFIG) has two
 * contexts of the test API server: one that works and one whose token the server refuses. Browse to a pod, filter,
 * save it to the sidebar, open another straight away, see the 401 inline; then a record that follows a workload by
 * label selector connects to the Running, Ready pod and the tab says which.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScratch, type Scratch } from '../harness/dataDir';
import { devAndExpiredKubeconfig, startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
import {
  newRecordForm,
  openRecord,
  saveRecordForm,
  saveScreenshot,
  waitForPrompt,
  waitForTerminalText,
} from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the cluster browser e2e tests');

let kube: KubeApiServer | null = null;
let scratch: Scratch | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  kube = await startKubeApiServer();
  if (!kube) return;
  scratch = await makeScratch('podterm-e2e-clusters-');
  const file = join(scratch.dir, 'config');
  await writeFile(file, devAndExpiredKubeconfig(kube));
  ({ app, browser, page } = await openAppInBrowser({ env: { KUBECONFIG: file } }));
});
afterAll(() => closeAll(browser, app, kube, scratch));

const tree = () => page.getByRole('tree', { name: 'Contexts, namespaces and pods' });
const contextRow = (name: string) => tree().locator('.cluster-context', { hasText: name }).first();
const namespaceRow = (name: string) =>
  tree()
    .locator('.cluster-namespace')
    .filter({ has: page.locator('.cluster-name', { hasText: new RegExp(`^${name}$`) }) });
const podRow = (name: string) => tree().getByRole('treeitem', { name, exact: true });

describe.skipIf(skipReason !== null)('cluster browser', () => {
  it('browses the default kubeconfig to a pod, filters, and saves it to the sidebar', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await page.getByRole('tab', { name: 'Clusters' }).click();
    await expect.poll(() => contextRow('dev').count()).toBe(1);
    await contextRow('dev').click();
    await namespaceRow('default').click();
    await expect.poll(() => podRow('shell-pod').count()).toBe(1);
    await expect.poll(() => podRow('multi').innerText({ timeout: 3000 })).toMatch(/multi\s+Running\s+2\/2\s+2\s+3h/);
    await expect.poll(() => podRow('finished').innerText({ timeout: 3000 })).toContain('Completed');
    await namespaceRow('prod').click();
    await expect.poll(() => podRow('api-canary-2').innerText({ timeout: 3000 })).toContain('ContainerCreating');
    await contextRow('expired').click();
    await expect
      .poll(() => tree().getByRole('alert').innerText({ timeout: 3000 }))
      .toContain('did not accept the credentials of context expired');
    await saveScreenshot(page, 'cluster-browser');

    await page.getByLabel('Filter namespaces and pods').fill('multi');
    await expect.poll(() => podRow('shell-pod').count()).toBe(0);
    await podRow('multi').hover();
    await podRow('multi').getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText('Saved multi to Saved pods').count()).toBe(1);
    await saveScreenshot(page, 'cluster-browser-filtered');

    await page.getByRole('tab', { name: 'Saved' }).click();
    await expect.poll(() => page.locator('.sidebar').getByText('multi', { exact: true }).count()).toBeGreaterThan(0);
  });

  it('opens a pod straight away from the browser, with the keyboard', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    // Ctrl+Shift+B switches to the browser and puts the focus in its filter.
    await page.keyboard.press('Control+Shift+B');
    const filter = page.getByLabel('Filter namespaces and pods');
    await expect.poll(() => filter.evaluate((input) => input === document.activeElement)).toBe(true);
    await filter.fill('shell');
    // Enter in the filter jumps to the first matching pod; Enter on a pod opens it.
    await filter.press('Enter');
    await page.keyboard.press('Enter');
    await waitForTerminalText(page, /Connected via default kubeconfig to default\/shell-pod \(container main\)/);
    await waitForPrompt(page);
    expect(kube!.execRequests.at(-1)).toMatchObject({ namespace: 'default', pod: 'shell-pod', user: 'token-user' });
  });

  it('a record that follows a workload connects to the Running, Ready pod and shows which', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await page.getByRole('tab', { name: 'Saved' }).click();
    await newRecordForm(page, 'api workload');
    await page.getByLabel('Namespace', { exact: true }).fill('prod');
    await page.getByLabel('Label selector', { exact: true }).fill('app=api');
    await page.getByLabel('Kube context', { exact: true }).fill('dev');
    await saveRecordForm(page, 'api workload');
    await openRecord(page, 'api workload');
    await waitForTerminalText(page, /prod\/api-0 \(container api\), picked by app=api/);
    await waitForPrompt(page);
    await saveScreenshot(page, 'selector-record');
    expect(kube!.execRequests.at(-1)).toMatchObject({ namespace: 'prod', pod: 'api-0', container: 'api' });

    // Following the same workload from the browser finds that record instead of making a second one.
    await page.getByRole('tab', { name: 'Clusters' }).click();
    await page.getByLabel('Filter namespaces and pods').fill('api-canary-1');
    await podRow('api-canary-1').click({ button: 'right' });
    await page.getByRole('menuitem', { name: /Follow workload \(app=api\)/ }).click();
    await expect.poll(() => page.getByText('api workload is already saved').count()).toBe(1);
  });

  it('a finished pod is not offered Open; its record, if one exists, offers a running pod instead of Reconnect', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await page.getByRole('tab', { name: 'Clusters' }).click();
    const filter = page.getByLabel('Filter namespaces and pods');
    await filter.fill('finished');
    await expect.poll(() => podRow('finished').count()).toBe(1);
    await podRow('finished').hover();
    // It has no workload label, so there is no running pod to offer: no Open, and a double click says why.
    expect(await podRow('finished').getByRole('button', { name: /^Open/ }).count()).toBe(0);
    await saveScreenshot(page, 'cluster-browser-finished-pod');
    await podRow('finished').dblclick();
    await expect.poll(() => page.getByText(/finished has finished \(Succeeded\): no shell can open/).count()).toBe(1);
    await podRow('finished').click({ button: 'right' });
    expect(await page.getByRole('menuitem', { name: /^Open/ }).count()).toBe(0);
    await page.keyboard.press('Escape');
    const saved = await page.evaluate(() => document.querySelectorAll('[data-testid="pod-row"]').length);

    // A record made by hand for the finished pod: its failure card offers what can work.
    await page.getByRole('tab', { name: 'Saved' }).click();
    expect(await page.locator('[data-testid="pod-row"]').count()).toBe(saved);
    await newRecordForm(page, 'old job');
    await page.getByLabel('Pod name', { exact: true }).fill('finished');
    await page.getByLabel('Kube context', { exact: true }).fill('dev');
    await saveRecordForm(page, 'old job');
    await openRecord(page, 'old job');
    const card = page.locator('.session-card.failed');
    await expect.poll(() => card.innerText({ timeout: 3000 })).toMatch(/This pod has finished/);
    expect(await card.getByRole('button', { name: 'Reconnect' }).count()).toBe(0);
    await saveScreenshot(page, 'finished-pod-card');
    await card.getByRole('button', { name: 'Find a running pod', exact: true }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Clusters' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tab', { name: 'Saved' }).click();
  });
});
