/**
 * Kubeconfig import end to end in real Chromium against the browser mode: real drop events carrying real files
 * (a DataTransfer of File objects dispatched on the page), the drop zone, the preview with checkboxes, the clash rename
 * on a second import, errors naming the file and the place while the stored list stays the same, Settings, a pod
 * record that uses an imported context connecting to the test API server, and the local files a kubeconfig names:
 * listed with what each is read as, and imported only with the file's box ticked.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKubeconfig, startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
import {
  newRecordForm,
  openRecord,
  saveRecordForm,
  saveScreenshot,
  waitForPrompt,
  waitForTerminalText,
} from '../harness/ui';
import { closeAll, e2eSkipReason, openAnotherTab, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the kubeconfig import e2e tests');

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

interface DroppedFile {
  name: string;
  text?: string;
  bytes?: number[];
}

/**
 * Drags files onto the window the way a file manager does: dragenter and dragover (the drop zone shows), then drop,
 * each a real DragEvent whose DataTransfer holds real File objects made in the page.
 */
async function dropFiles(files: DroppedFile[], screenshot?: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const file of list) {
      const body = file.bytes ? new Uint8Array(file.bytes) : (file.text ?? '');
      transfer.items.add(new File([body], file.name, { type: 'application/yaml' }));
    }
    return transfer;
  }, files);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  const zone = page.getByRole('status', { name: 'Drop kubeconfig files to import' });
  await expect.poll(() => zone.isVisible()).toBe(true);
  if (screenshot) await saveScreenshot(page, screenshot);
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await expect.poll(() => zone.count()).toBe(0);
  await dataTransfer.dispose();
}

function twoContexts(): string {
  return buildKubeconfig([
    {
      contextName: 'sandbox',
      clusterName: 'sandbox-cluster',
      userName: 'token-user',
      namespace: 'default',
      server: kube!.url,
      ca: { pem: kube!.caPem },
      user: { kind: 'token', token: kube!.users.token.token },
    },
    {
      contextName: 'sandbox-prod',
      clusterName: 'sandbox-cluster',
      userName: 'cert-user',
      namespace: 'prod',
      server: kube!.url,
      ca: { pem: kube!.caPem },
      user: { kind: 'cert', certPem: kube!.users.cert.certPem, keyPem: kube!.users.cert.keyPem },
    },
  ]);
}

const dialog = () => page.getByRole('dialog', { name: /import kubeconfig/i });
const contextBox = (name: string) => dialog().getByRole('checkbox', { name: `Import context ${name}`, exact: true });

/** The imported contexts as the open Settings lists them (name per row); none while it shows its empty note. */
async function listedContexts(): Promise<string[]> {
  const table = page.getByRole('table', { name: 'Imported contexts' });
  return (await table.count()) === 0 ? [] : table.locator('tbody tr td:first-child').allInnerTexts();
}

/** Opens Settings, runs `body` with it open, and closes it again. */
async function inSettings<T>(body: () => Promise<T>): Promise<T> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect.poll(() => settings.isVisible()).toBe(true);
  const result = await body();
  await settings.getByRole('button', { name: 'Close', exact: true }).click();
  return result;
}

/**
 * Expects Settings to list exactly `expected`. Settings shows the App's copy of the list, which an import refreshes
 * with a request to main that can still be on its way when the import dialog has closed (opening Settings asks again):
 * so read until it matches, not once.
 */
function expectSettingsRows(expected: string[], screenshot?: string): Promise<void> {
  return inSettings(async () => {
    await expect.poll(listedContexts).toEqual(expected);
    if (screenshot) await saveScreenshot(page, screenshot);
  });
}

describe.skipIf(skipReason !== null)('kubeconfig import in the browser', () => {
  it('drops a file with two contexts, imports the one left ticked, and lists it in Settings', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await dropFiles([{ name: 'two-contexts.yaml', text: twoContexts() }], 'kubeconfig-drop-zone');

    await expect.poll(() => contextBox('sandbox').isChecked()).toBe(true);
    await expect.poll(() => contextBox('sandbox-prod').isChecked()).toBe(true);
    const group = dialog().getByRole('region', { name: 'two-contexts.yaml' });
    await expect.poll(() => group.innerText()).toMatch(/token[\s\S]*client cert/);
    expect(await group.innerText()).toContain(kube!.url);
    await saveScreenshot(page, 'kubeconfig-preview');

    await contextBox('sandbox-prod').uncheck();
    await dialog().getByRole('button', { name: 'Import 1 context' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
    await expectSettingsRows(['sandbox'], 'kubeconfig-settings-first');
  });

  it('then, as the README goes on, the cluster browser lists the imported context at once: no reload, no ↻', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    // The empty window names the way in: drop kubeconfigs anywhere, then browse.
    const empty = page.locator('.empty-state');
    expect(await empty.innerText()).toMatch(/Drop kubeconfig files anywhere on the window/);
    await saveScreenshot(page, 'empty-window');
    await empty.getByRole('button', { name: 'Browse clusters', exact: true }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Clusters' }).getAttribute('aria-selected')).toBe('true');
    try {
      const tree = page.getByRole('tree', { name: 'Contexts, namespaces and pods' });
      const sandbox = tree.locator('.cluster-context', { hasText: 'sandbox' }).first();
      await expect.poll(() => sandbox.count()).toBe(1);
      await sandbox.click();
      const defaultNamespace = tree
        .locator('.cluster-namespace')
        .filter({ has: page.locator('.cluster-name', { hasText: /^default$/ }) });
      await expect.poll(() => defaultNamespace.count()).toBe(1);
      await defaultNamespace.click();
      await expect.poll(() => tree.getByRole('treeitem', { name: 'shell-pod', exact: true }).count()).toBe(1);
      await saveScreenshot(page, 'clusters-after-drop');
    } finally {
      await page.getByRole('tab', { name: 'Saved' }).click();
    }
  });

  it('ignores drags that carry no files (text dragged from a page)', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.setData('text/plain', 'apiVersion: v1');
      return transfer;
    });
    await page.dispatchEvent('body', 'dragenter', { dataTransfer });
    await page.dispatchEvent('body', 'dragover', { dataTransfer });
    expect(await page.getByRole('status', { name: 'Drop kubeconfig files to import' }).count()).toBe(0);
    await page.dispatchEvent('body', 'drop', { dataTransfer });
    expect(await dialog().count()).toBe(0);
    await dataTransfer.dispose();
  });

  it('importing the same file again renames the clash with the file stem', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await dropFiles([{ name: 'two-contexts.yaml', text: twoContexts() }]);
    await expect.poll(() => dialog().getByText('sandbox (two-contexts)').count()).toBe(1);
    // "sandbox-prod" was not imported the first time, so it keeps its name.
    expect(await dialog().getByText('sandbox-prod (two-contexts)').count()).toBe(0);
    await saveScreenshot(page, 'kubeconfig-preview-rename');
    await dialog().getByRole('button', { name: 'Import 2 contexts' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
    await expectSettingsRows(['sandbox', 'sandbox (two-contexts)', 'sandbox-prod'], 'kubeconfig-settings');
  });

  it('shows invalid files’ errors with the file and the place, and stores nothing', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    // The previous test waited for Settings to list its import, so one read is the stored list.
    const before = await inSettings(listedContexts);
    const missingUser = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster:
    server: ${kube!.url}
users:
- name: admin
  user:
    token: abc
contexts:
- name: staging
  context:
    cluster: c1
    user: ghost
`;
    await dropFiles([
      { name: 'not-yaml.yaml', text: 'clusters: [\n  - name: "broken\nusers: {' },
      { name: 'missing-user.yaml', text: missingUser },
      { name: 'archive.zip', bytes: [0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00] },
    ]);
    const errors = dialog().locator('.import-errors');
    await expect.poll(() => errors.count()).toBe(3);
    // Each file is its own group, named by the file; its errors give the place and the problem.
    const groupText = (name: string) => dialog().getByRole('region', { name }).innerText();
    expect(await groupText('not-yaml.yaml')).toMatch(/nothing imported\s*line \d+\s*not valid YAML/);
    expect(await groupText('missing-user.yaml')).toMatch(
      /context "staging" \(line 12\)\s*user "ghost" is not defined in the file \(users there: admin\)/,
    );
    expect(await groupText('archive.zip')).toMatch(/a binary file, not a kubeconfig/);
    expect(await dialog().getByRole('button', { name: 'Import 0 contexts' }).isDisabled()).toBe(true);
    await saveScreenshot(page, 'kubeconfig-errors');
    await dialog().getByRole('button', { name: 'Cancel', exact: true }).click();
    await expectSettingsRows(before);
  });

  it('a pod record using an imported context connects with it', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await newRecordForm(page, 'imported shell');
    await page.getByLabel('Namespace', { exact: true }).fill('default');
    await page.getByLabel('Pod name', { exact: true }).fill('shell-pod');
    await page.getByRole('radio', { name: 'Imported', exact: true }).check();
    await page
      .getByLabel('Imported context', { exact: true })
      .selectOption({ label: `sandbox · ${kube!.url} · token` });
    await saveScreenshot(page, 'kubeconfig-pod-form');
    await saveRecordForm(page, 'imported shell');
    await openRecord(page, 'imported shell');
    await waitForTerminalText(page, /Connected via imported context sandbox to default\/shell-pod \(container main\)/);
    await waitForPrompt(page);
  });

  it('removes an imported context from Settings after asking', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('button', { name: 'Remove sandbox-prod', exact: true }).click();
    const confirm = settings.getByRole('alertdialog', { name: 'Remove sandbox-prod?' });
    await expect.poll(() => confirm.isVisible()).toBe(true);
    await saveScreenshot(page, 'kubeconfig-settings-remove');
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => settings.getByRole('row', { name: 'sandbox-prod' }).count()).toBe(0);
    await settings.getByRole('button', { name: 'Close', exact: true }).click();
    await expectSettingsRows(['sandbox', 'sandbox (two-contexts)']);
  });

  it('imports pasted YAML from the Import kubeconfig… button', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await page.getByRole('button', { name: 'Import kubeconfig…', exact: true }).first().click();
    await expect.poll(() => dialog().isVisible()).toBe(true);
    await saveScreenshot(page, 'kubeconfig-import-empty');
    await dialog().getByRole('button', { name: 'Paste YAML', exact: true }).click();
    await dialog()
      .getByLabel('Paste YAML', { exact: true })
      .fill(kube!.kubeconfig({ user: 'token', contextName: 'pasted-ctx' }));
    await dialog().getByRole('button', { name: 'Preview', exact: true }).click();
    await expect.poll(() => contextBox('pasted-ctx').isChecked()).toBe(true);
    expect(await dialog().getByRole('region', { name: 'pasted.yaml' }).count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog().count()).toBe(0);
    await expectSettingsRows(['pasted-ctx', 'sandbox', 'sandbox (two-contexts)']);
  });

  it('lists the local files a context reads, and imports that context only once their box is ticked', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    // Files outside ~/.kube, on the machine running the server (the same one here).
    const folder = join(app.home, '..', 'elsewhere');
    await mkdir(folder, { recursive: true });
    const tokenFile = join(folder, 'stolen-token');
    const caFile = join(folder, 'ca.crt');
    await writeFile(tokenFile, kube!.users.token.token);
    await writeFile(caFile, kube!.caPem);
    const text = `apiVersion: v1
kind: Config
clusters:
- name: files
  cluster: {server: ${kube!.url}, certificate-authority: ${caFile}}
- name: inline
  cluster: {server: ${kube!.url}, certificate-authority-data: ${Buffer.from(kube!.caPem).toString('base64')}}
users:
- name: reads-a-file
  user: {tokenFile: ${tokenFile}}
- name: runs-a-plugin
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/get-token}
contexts:
- name: from-files
  context: {cluster: files, user: reads-a-file, namespace: default}
- name: plugin-ctx
  context: {cluster: inline, user: runs-a-plugin, namespace: default}
`;
    await dropFiles([{ name: 'local-files.yaml', text }]);
    const group = dialog().getByRole('region', { name: 'local-files.yaml' });
    const consent = dialog().getByRole('checkbox', { name: 'Allow the local files of local-files.yaml' });
    await expect.poll(() => consent.isVisible()).toBe(true);
    // Each path is listed with what it is read as; the relative plugin path says which folder it was read from.
    const filesList = group.getByRole('list', { name: 'Local files of context from-files' });
    expect(await filesList.innerText()).toMatch(
      new RegExp(
        `${escape(caFile)}[\\s\\S]*certificate authority trusted for[\\s\\S]*${escape(tokenFile)}[\\s\\S]*bearer token of user "reads-a-file": the file's whole content is sent to ${escape(kube!.url)}`,
      ),
    );
    const pluginList = group.getByRole('list', { name: 'Local files of context plugin-ctx' });
    expect(await pluginList.innerText()).toMatch(
      /written \.\/bin\/get-token[\s\S]*run at each connect[\s\S]*credential plugin/,
    );
    expect(await group.innerText()).toMatch(/a file dropped in the browser does not say which folder it came from/);
    // Without the tick, neither context can be chosen.
    expect(await consent.isChecked()).toBe(false);
    expect(await contextBox('from-files').isDisabled()).toBe(true);
    expect(await contextBox('from-files').isChecked()).toBe(false);
    expect(await dialog().getByRole('button', { name: 'Import 0 contexts' }).isDisabled()).toBe(true);
    await saveScreenshot(page, 'kubeconfig-local-files');

    await consent.check();
    await expect.poll(() => contextBox('from-files').isChecked()).toBe(true);
    await contextBox('plugin-ctx').uncheck();
    await saveScreenshot(page, 'kubeconfig-local-files-allowed');
    await dialog().getByRole('button', { name: 'Import 1 context' }).click();
    await expect.poll(() => dialog().count()).toBe(0);
    await expectSettingsRows(['from-files', 'pasted-ctx', 'sandbox', 'sandbox (two-contexts)']);
  });

  it('another tab of the browser mode sees an import, and a removal, made in this one at once', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const other = await openAnotherTab(page, app);
    try {
      await other.getByRole('tab', { name: 'Clusters' }).click();
      const otherTree = other.getByRole('tree', { name: 'Contexts, namespaces and pods' });
      const fromFirstTab = otherTree.locator('.cluster-context', { hasText: 'other-tab-ctx' });
      await expect.poll(() => otherTree.locator('.cluster-context', { hasText: 'pasted-ctx' }).count()).toBe(1);
      expect(await fromFirstTab.count()).toBe(0);

      await dropFiles([
        { name: 'other-tab.yaml', text: kube!.kubeconfig({ user: 'token', contextName: 'other-tab-ctx' }) },
      ]);
      await dialog().getByRole('button', { name: 'Import 1 context' }).click();
      await expect.poll(() => dialog().count()).toBe(0);
      await expect.poll(() => fromFirstTab.count()).toBe(1);
      await saveScreenshot(other, 'clusters-other-tab-sees-import');

      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      await settings.getByRole('button', { name: 'Remove other-tab-ctx', exact: true }).click();
      await settings.getByRole('alertdialog').getByRole('button', { name: 'Remove', exact: true }).click();
      await settings.getByRole('button', { name: 'Close', exact: true }).click();
      await expect.poll(() => fromFirstTab.count()).toBe(0);
    } finally {
      await other.close();
    }
  });
});

/** A string as a regular expression that matches it literally. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
