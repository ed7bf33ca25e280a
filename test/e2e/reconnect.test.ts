/**
 * A tab whose connection drops keeps its scrollback, says why, and reconnects to the same record in place; the
 * record's status dot follows every outcome at once (green when the shell opened, red after the loss or a failure).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
import {
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

const skipReason = e2eSkipReason('the reconnect e2e test');

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

const statusDot = (name: string) =>
  page
    .locator('[data-testid="pod-row"]')
    .filter({ has: page.getByText(name, { exact: true }) })
    .getByTestId('pod-status');

describe.skipIf(skipReason !== null)('reconnect', () => {
  it('shows a dropped connection, keeps the scrollback and reconnects in the same tab', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await newRecordForm(page, 'flaky link');
    await page.getByLabel('Pod name', { exact: true }).fill('shell-pod');
    await page.getByLabel('Kubeconfig', { exact: true }).fill(kube.kubeconfig({ user: 'token' }));
    await saveRecordForm(page, 'flaky link');
    // Grouped under the pasted kubeconfig's own context ("test"), not "current context" (the default kubeconfig's).
    await expect.poll(() => page.locator('[data-testid="pod-group"][data-group-key="c:test"]').count()).toBe(1);
    expect(await page.locator('[data-testid="pod-group"][data-group-key="c:current context"]').count()).toBe(0);
    await openRecord(page, 'flaky link');
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo before-$((40+2))\n');
    await waitForTerminalText(page, /^before-42\s*$/m);
    await expect.poll(() => statusDot('flaky link').getAttribute('data-status')).toBe('running');

    // The API server goes away under the open session (a network drop, a restarted control plane).
    kube.dropConnections();
    await expect.poll(() => page.getByText(/Connection lost/).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await terminalText(page)).toMatch(/^before-42\s*$/m);
    await saveScreenshot(page, 'connection-lost');
    // Not green any more: the dot says the connection was lost, with no Refresh.
    await expect.poll(() => statusDot('flaky link').getAttribute('data-status')).toBe('unreachable');
    expect(await statusDot('flaky link').getAttribute('title')).toMatch(/connection lost/);

    await page.getByRole('button', { name: 'Reconnect' }).click();
    await expect.poll(() => page.getByTestId('tab').count()).toBe(1);
    // The old session's prompt is still the last line until xterm writes "Reconnecting…": wait for the new session's
    // connected line first, so the prompt waited for (and the keys typed next) are the new shell's.
    await waitForTerminalText(page, /Reconnecting…[\s\S]*Connected via /);
    await waitForPrompt(page);
    await typeInTerminal(page, 'echo after-$((40+2))\n');
    await waitForTerminalText(page, /^after-42\s*$/m);
    // The old output is still above the new session.
    expect(await terminalText(page)).toMatch(/^before-42\s*$/m);
    await expect.poll(() => statusDot('flaky link').getAttribute('data-status')).toBe('running');
  });

  it('a connection that fails turns the dot red with the reason; a record never connected stays "not checked"', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await newRecordForm(page, 'refused creds');
    await page.getByLabel('Pod name', { exact: true }).fill('shell-pod');
    await page.getByLabel('Kubeconfig', { exact: true }).fill(kube.kubeconfig({ user: 'badToken' }));
    await saveRecordForm(page, 'refused creds');
    expect(await statusDot('refused creds').getAttribute('data-status')).toBe('unknown');
    await openRecord(page, 'refused creds');
    await expect.poll(() => statusDot('refused creds').getAttribute('data-status'), { timeout: 15_000 }).toBe('error');
    expect(await statusDot('refused creds').getAttribute('title')).toMatch(/401|credentials/);
    await saveScreenshot(page, 'status-dot-after-failure');
  });
});
