/**
 * The cluster browser on a shared cluster (issue 15), in real Chromium against the real browser mode and the test API
 * server: a namespace-scoped user's kubeconfig dropped on the window browses straight to its pods and opens one; the
 * open tree follows pods added and deleted on the server; a namespace where exec is forbidden says why and offers no
 * Open; a namespace of 20,000 pods shows its first rows before the rest (the time is printed, not asserted) and the
 * filter finds the last one.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScratch, type Scratch } from '../harness/dataDir';
import {
  startKubeApiServer,
  TEAM_NAMESPACE,
  TEAM_READONLY_NAMESPACE,
  type KubeApiServer,
} from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
import { saveScreenshot, waitForPrompt, waitForTerminalText } from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the namespace-scoped cluster browser e2e tests');
/** The size of namespace the issue names: what a big shared cluster's busiest namespace holds. */
const BULK_PODS = 20_000;

let kube: KubeApiServer | null = null;
let scratch: Scratch | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  kube = await startKubeApiServer();
  if (!kube) return;
  kube.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'team-api-0' });
  kube.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'team-worker-0' });
  kube.changes.addPod({ namespace: TEAM_READONLY_NAMESPACE, name: 'report-0' });
  kube.changes.addPods('bulk', BULK_PODS, 'bulk');
  scratch = await makeScratch('podterm-e2e-scoped-');
  // The default kubeconfig is a cluster admin's (for the 20,000-pod namespace); the scoped user's arrives by drop.
  const file = join(scratch.dir, 'config');
  await writeFile(file, kube.kubeconfig({ user: 'token', contextName: 'admin' }));
  ({ app, browser, page } = await openAppInBrowser({ env: { KUBECONFIG: file } }));
}, 120_000);
afterAll(() => closeAll(browser, app, kube, scratch));

const tree = () => page.getByRole('tree', { name: 'Contexts, namespaces and pods' });
const contextRow = (name: string) =>
  tree()
    .locator('.cluster-context')
    .filter({ has: page.locator('.cluster-name', { hasText: new RegExp(`^${name}$`) }) });
const namespaceRow = (name: string) =>
  tree()
    .locator('.cluster-namespace')
    .filter({ has: page.locator('.cluster-name', { hasText: new RegExp(`^${name}$`) }) });
const podRow = (name: string) => tree().getByRole('treeitem', { name, exact: true });

/** Drops a kubeconfig file on the window as a file manager does, and imports its context. */
async function dropKubeconfig(name: string, text: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ([fileName, body]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([body], fileName, { type: 'application/yaml' }));
      return transfer;
    },
    [name, text] as const,
  );
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await dataTransfer.dispose();
  const dialog = page.getByRole('dialog', { name: /import kubeconfig/i });
  await dialog.getByRole('button', { name: 'Import 1 context' }).click();
  await expect.poll(() => dialog.count()).toBe(0);
}

describe.skipIf(skipReason !== null)('cluster browser for a namespace-scoped user', () => {
  it('imports a dropped kubeconfig of a namespace-scoped user, browses straight to its pods and opens one', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await dropKubeconfig('team.yaml', kube.kubeconfig({ user: 'namespaced', contextName: 'team' }));
    await page.getByRole('tab', { name: 'Clusters' }).click();
    await expect.poll(() => contextRow('team').count()).toBe(1);
    await contextRow('team').click();
    // The namespace list is forbidden: the context's own namespace, and one quiet line saying why that is all.
    await expect
      .poll(() => tree().getByTestId('cluster-partial').innerText({ timeout: 3000 }))
      .toMatch(/may not list the cluster's namespaces/);
    expect(await tree().getByRole('alert').count()).toBe(0);
    await namespaceRow(TEAM_NAMESPACE).click();
    await expect.poll(() => podRow('team-api-0').count()).toBe(1);
    await saveScreenshot(page, 'cluster-browser-scoped');
    // Followed live once its list is in: the watch is open.
    await expect.poll(() => namespaceRow(TEAM_NAMESPACE).getAttribute('data-follow')).toBe('watching');
    await podRow('team-api-0').hover();
    await podRow('team-api-0').getByRole('button', { name: 'Open', exact: true }).click();
    await waitForTerminalText(page, /Connected via .* to team\/team-api-0/);
    await waitForPrompt(page);
    expect(kube.execRequests.at(-1)).toMatchObject({ namespace: TEAM_NAMESPACE, pod: 'team-api-0', user: 'team-user' });
    await saveScreenshot(page, 'cluster-browser-scoped-open');
  });

  it('shows a pod added on the server and drops one deleted, in the open tree, without a reload', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await page.getByRole('tab', { name: 'Clusters' }).click();
    await expect.poll(() => podRow('team-worker-0').count()).toBe(1);
    kube.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'team-batch-7' });
    await expect.poll(() => podRow('team-batch-7').count(), { timeout: 15_000 }).toBe(1);
    await saveScreenshot(page, 'cluster-browser-live-added');
    kube.changes.deletePod(TEAM_NAMESPACE, 'team-worker-0');
    await expect.poll(() => podRow('team-worker-0').count(), { timeout: 15_000 }).toBe(0);
    kube.changes.restartPod(TEAM_NAMESPACE, 'team-batch-7');
    await expect
      .poll(() => podRow('team-batch-7').locator('.cluster-restarts').innerText(), { timeout: 15_000 })
      .toBe('1');
    await saveScreenshot(page, 'cluster-browser-live-deleted');

    // Hidden (the sidebar shows Saved), the browser keeps no watch open; shown again, it follows anew.
    expect(kube.changes.openWatches.size).toBeGreaterThan(0);
    await page.getByRole('tab', { name: 'Saved' }).click();
    await expect.poll(() => kube!.changes.openWatches.size, { timeout: 15_000 }).toBe(0);
    kube.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'while-hidden' });
    await page.getByRole('tab', { name: 'Clusters' }).click();
    await expect.poll(() => podRow('while-hidden').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => kube!.changes.openWatches.size, { timeout: 15_000 }).toBeGreaterThan(0);
  });

  it('a namespace added to show where exec is forbidden says why and offers no Open', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await page.getByRole('button', { name: 'Add a namespace…' }).click();
    await page.getByLabel('Namespace to show').fill(TEAM_READONLY_NAMESPACE);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => namespaceRow(TEAM_READONLY_NAMESPACE).count()).toBe(1);
    await namespaceRow(TEAM_READONLY_NAMESPACE).click();
    await expect.poll(() => podRow('report-0').count()).toBe(1);
    await expect
      .poll(() =>
        tree()
          .getByText(/may not open a shell in namespace "team-readonly"/)
          .count(),
      )
      .toBe(1);
    await podRow('report-0').hover();
    expect(await podRow('report-0').getByRole('button', { name: /^Open/ }).count()).toBe(0);
    expect(await podRow('report-0').getByRole('button', { name: 'Save', exact: true }).count()).toBe(1);
    await saveScreenshot(page, 'cluster-browser-exec-forbidden');
    await podRow('report-0').dblclick();
    await expect.poll(() => page.locator('.cluster-footer').innerText()).toMatch(/create pods\/exec is not allowed/);
    await podRow('report-0').click({ button: 'right' });
    expect(await page.getByRole('menuitem', { name: /^Open/ }).count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it(`shows the first rows of a ${BULK_PODS.toLocaleString('en')}-pod namespace before the last chunk, and the filter finds the last pod`, async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await contextRow('admin').click();
    await expect.poll(() => namespaceRow('bulk').count()).toBe(1);
    const started = Date.now();
    await namespaceRow('bulk').click();
    await expect.poll(() => podRow('bulk-00001').count(), { timeout: 60_000 }).toBe(1);
    const firstRowsMs = Date.now() - started;
    await expect
      .poll(() => namespaceRow('bulk').locator('.cluster-meta').innerText(), { timeout: 120_000 })
      .toBe(String(BULK_PODS));
    const allRowsMs = Date.now() - started;
    console.log(
      `cluster browser: ${BULK_PODS} pods, first rows after ${firstRowsMs} ms, all ${BULK_PODS} listed after ${allRowsMs} ms`,
    );
    // Virtualised: only a screenful of rows is in the page.
    expect(await tree().locator('.cluster-pod').count()).toBeLessThan(200);
    await saveScreenshot(page, 'cluster-browser-bulk');
    await page.getByLabel('Filter namespaces and pods').fill(`bulk-${BULK_PODS}`);
    await expect.poll(() => podRow(`bulk-${BULK_PODS}`).count()).toBe(1);
    await saveScreenshot(page, 'cluster-browser-bulk-filtered');
  });
});
