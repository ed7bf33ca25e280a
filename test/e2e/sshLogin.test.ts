/**
 * SSH logins that need the user, in real Chromium against the real browser mode and a real sshd that logs in through
 * PAM's questions: a record without a saved password asks for it in the tab, and a server that wants the password
 * after the key (a second factor) asks its own question. Also the host-key question for a host known by another key.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

const run = promisify(execFile);
const skipReason = e2eSkipReason('the SSH login e2e tests');

let sshd: SshdHarness | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  sshd = await startSshd({ keyboardInteractive: true });
  if (!sshd?.passwordUser) return;
  ({ app, browser, page } = await openAppInBrowser());
});
afterAll(() => closeAll(browser, app, sshd));

/** Saves a record for the password account with the given auth (no password is typed into the form). */
async function addRecord(name: string, auth: 'password' | 'privateKeyPath'): Promise<void> {
  await newRecordForm(page, name);
  await page.getByLabel('SSH host', { exact: true }).fill(sshd!.host);
  await page.getByLabel('SSH port', { exact: true }).fill(String(sshd!.port));
  await page.getByLabel('SSH user', { exact: true }).fill(sshd!.passwordUser!.name);
  await page.getByLabel('SSH auth', { exact: true }).selectOption(auth);
  if (auth === 'privateKeyPath') {
    await page.getByLabel('Private key path', { exact: true }).fill(sshd!.clientKeyPath);
  } else {
    await expect
      .poll(() => page.getByLabel('Password', { exact: true }).getAttribute('placeholder'))
      .toBe('leave empty to be asked when connecting');
  }
  await saveRecordForm(page, name);
}

const loginDialog = () => page.getByRole('dialog').filter({ has: page.getByRole('button', { name: 'Log in' }) });

describe.skipIf(skipReason !== null)('SSH logins that ask the user', () => {
  it('warns that the host was known by another key, then asks for a password that is not saved', async (context) => {
    if (!sshd?.passwordUser) return context.skip('no keyboard-interactive sshd here (see the printed reason)');
    const user = sshd.passwordUser;
    // ~/.ssh/known_hosts knows this host by an RSA key the server does not have (its keys were replaced).
    const sshDir = join(app.home, '.ssh');
    await mkdir(sshDir, { recursive: true });
    await run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', join(sshDir, 'old_host_key')]);
    const oldKey = (await readFile(join(sshDir, 'old_host_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
    await writeFile(join(sshDir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${oldKey}\n`);
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(sshDir, 'old_host_key.pub')]);
    const oldFingerprint = stdout.split(/\s+/)[1]!;

    await addRecord('asks for password', 'password');
    await openRecord(page, 'asks for password');
    await expect.poll(() => page.getByText('New type of host key').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByText(oldFingerprint).count()).toBe(1);
    expect(await page.getByText(sshd.hostFingerprint).count()).toBe(1);
    await saveScreenshot(page, 'host-key-new-type');
    await page.getByRole('button', { name: 'Accept and remember' }).click();

    await expect.poll(() => loginDialog().count(), { timeout: 15_000 }).toBe(1);
    const field = loginDialog().getByLabel(`Password for ${user.name}@127.0.0.1:${sshd.port}:`);
    await expect.poll(() => field.getAttribute('type')).toBe('password');
    // The question has the focus: typing goes into it, not into the terminal behind.
    await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true);
    await saveScreenshot(page, 'ssh-password-question');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');

    await waitForPrompt(page);
    await typeInTerminal(page, 'echo "WHO:$(whoami)"\n');
    await waitForTerminalText(page, new RegExp(`^WHO:${user.name}\\s*$`, 'm'));
    expect(await loginDialog().count()).toBe(0);
  });

  it("shows the server's own question after the key (a second factor), and Cancel ends the login", async (context) => {
    if (!sshd?.passwordUser) return context.skip('no keyboard-interactive sshd here (see the printed reason)');
    await addRecord('key then password', 'privateKeyPath');
    await openRecord(page, 'key then password');
    await expect.poll(() => loginDialog().count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => loginDialog().getByLabel('Password:').count()).toBe(1);
    await saveScreenshot(page, 'ssh-server-question');
    await loginDialog().getByRole('button', { name: 'Cancel' }).click();
    await expect
      .poll(() => page.getByText(/cancelled: the server's question was not answered/).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
  });
});
