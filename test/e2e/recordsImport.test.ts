/**
 * Settings → Records end to end in real Chromium against the browser mode: the earlier web terminal's dumpdata file
 * (five records written from its model's fields) dropped on the window and told apart from a kubeconfig by content;
 * the preview's mapping, the unknown field and the bad port shown under their row and field, the mapping changed and
 * the port corrected in place, one import; the export with and without secrets compared with the file; the secrets
 * sealed in the database and absent from the server's output; then Refresh all over 200 more records against the test
 * Kubernetes API server, with its progress visible, Cancel stopping it, and a second run's summary.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
import { OLD_MODEL, oldTerminalExport, type OldTerminalExport } from '../harness/oldTerminalExport';
import { saveScreenshot } from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the records import e2e tests');

/** Records Refresh all runs over besides the five imported: enough that its progress is seen moving. */
const MANY = 200;

let kube: KubeApiServer | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;
let fixture: OldTerminalExport;
/** Everything the browser-mode server printed since the page opened. */
let serverOutput = '';

beforeAll(async () => {
  if (skipReason) return;
  kube = await startKubeApiServer();
  if (!kube) return;
  fixture = oldTerminalExport();
  const dir = await mkdtemp(join(tmpdir(), 'podterm-records-e2e-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, kube.kubeconfig({ user: 'token' }));
  ({ app, browser, page } = await openAppInBrowser({ env: { KUBECONFIG: kubeconfig } }));
  const collect = (chunk: Buffer) => (serverOutput += chunk.toString());
  app.process.stdout!.on('data', collect);
  app.process.stderr!.on('data', collect);
}, 120_000);
afterAll(() => closeAll(browser, app, kube));

/** Drops one file on the window as a file manager does (dragenter, dragover, drop with a real File). */
async function dropFile(name: string, text: string, type: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, text, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], name, { type }));
      return transfer;
    },
    { name, text, type },
  );
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'dragover', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await dataTransfer.dispose();
}

const importDialog = () => page.getByRole('dialog', { name: /Import records from/ });
const mappingTable = () => importDialog().getByRole('table', { name: 'Field mapping' });
const rowsTable = () => importDialog().getByRole('table', { name: 'Records to import' });

async function openRecordsSettings(): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('button', { name: 'Records', exact: true }).click();
}

/** The records an export download holds. */
async function exportRecords(withSecrets: boolean): Promise<Array<Record<string, unknown>>> {
  await openRecordsSettings();
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export records' });
  if (withSecrets) {
    await dialog.getByRole('radio', { name: 'With secrets' }).check();
    const exportButton = dialog.getByRole('button', { name: 'Export with secrets' });
    // Only after the confirmation.
    expect(await exportButton.isDisabled()).toBe(true);
    await dialog.getByRole('checkbox', { name: /I understand the file holds every token/ }).check();
  }
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: withSecrets ? 'Export with secrets' : 'Export', exact: true }).click();
  const file = await (await download).path();
  return JSON.parse(await readFile(file, 'utf8')) as Array<Record<string, unknown>>;
}

describe('records from the earlier web terminal', () => {
  it('drops its dumpdata file, shows the mapping and the problems, takes a mapping and a fix, and imports all five', async (context) => {
    if (skipReason) return context.skip(skipReason);
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await dropFile('pods.json', fixture.text, 'application/json');
    await expect.poll(() => importDialog().isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => importDialog().getByText('Read as Django dumpdata JSON: 5 rows.').count()).toBe(1);
    // The kubeconfig importer did not take it.
    expect(await page.getByRole('dialog', { name: /import kubeconfig/i }).count()).toBe(0);

    const mappingRow = (source: string) =>
      mappingTable()
        .getByRole('row')
        .filter({ hasText: new RegExp(`^${source}`) });
    expect(await mappingTable().getByRole('combobox', { name: 'Imported as, for cluster_host' }).inputValue()).toBe(
      'clusterHost',
    );
    expect(await mappingTable().getByRole('combobox', { name: 'Imported as, for ssh_username' }).inputValue()).toBe(
      'sshUser',
    );
    expect(await mappingTable().getByRole('combobox', { name: 'Imported as, for private_key' }).inputValue()).toBe(
      'sshPrivateKey',
    );
    expect(await mappingRow('kubeconfig').textContent()).toContain('a JSON object is written as YAML');
    expect(await mappingRow('pk').textContent()).toContain('a second import updates');
    // Every field it could not map is listed, with what to do.
    for (const unmapped of [fixture.unknownField, 'created_at']) {
      expect(
        await mappingTable()
          .getByRole('combobox', { name: `Imported as, for ${unmapped}` })
          .inputValue(),
      ).toBe('');
    }
    expect(
      await mappingTable().getByText('unknown field: choose the record field it is, or leave it out').count(),
    ).toBe(2);
    const row3Problem = rowsTable().getByRole('note', { name: 'Problem in row 3' });
    await expect.poll(() => row3Problem.textContent()).toContain('ssh_port: between 1 and 65535');
    expect(await rowsTable().getByRole('row', { name: 'Row 3: legacy box' }).textContent()).toContain('fix first');
    expect(await rowsTable().getByRole('row', { name: 'Row 1: payments api' }).textContent()).toContain(
      'payments/payments-api-0',
    );
    const importButton = importDialog().getByRole('button', { name: /^Import \d+ records?$/ });
    expect(await importButton.isDisabled()).toBe(true);
    await saveScreenshot(page, 'records-import-preview');
    await row3Problem.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'records-import-row-problem');

    await mappingTable().getByRole('combobox', { name: 'Imported as, for created_at' }).selectOption('__leave');
    await mappingTable()
      .getByRole('combobox', { name: `Imported as, for ${fixture.unknownField}` })
      .selectOption('notes');
    const correction = rowsTable().getByRole('textbox', { name: 'Correct ssh_port in row 3' });
    expect(await correction.inputValue()).toBe(String(fixture.badPort));
    await correction.fill(String(fixture.goodPort));
    await rowsTable().getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => importDialog().getByRole('button', { name: 'Import 5 records' }).isEnabled()).toBe(true);
    expect(await rowsTable().getByRole('row', { name: 'Row 3: legacy box' }).textContent()).toContain(
      `ops@legacy.example.com:${fixture.goodPort}create`,
    );
    await saveScreenshot(page, 'records-import-fixed');
    await importDialog().getByRole('button', { name: 'Import 5 records' }).click();
    await expect.poll(() => page.getByText('Imported 5 records from pods.json: 5 created, 0 updated.').count()).toBe(1);
    await expect.poll(() => page.getByRole('treeitem', { name: /legacy box/ }).count()).toBeGreaterThan(0);
  }, 120_000);

  it('exports them without and with secrets, matching the file; secrets sealed at rest and never printed', async (context) => {
    if (skipReason) return context.skip(skipReason);
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const plain = await exportRecords(false);
    expect(plain).toHaveLength(5);
    const byName = Object.fromEntries(plain.map((record) => [record.name, record]));
    expect(byName['payments api']).toMatchObject({
      sourceId: `${OLD_MODEL}:1`,
      namespace: 'payments',
      podName: 'payments-api-0',
    });
    expect(byName['billing worker']).toMatchObject({
      sourceId: `${OLD_MODEL}:2`,
      clusterHost: 'https://10.0.0.1:6443',
    });
    expect(byName['legacy box']).toMatchObject({
      sshHost: 'legacy.example.com',
      sshPort: fixture.goodPort,
      sshUser: 'ops',
    });
    expect(byName.bastion).toMatchObject({
      sshHost: 'bastion.example.com',
      sshUser: 'deploy',
      sshAuthKind: 'privateKeyText',
    });
    expect(byName.reports).toMatchObject({ notes: 'data-platform', podName: 'reports-0' });
    const plainText = JSON.stringify(plain);
    for (const secret of Object.values(fixture.secrets)) expect(plainText).not.toContain(secret.slice(0, 40));

    const full = Object.fromEntries((await exportRecords(true)).map((record) => [record.name, record]));
    expect(full['billing worker']!.token).toBe(fixture.secrets.token);
    expect(full['legacy box']!.sshPassword).toBe(fixture.secrets.sshPassword);
    expect(full.bastion!.sshPrivateKey).toBe(fixture.secrets.privateKey);
    expect(full['payments api']!.kubeconfig).toContain(fixture.secrets.kubeconfigToken);
    expect(full['payments api']!.kubeconfig).toContain('current-context: prod');

    for (const file of ['podterm.db', 'podterm.db-wal']) {
      const bytes = await readFile(join(app.dataDir, file)).catch(() => Buffer.alloc(0));
      for (const secret of Object.values(fixture.secrets)) {
        expect(bytes.includes(Buffer.from(secret.slice(0, 40))), `a secret in plaintext in ${file}`).toBe(false);
      }
    }
    for (const secret of Object.values(fixture.secrets)) expect(serverOutput).not.toContain(secret.slice(0, 40));
  }, 120_000);

  it('imports the same file again as updates, not copies', async (context) => {
    if (skipReason) return context.skip(skipReason);
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const fixed = fixture.text.replace(`"ssh_port": ${fixture.badPort}`, `"ssh_port": ${fixture.goodPort}`);
    await dropFile('pods-again.json', fixed, 'application/json');
    await expect.poll(() => importDialog().isVisible(), { timeout: 15_000 }).toBe(true);
    await mappingTable().getByRole('combobox', { name: 'Imported as, for created_at' }).selectOption('__leave');
    await mappingTable()
      .getByRole('combobox', { name: `Imported as, for ${fixture.unknownField}` })
      .selectOption('notes');
    await expect.poll(() => importDialog().getByText('0 to create, 5 to update').count()).toBe(1);
    await importDialog().getByRole('button', { name: 'Import 5 records' }).click();
    await expect.poll(() => page.getByText('from pods-again.json: 0 created, 5 updated.').count()).toBe(1);
  }, 120_000);
});

describe('Refresh all', () => {
  it('runs over every record with its progress shown, stops on Cancel, and sums up a full run', async (context) => {
    if (skipReason) return context.skip(skipReason);
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    // 200 records of the pod the test API server runs, with no cluster host or credentials: each needs a lookup.
    const many = Array.from({ length: MANY }, (_, index) => ({
      name: `worker ${String(index + 1).padStart(3, '0')}`,
      namespace: 'default',
      podName: 'shell-pod',
    }));
    await dropFile('workers.json', JSON.stringify(many), 'application/json');
    await expect
      .poll(
        () =>
          importDialog()
            .getByRole('button', { name: `Import ${MANY} records` })
            .isEnabled(),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    await importDialog()
      .getByRole('button', { name: `Import ${MANY} records` })
      .click();
    await expect.poll(() => page.getByText(`${MANY} created, 0 updated.`).count(), { timeout: 30_000 }).toBe(1);
    const total = MANY + 5;
    const podReads = () => kube!.requests.filter((request) => request.path.includes('/pods/shell-pod')).length;

    await openRecordsSettings();
    await page.getByRole('button', { name: 'Refresh all', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Refresh all records' });
    const count = dialog.locator('.refresh-all-count');
    const done = async () => Number(/^(\d+) \//.exec((await count.textContent()) ?? '')?.[1] ?? -1);
    await expect.poll(done, { timeout: 60_000 }).toBeGreaterThanOrEqual(8);
    expect(await count.textContent()).toContain(`/ ${total}`);
    expect(await dialog.getByLabel('Looking up').textContent()).toMatch(/^Looking up: /);
    await saveScreenshot(page, 'records-refresh-all-progress');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect
      .poll(() => dialog.getByText(/^Cancelled after \d+ of \d+; the rest were not looked up\.$/).count(), {
        timeout: 60_000,
      })
      .toBe(1);
    const stoppedAt = await done();
    expect(stoppedAt).toBeLessThan(total);
    // Nothing more is asked of the cluster once Cancel has taken effect.
    const readsAtStop = podReads();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(podReads()).toBe(readsAtStop);
    expect(await done()).toBe(stoppedAt);
    await saveScreenshot(page, 'records-refresh-all-cancelled');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await openRecordsSettings();
    await page.getByRole('button', { name: 'Refresh all', exact: true }).click();
    await expect.poll(() => dialog.getByText('Done.').count(), { timeout: 300_000, interval: 1000 }).toBe(1);
    expect(await count.textContent()).toBe(`${total} / ${total} (100%)`);
    const summary = dialog.getByLabel('Refresh all summary');
    const summaryLine = async (words: string) =>
      Number(/^(\d+)/.exec((await summary.locator('summary', { hasText: words }).textContent()) ?? '')?.[1]);
    // Every worker was resolved through the default kubeconfig, by the first run or by this one; the two token records
    // of the old file were complete already; payments' pod is not on this cluster; two records are SSH only.
    expect((await summaryLine('updated')) + (await summaryLine('already complete'))).toBe(MANY + 2);
    expect(await summaryLine('updated')).toBeGreaterThan(0);
    expect(await summaryLine('ssh only')).toBe(2);
    expect(await summaryLine('could not be resolved')).toBe(1);
    const unresolved = await summary.locator('details', { hasText: 'could not be resolved' }).textContent();
    expect(unresolved).toContain('payments api (payments/payments-api-0): missing cluster host');
    await saveScreenshot(page, 'records-refresh-all-summary');
  }, 600_000);
});
