/**
 * The README's first five minutes, walked literally by a new user in Chromium against the browser mode and the test
 * Kubernetes API server (what `npm run sandbox` runs): the empty window, drop the sandbox kubeconfig onto it, browse
 * Clusters, open a pod, lose the connection, see the record's dot change, reload the page with tabs open. No reload
 * or ↻ the README does not tell the user to do. Every screen is saved to test-results/screenshots/ffm-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKubeconfig, startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
import { saveScreenshot, typeInTerminal, waitForPrompt, waitForTerminalText } from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason("the README's first five minutes");

let kube: KubeApiServer | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  kube = await startKubeApiServer();
  if (!kube) return;
  // A new user: no KUBECONFIG, an empty HOME, an empty data directory.
  ({ app, browser, page } = await openAppInBrowser({ env: { KUBECONFIG: '' } }));
});
afterAll(() => closeAll(browser, app, kube));

/** The kubeconfig `npm run sandbox` writes, as far as this walk uses it: its first two contexts. */
function sandboxKubeconfig(server: KubeApiServer): string {
  return buildKubeconfig([
    {
      contextName: 'sandbox',
      clusterName: 'sandbox',
      userName: 'sandbox-token',
      namespace: 'default',
      server: server.url,
      ca: { pem: server.caPem },
      user: { kind: 'token', token: server.users.token.token },
    },
    {
      contextName: 'sandbox-prod',
      clusterName: 'sandbox-prod',
      userName: 'sandbox-prod-token',
      namespace: 'prod',
      server: server.url,
      ca: { pem: server.caPem },
      user: { kind: 'token', token: server.users.token.token },
    },
  ]);
}

/** Drags a file onto the window as a file manager does: real drag events carrying a real File. */
async function dropFile(name: string, text: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, text }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], name, { type: 'application/yaml' }));
      return transfer;
    },
    { name, text },
  );
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await dataTransfer.dispose();
}

const tree = () => page.getByRole('tree', { name: 'Contexts, namespaces and pods' });
const tabTitles = () => page.getByTestId('tab').locator('.tab-title').allInnerTexts();

describe.skipIf(skipReason !== null)("the README's first five minutes", () => {
  let recordName = '';
  const recordDot = () => page.getByTestId('pod-row').filter({ hasText: recordName }).first().getByTestId('pod-status');

  it('starts on an empty window that says what to do', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await expect.poll(() => page.getByRole('heading', { name: 'No terminal open' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'ffm-01-empty-window');
  });

  it('drops the sandbox kubeconfig onto the window and imports its contexts', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await dropFile('podterm-sandbox.kubeconfig', sandboxKubeconfig(kube));
    const dialog = page.getByRole('dialog', { name: /import kubeconfig/i });
    await expect.poll(() => dialog.getByRole('button', { name: 'Import 2 contexts' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'ffm-02-import-preview');
    await dialog.getByRole('button', { name: 'Import 2 contexts' }).click();
    await expect.poll(() => page.getByText(/Imported 2 contexts/).count()).toBe(1);
    await saveScreenshot(page, 'ffm-03-imported');
  });

  it('browses Clusters at once: the imported contexts are there without a reload or ↻', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await page.getByRole('tab', { name: 'Clusters', exact: true }).click();
    const sandbox = tree()
      .locator('.cluster-context')
      .filter({ has: page.locator('.cluster-name', { hasText: /^sandbox$/ }) });
    try {
      await expect.poll(() => sandbox.count(), { timeout: 10_000 }).toBe(1);
    } finally {
      await saveScreenshot(page, 'ffm-04-clusters');
    }
    await sandbox.click();
    await tree()
      .locator('.cluster-namespace')
      .filter({ has: page.locator('.cluster-name', { hasText: /^default$/ }) })
      .click();
    await expect.poll(() => tree().getByRole('treeitem', { name: 'shell-pod', exact: true }).count()).toBe(1);
    await saveScreenshot(page, 'ffm-05-clusters-pods');
  });

  it('opens a pod from the browser in a tab', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const pod = tree().getByRole('treeitem', { name: 'shell-pod', exact: true });
    await pod.hover();
    await pod.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => page.getByTestId('tab').count()).toBe(1);
    await waitForPrompt(page);
    recordName = (await tabTitles())[0]!;
    await saveScreenshot(page, 'ffm-06-shell');

    // The record it saved is in Saved pods, its dot green: a shell opened.
    await page.getByRole('tab', { name: 'Saved', exact: true }).click();
    await expect.poll(() => recordDot().getAttribute('data-status')).toBe('running');
    await saveScreenshot(page, 'ffm-07-saved-running');
  });

  it('loses the connection, says so in the tab, and the dot changes', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    kube.dropConnections();
    await expect.poll(() => page.getByText(/Connection lost/).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await saveScreenshot(page, 'ffm-08-connection-lost');
    // The README's legend: red is "unreachable or an error"; a lost session is no longer "running".
    try {
      await expect
        .poll(() => recordDot().getAttribute('data-status'), { timeout: 10_000 })
        .toMatch(/^(unreachable|error)$/);
    } finally {
      await saveScreenshot(page, 'ffm-09-dot-after-loss');
    }
  });

  it('reloads the page with tabs open: it asks first, and the tabs come back to reconnect on Enter', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    // Back to work: reconnect the lost tab (as its bar offers) and open a second shell of the same record.
    await page.locator('.session-pane:visible').getByRole('button', { name: 'Reconnect' }).click();
    await waitForPrompt(page);
    await page.getByTestId('pod-row').filter({ hasText: recordName }).first().click();
    await expect.poll(tabTitles).toEqual([recordName, `${recordName} (2)`]);
    await waitForPrompt(page);

    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.type());
      void dialog.accept();
    });
    await page.reload();
    expect(asked).toEqual(['beforeunload']);
    await expect.poll(tabTitles).toEqual([recordName, `${recordName} (2)`]);
    await expect
      .poll(() => page.locator('.session-pane:visible').getByText('Not connected: the page was reloaded').count())
      .toBe(1);
    await saveScreenshot(page, 'ffm-10-after-reload');

    await page.locator('[data-testid="terminal"]:visible').click();
    await page.keyboard.press('Enter');
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo five-minutes-$((2+3))\n');
    await waitForTerminalText(page, /^five-minutes-5\s*$/m);
    await saveScreenshot(page, 'ffm-11-reconnected');
  }, 60_000);
});
