/**
 * Nothing lost by accident, in real Chromium: leaving the page while a shell is live asks first (the browser's
 * beforeunload question), and not when nothing is live; a reload brings the tabs back with their titles, order and
 * active tab, each not connected until the user presses Enter or Reconnect.
 */
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
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

const skipReason = e2eSkipReason('the tab reload e2e tests');

let kube: KubeApiServer | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  kube = await startKubeApiServer();
  if (!kube) return;
  ({ app, browser, page } = await openAppInBrowser({ viewport: { width: 1100, height: 700 } }));
});
afterAll(() => closeAll(browser, app, kube));

const tabs = () => page.getByTestId('tab');
const tabTitles = () => tabs().locator('.tab-title').allInnerTexts();
const restoredBar = () => page.locator('.session-pane:visible').getByText('Not connected: the page was reloaded');

/** Every dialog the page opens, by type, answered with `answer`. */
function answerDialogs(answer: 'accept' | 'dismiss'): { seen: string[]; stop(): void } {
  const seen: string[] = [];
  const onDialog = (dialog: Dialog) => {
    seen.push(dialog.type());
    void (answer === 'accept' ? dialog.accept() : dialog.dismiss());
  };
  page.on('dialog', onDialog);
  return { seen, stop: () => page.off('dialog', onDialog) };
}

describe.skipIf(skipReason !== null)('tabs across a reload', () => {
  it('reloads without asking when no shell is live, and brings the tabs back', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    // Nothing listens on port 1: every method fails at once and the tabs hold no shell.
    await newRecordForm(page, 'nowhere');
    await page.getByLabel('SSH host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('SSH port', { exact: true }).fill('1');
    await page.getByLabel('SSH user', { exact: true }).fill('nobody');
    await saveRecordForm(page, 'nowhere');
    await openRecord(page, 'nowhere');
    await openRecord(page, 'nowhere');
    await expect.poll(() => page.getByText('Could not connect:').count()).toBe(2);

    const dialogs = answerDialogs('dismiss');
    await page.reload();
    dialogs.stop();
    expect(dialogs.seen).toEqual([]);
    await expect.poll(tabTitles).toEqual(['nowhere', 'nowhere (2)']);
    await expect.poll(() => restoredBar().isVisible()).toBe(true);
  });

  it('asks before leaving live shells, keeps them on Cancel, and restores titles and order', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    while ((await tabs().count()) > 0) await tabs().first().getByRole('button', { name: 'Close tab' }).click();
    await newRecordForm(page, 'live one');
    await page.getByLabel('Pod name', { exact: true }).fill('shell-pod');
    await page.getByLabel('Kubeconfig', { exact: true }).fill(kube.kubeconfig({ user: 'token' }));
    await saveRecordForm(page, 'live one');
    await openRecord(page, 'live one');
    await waitForPrompt(page);
    await openRecord(page, 'nowhere');
    await openRecord(page, 'live one');
    await waitForPrompt(page);
    expect(await tabTitles()).toEqual(['live one', 'nowhere', 'live one (2)']);
    // The first tab shows when the page goes away: it must show again after the reload.
    await tabs().first().click();
    await waitForPrompt(page);

    // Cancel: the page stays, and so does the shell.
    const cancelled = answerDialogs('dismiss');
    await page.evaluate(() => location.reload());
    cancelled.stop();
    expect(cancelled.seen).toEqual(['beforeunload']);
    await typeInTerminal(page, 'echo still-$((40+2))\n');
    await waitForTerminalText(page, /^still-42\s*$/m);

    const left = answerDialogs('accept');
    await page.reload();
    left.stop();
    expect(left.seen).toEqual(['beforeunload']);
    await expect.poll(tabTitles).toEqual(['live one', 'nowhere', 'live one (2)']);
    expect(await tabs().first().getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => restoredBar().isVisible()).toBe(true);
    // Nothing connected by itself: no tab has a session yet.
    expect(await tabs().evaluateAll((all) => all.map((tab) => tab.getAttribute('data-session-id')))).toEqual([
      '',
      '',
      '',
    ]);
    await saveScreenshot(page, 'tabs-after-reload');

    // Enter in the restored tab connects it.
    await page.locator('[data-testid="terminal"]:visible').click();
    await page.keyboard.press('Enter');
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo back-$((40+2))\n');
    await waitForTerminalText(page, /^back-42\s*$/m);
    await expect.poll(() => restoredBar().count()).toBe(0);
    await saveScreenshot(page, 'tabs-after-reload-reconnected');
  }, 90_000);
});
