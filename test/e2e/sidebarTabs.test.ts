/**
 * The sidebar and the tab strip in real Chromium against the real browser mode, the test API server and a real sshd:
 * records grouped by cluster and namespace (folding remembered), the status dot after a Refresh, Duplicate (the copy
 * connects, so its secrets came along), renaming, reordering (drag and keyboard) and middle-click closing tabs, a
 * hidden tab refitting after a window resize, and ten thousand records staying virtualised.
 *
 * The data directories are seeded through the store itself (openStore with the same FileKeySecretBox key file the
 * browser mode opens), which is far faster than the form and lets records carry secrets.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podSaveSchema, type PodFieldsInput, type PodSecretsInput } from '../../common/pods';
import type { Store } from '../../main/core/store/index';
import { makeScratch, openDataDir, type Scratch } from '../harness/dataDir';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { missingServer } from '../harness/skipReasons';
import { startSshd, type SshdHarness } from '../harness/sshd';
import { saveScreenshot, terminalText, typeInTerminal, waitForPrompt, waitForTerminalText } from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, openAppPage, startWebApp, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the sidebar and tabs e2e tests');

/** Records in the big list: enough to show that nothing scales with the record count in the DOM. */
const MANY_RECORDS = 10_000;
/** "Fewer than ~100 row elements": a viewport of rows plus the overscan, whatever the record count. */
const MAX_ROWS_IN_DOM = 100;
/** A tab appears within a frame or two of the click; 300 ms is ample to be sure none did. */
const NO_NEW_TAB_WAIT_MS = 300;

let kube: KubeApiServer | null = null;
let sshd: SshdHarness | null = null;
let app: WebApp | null = null;
let browser: Browser;
let page: Page;
const scratches: Scratch[] = [];

async function seed(dataDir: string, fill: (store: Store) => Promise<void>): Promise<void> {
  const store = await openDataDir(dataDir);
  try {
    await fill(store);
  } finally {
    store.close();
  }
}

async function save(store: Store, fields: PodFieldsInput, secrets: PodSecretsInput = {}): Promise<string> {
  return (await store.pods.save(podSaveSchema.parse({ fields, secrets }))).id;
}

async function newDataDir(): Promise<string> {
  const scratch = await makeScratch('podterm-sidebar-');
  scratches.push(scratch);
  return scratch.dataDir;
}

beforeAll(async () => {
  if (skipReason) return;
  kube = await startKubeApiServer();
  sshd = await startSshd();
  if (!kube || !sshd) return;
  const dataDir = await newDataDir();
  const devConfig = kube.kubeconfig({ user: 'token', contextName: 'kind-dev' });
  const prodConfig = kube.kubeconfig({ user: 'token', contextName: 'kind-prod', namespace: 'prod' });
  await seed(dataDir, async (store) => {
    await save(
      store,
      { name: 'shell pod', kubeContext: 'kind-dev', namespace: 'default', podName: 'shell-pod' },
      { kubeconfig: devConfig },
    );
    await save(
      store,
      { name: 'replaced pod', kubeContext: 'kind-dev', namespace: 'default', podName: 'api-7d9f-gone' },
      { kubeconfig: devConfig },
    );
    await save(
      store,
      { name: 'prod api', kubeContext: 'kind-prod', namespace: 'prod', podName: 'api-0' },
      { kubeconfig: prodConfig },
    );
    await save(
      store,
      { name: 'bastion', sshHost: sshd!.host, sshPort: sshd!.port, sshUser: sshd!.keyUser },
      { sshPrivateKey: await readFile(sshd!.clientKeyPath, 'utf8') },
    );
    // A few dozen more across clusters and namespaces, for the screenshot: what a working sidebar looks like.
    const clusters = ['gke-prod-eu', 'eks-staging'];
    const namespaces = ['payments', 'search', 'platform'];
    const statuses = ['running', 'running', 'notReady', 'running', 'gone', 'unreachable', 'error', null] as const;
    for (let i = 0; i < 30; i++) {
      const id = await save(store, {
        name: `${namespaces[i % 3]}-${['api', 'worker', 'cron', 'web', 'db'][i % 5]}-${i}`,
        kubeContext: clusters[i % 2],
        namespace: namespaces[i % 3],
        podName: `${namespaces[i % 3]}-${i}-7d9f8`,
      });
      const status = statuses[i % statuses.length];
      if (status)
        store.pods.recordStatus(id, status, status === 'running' ? 'Running, ready' : status, Date.now() - i * 60_000);
      if (i % 4 === 0) store.pods.recordConnection(id, 'defaultKubeconfig', Date.now() - i * 3_600_000);
    }
    await save(store, {
      name: 'legacy vm',
      clusterHost: 'https://10.20.0.5:6443',
      namespace: 'tools',
      podName: 'vm-0',
    });
  });
  ({ app, browser, page } = await openAppInBrowser({ dataDir }));
}, 60_000);
afterAll(() => closeAll(browser, app, sshd, kube, ...scratches));

const needsServers = () => missingServer({ kube, sshd });

const group = (key: string) => page.locator(`[data-testid="pod-group"][data-group-key="${key}"]`);
const record = (name: string) =>
  page.locator('[data-testid="pod-row"]').filter({ has: page.getByText(name, { exact: true }) });
const tabs = () => page.getByTestId('tab');
const tabTitles = () => page.locator('[data-testid="tab"] .tab-title').allInnerTexts();

async function menu(name: string, item: string): Promise<void> {
  await record(name).click({ button: 'right' });
  await menuItem(item).click();
}

/** A context-menu item by its label alone (its accessible name also holds the shortcut). */
function menuItem(label: string) {
  return page.getByRole('menuitem').filter({ has: page.locator('span').getByText(label, { exact: true }) });
}

/** `stty size` in the visible terminal: [rows, cols]. */
async function sttySize(marker: string): Promise<[number, number]> {
  await typeInTerminal(page, `echo ${marker}=$(stty size)\n`);
  const pattern = new RegExp(`${marker}=(\\d+) (\\d+)`);
  await waitForTerminalText(page, pattern);
  const match = pattern.exec((await terminalText(page)).replace(/\u00a0/g, ' '))!;
  return [Number(match[1]), Number(match[2])];
}

/** Each step waits on real shells (prompt, echo); a loaded CI machine needs more than the default 30 s. */
const STEP_TIMEOUT_MS = 60_000;

describe.skipIf(skipReason !== null)('sidebar and tabs in the browser', { timeout: STEP_TIMEOUT_MS }, () => {
  it('groups records by cluster and namespace, and remembers a folded group', async (context) => {
    const missing = needsServers();
    if (missing) return context.skip(missing);
    await expect.poll(() => group('c:eks-staging').count()).toBe(1);
    await saveScreenshot(page, 'sidebar-grouped');
    // The list is virtualised: fold the two big clusters so every other group is in view.
    await group('c:eks-staging').click();
    await group('c:gke-prod-eu').click();
    await expect.poll(() => group('c:kind-dev').count()).toBe(1);
    for (const key of ['c:kind-prod', 'n:kind-prod/prod', 'n:kind-dev/default', 'c:SSH only', 'c:10.20.0.5:6443']) {
      expect(await group(key).count(), key).toBe(1);
    }
    // Clusters sorted by name, SSH only last; the record sits under its namespace.
    const labels = await page.locator('[data-testid="pod-group"].level-0 .pod-group-label').allInnerTexts();
    expect(labels.at(-1)).toBe('SSH only');
    expect(labels).toEqual([...labels.slice(0, -1)].sort((a, b) => a.localeCompare(b)).concat('SSH only'));
    expect(await group('c:kind-dev').locator('.pod-group-count').innerText()).toBe('2');
    expect(await group('c:eks-staging').locator('.pod-group-count').innerText()).toBe('15');

    await group('c:kind-dev').click();
    await expect.poll(() => record('shell pod').count()).toBe(0);
    await page.reload();
    await expect.poll(() => group('c:kind-dev').getAttribute('aria-expanded')).toBe('false');
    expect(await record('shell pod').count()).toBe(0);
    // Searching shows matches inside a folded group.
    await page.getByLabel('Search pods').fill('shell');
    await expect.poll(() => record('shell pod').count()).toBe(1);
    await page.getByLabel('Search pods').fill('');
    // Keyboard: select the folded header, → unfolds it, ← folds it, → again.
    await group('c:kind-dev').click();
    await expect.poll(() => record('shell pod').count()).toBe(1);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => record('shell pod').count()).toBe(0);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => record('shell pod').count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await record('shell pod').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await group('n:kind-dev/default').getAttribute('aria-selected')).toBe('true');
  });

  it('shows the status dot a Refresh learned: running, and gone for a replaced pod', async (context) => {
    const missing = needsServers();
    if (missing) return context.skip(missing);
    expect(await record('shell pod').getByTestId('pod-status').getAttribute('data-status')).toBe('unknown');
    await menu('shell pod', 'Refresh');
    await page.getByText(/Found default\/shell-pod/).waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => record('shell pod').getByTestId('pod-status').getAttribute('data-status')).toBe('running');
    expect(await record('shell pod').getByTestId('pod-status').getAttribute('title')).toMatch(
      /^Running — Running, ready · just now/,
    );
    await menu('replaced pod', 'Refresh');
    await page
      .getByText(/no longer exists/)
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => record('replaced pod').getByTestId('pod-status').getAttribute('data-status')).toBe('gone');
  });

  it('duplicates a record with its secrets: the copy connects', async (context) => {
    const missing = needsServers();
    if (missing) return context.skip(missing);
    await record('shell pod').click({ button: 'right' });
    await saveScreenshot(page, 'sidebar-context-menu');
    await page.keyboard.press('Escape');
    await menu('shell pod', 'Duplicate');
    await expect.poll(() => record('shell pod (copy)').count()).toBe(1);
    await record('shell pod (copy)').click();
    await waitForTerminalText(page, /Connected via pod's kubeconfig to default\/shell-pod/);
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo copy-$((6*7))\n');
    await waitForTerminalText(page, /^copy-42\s*$/m);
    // A connection is a status too.
    await expect
      .poll(() => record('shell pod (copy)').getByTestId('pod-status').getAttribute('data-status'))
      .toBe('running');
  });

  it('renames, reorders (drag and keyboard) and middle-click closes tabs', async (context) => {
    const missing = needsServers();
    if (missing) return context.skip(missing);
    // From the previous test: one tab, "shell pod (copy)". Open "prod api" beside it.
    await record('prod api').click();
    await expect.poll(() => tabs().count()).toBe(2);
    await waitForPrompt(page);

    // Rename by double-click: Enter saves; Escape cancels; the menu's Rename… too.
    await tabs().nth(0).locator('.tab-title').dblclick();
    await page.getByLabel('Tab title').fill('copy shell');
    await saveScreenshot(page, 'tab-renaming');
    await page.keyboard.press('Enter');
    await expect.poll(tabTitles).toEqual(['copy shell', 'prod api']);
    expect(await tabs().nth(0).getAttribute('title')).toMatch(/^copy shell \(record shell pod \(copy\)\) — /);
    await tabs().nth(1).locator('.tab-title').dblclick();
    await page.getByLabel('Tab title').fill('never mind');
    await page.keyboard.press('Escape');
    await expect.poll(tabTitles).toEqual(['copy shell', 'prod api']);
    await tabs().nth(1).click({ button: 'right' });
    await menuItem('Rename…').click();
    await page.getByLabel('Tab title').fill('prod');
    await page.keyboard.press('Enter');
    await expect.poll(tabTitles).toEqual(['copy shell', 'prod']);
    await saveScreenshot(page, 'tabs-renamed');

    // Drag "prod" onto the left half of "copy shell".
    const firstBox = (await tabs().nth(0).boundingBox())!;
    await tabs()
      .nth(1)
      .dragTo(tabs().nth(0), { targetPosition: { x: 8, y: firstBox.height / 2 } });
    await expect.poll(tabTitles).toEqual(['prod', 'copy shell']);
    // The sessions moved with their tabs: the active one is still "prod", its shell still answers.
    await tabs().nth(0).click();
    await typeInTerminal(page, 'echo still-$((2*3))\n');
    await waitForTerminalText(page, /^still-6\s*$/m);

    // Keyboard: Ctrl+Shift+PageDown moves the active tab right, PageUp back.
    await page.keyboard.press('Control+Shift+PageDown');
    await expect.poll(tabTitles).toEqual(['copy shell', 'prod']);
    await page.keyboard.press('Control+Shift+PageUp');
    await expect.poll(tabTitles).toEqual(['prod', 'copy shell']);

    // Duplicate tab: another session for the same record.
    await tabs().nth(0).click({ button: 'right' });
    await menuItem('Duplicate tab').click();
    await expect.poll(tabTitles).toEqual(['prod', 'copy shell', 'prod api']);
    await waitForPrompt(page);

    // Middle click closes exactly the tab under the pointer.
    await tabs().nth(1).click({ button: 'middle' });
    await expect.poll(tabTitles).toEqual(['prod', 'prod api']);
    await tabs().nth(0).click({ button: 'right' });
    await menuItem('Close others').click();
    await expect.poll(tabTitles).toEqual(['prod']);
    // "Connect" brings forward the live tab of a record instead of opening another one.
    await menu('prod api', 'Connect');
    // A negative: give a wrongly opened tab the time to appear before counting.
    await page.waitForTimeout(NO_NEW_TAB_WAIT_MS);
    expect(await tabs().count()).toBe(1);
    expect(await tabs().nth(0).getAttribute('aria-selected')).toBe('true');
  });

  it('refits a hidden tab when it becomes visible: stty size matches the new window', async (context) => {
    const missing = needsServers();
    if (missing) return context.skip(missing);
    await tabs().nth(0).click();
    await waitForPrompt(page);
    const [rowsBefore, colsBefore] = await sttySize('before');
    await record('shell pod').click();
    await expect.poll(() => tabs().count()).toBe(2);
    await waitForPrompt(page);
    // Shrink the window while the first tab is hidden, then switch back to it.
    await page.setViewportSize({ width: 1000, height: 600 });
    await tabs().nth(0).click();
    // The refit is immediate on show; the resize still has to travel to the pty, so ask until it has.
    let size = await sttySize('after0');
    for (let attempt = 1; attempt < 5 && size[0] === rowsBefore; attempt++) size = await sttySize(`after${attempt}`);
    const [rows, cols] = size;
    expect(rows).toBeLessThan(rowsBefore);
    expect(cols).toBeLessThan(colsBefore);
    // Exactly the rows the terminal shows (its screen text has one line per row).
    const shown = (await terminalText(page)).split('\n').length;
    expect(rows).toBe(shown);
    // 280 px narrower at the terminal's cell width (~7.8 px at 13 px): about 36 columns fewer.
    expect(colsBefore - cols).toBeGreaterThan(25);
    expect(colsBefore - cols).toBeLessThan(45);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

describe.skipIf(skipReason !== null)('ten thousand records', () => {
  let big: WebApp | null = null;
  let bigPage: Page | null = null;
  afterAll(() => closeAll(bigPage, big));

  it('keeps fewer than 100 rows in the DOM, and End reaches the last record', async () => {
    const dataDir = await newDataDir();
    await seed(dataDir, async (store) => {
      for (let i = 0; i < MANY_RECORDS; i++) {
        await save(store, {
          name: `pod-${String(i).padStart(5, '0')}`,
          kubeContext: `ctx-${i % 5}`,
          namespace: `ns-${i % 10}`,
          podName: `pod-${i}`,
        });
      }
    });
    big = await startWebApp({ dataDir });
    bigPage = await openAppPage(browser, big);
    await bigPage.getByText(`${MANY_RECORDS} records`).waitFor({ timeout: 20_000 });
    const rowsInDom = () => bigPage!.locator('[data-testid="pod-row"], [data-testid="pod-group"]').count();
    // The list first renders with no measured height (the overscan alone); its ResizeObserver fills the view a render
    // later.
    await expect.poll(rowsInDom).toBeGreaterThan(10);
    expect(await rowsInDom()).toBeLessThan(MAX_ROWS_IN_DOM);

    // The last row: cluster ctx-4 holds i ≡ 4 (mod 5), so namespaces ns-4 and ns-9; the last of ns-9 is pod-09999.
    await bigPage.getByRole('tree', { name: 'Saved pods' }).focus();
    await bigPage.keyboard.press('End');
    const last = bigPage
      .locator('[data-testid="pod-row"]')
      .filter({ has: bigPage.getByText('pod-09999', { exact: true }) });
    await expect.poll(() => last.isVisible()).toBe(true);
    expect(await last.getAttribute('aria-selected')).toBe('true');
    // Deep in the list, the cluster and namespace of the rows in view stay pinned at the top.
    expect(await bigPage.locator('[data-testid="pod-group-pinned"] .pod-group-label').allInnerTexts()).toEqual([
      'ctx-4',
      'ns-9',
    ]);
    expect(await rowsInDom()).toBeLessThan(MAX_ROWS_IN_DOM);
    await saveScreenshot(bigPage, 'sidebar-10k-end');
  }, 120_000);
});
