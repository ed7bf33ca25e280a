/**
 * A recording that cannot be written, as the user sees it in real Chromium against the real browser mode and a real
 * sshd: a recordings folder that refuses files (chattr +i, which binds root too), then a disk that fills up while
 * recording (a 16 KiB tmpfs). The tab says why each time and never shows a "Recording saved to" path.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_SSHD } from '../harness/skipReasons';
import { startSshd, type SshdHarness } from '../harness/sshd';
import { addSshKeyFileRecord, openRecord, saveScreenshot, typeInTerminal, waitForPrompt } from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the recording failure e2e test');

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

const alert = () => page.locator('.recording-failed');

describe.skipIf(skipReason !== null)('a recording that cannot be written, in the browser', () => {
  it('says why in the tab, for a folder that refuses files and for a disk that fills up', async (ctx) => {
    if (!sshd) return ctx.skip(NO_SSHD);
    const dir = join(app.dataDir, 'recordings');
    await mkdir(dir, { recursive: true });
    await addSshKeyFileRecord(page, sshd, 'rec-fail');
    await openRecord(page, 'rec-fail');
    await page.getByRole('button', { name: 'Accept and remember' }).click({ timeout: 15_000 });
    await waitForPrompt(page);

    const immutable = spawnSync('chattr', ['+i', dir], { encoding: 'utf8' });
    if (immutable.status !== 0) return ctx.skip(`chattr +i is not available here: ${immutable.stderr.trim()}`);
    try {
      await page.getByRole('button', { name: 'Start recording' }).click();
      await expect.poll(() => alert().count()).toBe(1);
      expect(await alert().getAttribute('role')).toBe('alert');
      expect(await alert().innerText()).toContain(
        `Could not start recording: no permission to write in ${dir} (EPERM)`,
      );
      expect(await page.locator('.recording-saved code').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Start recording' }).count()).toBe(1);
      await saveScreenshot(page, 'recording-refused');
    } finally {
      spawnSync('chattr', ['-i', dir]);
    }
    await alert().getByRole('button', { name: 'Dismiss' }).click();
    expect(await alert().count()).toBe(0);

    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=0700', 'tmpfs', dir], { encoding: 'utf8' });
    if (mounted.status !== 0) return ctx.skip(`cannot mount a small tmpfs for a full disk: ${mounted.stderr.trim()}`);
    try {
      await page.getByRole('button', { name: 'Start recording' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Stop recording' }).count()).toBe(1);
      await typeInTerminal(page, 'head -c 40000 /dev/zero | base64 -w 100; clear\n');
      await expect.poll(() => alert().count(), { timeout: 30_000 }).toBe(1);
      expect(await alert().innerText()).toContain(`The recording stopped: the disk holding ${dir} is full (ENOSPC).`);
      // The recording ended by itself: the button offers a new one, and no tab claims a recording.
      expect(await page.getByRole('button', { name: 'Start recording' }).count()).toBe(1);
      expect(await page.getByTestId('tab').getByRole('img', { name: 'Recording' }).count()).toBe(0);
      expect(await page.locator('.recording-saved code').count()).toBe(0);
      await saveScreenshot(page, 'recording-disk-full');
      const kept = await readdir(dir);
      if (kept.length === 0) expect(await alert().innerText()).toContain('Nothing was saved.');
      else expect(await alert().innerText()).toContain(`The file ${join(dir, kept[0]!)} holds only what was recorded`);
    } finally {
      spawnSync('umount', [dir]);
    }
  });
});
