/**
 * ~/.ssh/config in real Chromium against the real browser mode and two real sshd: a record that names only a Host
 * alias shows what the config supplies (greyed, with file:line) in its form, then connects through the config's jump
 * host to a target listening on 127.0.0.2, the jump host's key question naming it. Screenshots of both.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdHarness } from '../harness/sshd';
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
import { missingServer } from '../harness/skipReasons';

const skipReason = e2eSkipReason('the ~/.ssh/config e2e tests');
const TARGET_ADDRESS = '127.0.0.2';

let bastion: SshdHarness | null = null;
let target: SshdHarness | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  [bastion, target] = await Promise.all([startSshd(), startSshd({ listenAddress: TARGET_ADDRESS })]);
  if (missingServer({ sshd: bastion && target })) return;
  ({ app, browser, page } = await openAppInBrowser());
  // The browser mode's HOME is a temp dir: this is its ~/.ssh/config, as a user would write it.
  await mkdir(join(app.home, '.ssh'), { recursive: true });
  await writeFile(
    join(app.home, '.ssh', 'config'),
    [
      '# Reached only through the bastion.',
      'Host inner',
      `  HostName ${TARGET_ADDRESS}`,
      `  Port ${target!.port}`,
      `  IdentityFile ${target!.clientKeyPath}`,
      '  ProxyJump bastion',
      '  ForwardAgent yes',
      '',
      'Host bastion',
      `  HostName ${bastion!.host}`,
      `  Port ${bastion!.port}`,
      `  IdentityFile ${bastion!.clientKeyPath}`,
      '',
      'Host *',
      `  User ${bastion!.keyUser}`,
      '  ServerAliveInterval 30',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
});
afterAll(() => closeAll(browser, app, bastion, target));

describe.skipIf(skipReason !== null)('a record that names only a Host alias', () => {
  it('shows the config values in the form, then connects through the jump host', async (context) => {
    const missing = missingServer({ sshd: bastion && target });
    if (missing) return context.skip(missing);
    await newRecordForm(page, 'inner via bastion');
    await page.getByLabel('SSH host', { exact: true }).fill('inner');
    await page.getByLabel('SSH auth', { exact: true }).selectOption('agent');

    const preview = page.getByRole('region', { name: 'Effective SSH settings' });
    const row = (keyword: string) => preview.locator('tr').filter({ has: page.getByText(keyword, { exact: true }) });
    await expect
      .poll(() => row('ProxyJump').first().innerText(), { timeout: 15_000 })
      .toMatch(/bastion\s+~\/.ssh\/config:6/);
    expect(await row('HostName').first().innerText()).toMatch(/127\.0\.0\.1\s+~\/.ssh\/config:10/);
    expect(await row('HostName').last().innerText()).toMatch(new RegExp(`${TARGET_ADDRESS}\\s+~/.ssh/config:3`));
    expect(await row('User').last().innerText()).toMatch(new RegExp(`${bastion!.keyUser}\\s+~/.ssh/config:15`));
    expect(await preview.getByText(/forwardagent is not used by Podterm/).count()).toBe(1);
    // Greyed: a value from the config is dimmer than one the record sets.
    const configColour = await row('Port')
      .last()
      .evaluate((element) => getComputedStyle(element).color);
    await page.getByLabel('SSH user', { exact: true }).fill(bastion!.keyUser);
    await expect.poll(() => row('User').last().innerText()).toMatch(/record/);
    const recordColour = await row('User')
      .last()
      .evaluate((element) => getComputedStyle(element).color);
    expect(recordColour).not.toBe(configColour);
    await page.getByLabel('SSH user', { exact: true }).fill('');
    await expect.poll(() => row('User').last().innerText()).toMatch(/~\/.ssh\/config:15/);
    // The SSH section from its host field down: the record's fields, then what the config supplies.
    await page.getByLabel('SSH host', { exact: true }).evaluate((field) => {
      field.scrollIntoView({ block: 'start' });
      // And its label above it, which the scroll just put under the dialog's title.
      let scroller = field.parentElement;
      while (scroller && scroller.scrollHeight <= scroller.clientHeight) scroller = scroller.parentElement;
      scroller?.scrollBy(0, -40);
    });
    await saveScreenshot(page, 'ssh-config-form');
    await saveRecordForm(page, 'inner via bastion');

    await openRecord(page, 'inner via bastion');
    const hostKey = page.getByRole('dialog').filter({ hasText: 'Unknown host key' });
    await expect.poll(() => hostKey.innerText(), { timeout: 20_000 }).toMatch(/of jump host 1 of 1, bastion/);
    expect(await hostKey.innerText()).toContain(bastion!.hostFingerprint);
    await saveScreenshot(page, 'ssh-jump-host-key');
    await page.getByRole('button', { name: 'Accept once' }).click();
    // Then the target's own question, not naming a hop.
    await expect.poll(() => hostKey.innerText(), { timeout: 20_000 }).toContain(target!.hostFingerprint);
    expect(await hostKey.innerText()).not.toMatch(/jump host/);
    await page.getByRole('button', { name: 'Accept once' }).click();

    await waitForPrompt(page, 20_000);
    await typeInTerminal(page, 'echo "via:$SSH_CONNECTION"\n');
    await waitForTerminalText(
      page,
      new RegExp(`via:127\\.0\\.0\\.1 \\d+ ${TARGET_ADDRESS.replace(/\./g, '\\.')} ${target!.port}`),
    );
    expect(await bastion!.readLog()).toContain(`target ${TARGET_ADDRESS} port ${target!.port}`);
  });
});
