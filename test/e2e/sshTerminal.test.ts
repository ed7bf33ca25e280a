/**
 * The first user path end to end, in real Chromium against the real browser mode and a real sshd: create a pod record
 * in the form, open it, answer the host-key question, type in the terminal, use two tabs, close one.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_SSHD } from '../harness/skipReasons';
import { startSshd, type SshdHarness } from '../harness/sshd';
import {
  addSshKeyFileRecord,
  newRecordForm,
  openRecord,
  saveScreenshot,
  terminalText,
  typeInTerminal,
  waitForPrompt,
  waitForTerminalText,
} from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const run = promisify(execFile);
const skipReason = e2eSkipReason('the SSH terminal e2e tests');

let sshd: SshdHarness | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  sshd = await startSshd();
  if (!sshd) return;
  ({ app, browser, page } = await openAppInBrowser());
});
afterAll(() => closeAll(browser, app, sshd));

describe.skipIf(skipReason !== null)('SSH terminal in the browser', () => {
  it('shows validation messages under the fields and saves nothing invalid', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    await newRecordForm(page);
    await page.getByLabel('SSH host', { exact: true }).fill('bad host!');
    await page.getByLabel('SSH port', { exact: true }).fill('70000');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText('give the record a name').count()).toBe(1);
    await expect.poll(() => page.getByText('between 1 and 65535').count()).toBe(1);
    await saveScreenshot(page, 'pod-form-errors');
    await page.keyboard.press('Escape');
  });

  it('creates a record, opens it, accepts the host key and runs a command', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    await addSshKeyFileRecord(page, sshd, 'local sshd');
    await openRecord(page, 'local sshd');
    await expect.poll(() => page.getByText(sshd!.hostFingerprint).count(), { timeout: 15_000 }).toBe(1);
    await saveScreenshot(page, 'host-key-prompt');
    await page.getByRole('button', { name: 'Accept and remember' }).click();
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo $((6*7))\n');
    await waitForTerminalText(page, /^42\s*$/m);
    await saveScreenshot(page, 'terminal');
  });

  it('runs a second tab at the same time, and closing a tab ends its remote shell', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    await openRecord(page, 'local sshd');
    await expect.poll(() => page.getByTestId('tab').count()).toBe(2);
    await waitForPrompt(page);
    // A marker process whose argv we can find on this machine, which is the "remote" here.
    await typeInTerminal(page, 'sleep 4242\n');
    await expect.poll(async () => (await pgrep('sleep 4242')).length, { timeout: 15_000 }).toBe(1);
    // The first tab still answers while the second is busy.
    await page.getByTestId('tab').first().click();
    await typeInTerminal(page, 'echo first-$((1+1))\n');
    await waitForTerminalText(page, /^first-2\s*$/m);
    await saveScreenshot(page, 'two-tabs');
    // Close the second tab: its shell and the sleep in it are gone.
    await page.getByTestId('tab').nth(1).getByRole('button', { name: 'Close tab' }).click();
    await expect.poll(() => page.getByTestId('tab').count()).toBe(1);
    await expect.poll(async () => (await pgrep('sleep 4242')).length, { timeout: 15_000 }).toBe(0);
  });

  it('brings the prompt back on Ctrl-C during a flood, and the tab still works', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    await typeInTerminal(page, 'yes podterm-flood\n');
    await waitForTerminalText(page, /^podterm-flood\s*$/m);
    // Far more is on its way than the page draws in a moment: the interrupt drops what is not drawn yet.
    await page.keyboard.press('Control+c');
    await waitForPrompt(page);
    await typeInTerminal(page, 'clear; echo $((6*7))\n');
    await waitForTerminalText(page, /^42\s*$/m);
  });

  it('shows why a session ended, and keeps the scrollback', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    await typeInTerminal(page, 'exit 3\n');
    await expect.poll(() => page.getByText(/exit code 3/).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await terminalText(page)).toMatch(/^42\s*$/m);
    await saveScreenshot(page, 'session-ended');
  });
});

async function pgrep(pattern: string): Promise<string[]> {
  try {
    const { stdout } = await run('pgrep', ['-f', `^${pattern}$`]);
    return stdout.split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches.
  }
}
