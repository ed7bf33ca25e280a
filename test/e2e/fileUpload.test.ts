/**
 * Dropping a real file on a terminal tab, in Chromium against the browser mode and a real sshd: the dialog proposes
 * the directory the shell reported with OSC 7, the progress bar moves, and `ls -l` in the same shell shows the file.
 *
 * The page learns a dropped file's path from the desktop preload's `podtermFiles.pathForFile` (webUtils); a browser
 * page has no such bridge, so the test provides one that answers the real file's path, as the preload would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_PATHS_GLOBAL } from '../../common/requestKeys';
import { NO_SSHD } from '../harness/skipReasons';
import { startSshd, type SshdHarness } from '../harness/sshd';
import {
  addSshKeyFileRecord,
  openRecord,
  saveScreenshot,
  typeInTerminal,
  waitForPrompt,
  waitForTerminalText,
} from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';
import { makeBigFile, MIB } from '../core/files/fileTrees';

const skipReason = e2eSkipReason('the file upload e2e test');
/** Big enough that the progress bar is on screen for a while over loopback. */
const FILE_BYTES = 150 * MIB;
const FILE_NAME = 'dropped file.bin';

let sshd: SshdHarness | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;
let local: string;
let remote: string;

beforeAll(async () => {
  if (skipReason) return;
  sshd = await startSshd();
  if (!sshd) return;
  local = await mkdtemp(join(tmpdir(), 'podterm-drop-local-'));
  remote = await mkdtemp(join(tmpdir(), 'podterm-drop-remote-'));
  await makeBigFile(join(local, FILE_NAME), FILE_BYTES);
  ({ app, browser, page } = await openAppInBrowser());
}, 120_000);
afterAll(async () => {
  await closeAll(browser, app, sshd);
  if (local) await rm(local, { recursive: true, force: true });
  if (remote) await rm(remote, { recursive: true, force: true });
});

describe.skipIf(skipReason !== null)('uploading by drop', () => {
  it('drops a file on the tab, shows the destination and progress, and the shell sees the file', async (context) => {
    if (!sshd) return context.skip(NO_SSHD);
    await addSshKeyFileRecord(page, sshd, 'drop target');
    await openRecord(page, 'drop target');
    await page.getByRole('button', { name: 'Accept and remember' }).click();
    await waitForPrompt(page);
    // The shell reports its directory as shells with VTE integration do from their prompt.
    await typeInTerminal(
      page,
      `cd ${remote} && printf '\\033]7;file://%s%s\\007' "$(hostname)" "$PWD" && echo osc7-$((1+1))\n`,
    );
    await waitForTerminalText(page, /^osc7-2\s*$/m);
    await page.evaluate(
      ({ global, folder }) => {
        (window as unknown as Record<string, unknown>)[global] = {
          pathForFile: (file: File) => `${folder}/${file.name}`,
        };
      },
      { global: FILE_PATHS_GLOBAL, folder: local },
    );
    await page.evaluate((name) => {
      const target = document.querySelector('.session-pane:not([hidden]) .xterm');
      if (!target) throw new Error('no terminal on screen');
      const transfer = new DataTransfer();
      transfer.items.add(new File(['stand-in; main reads the real file by path'], name));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    }, FILE_NAME);

    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByTestId('upload-summary').textContent(), { timeout: 15_000 })
      .toBe('1 file, 150 MiB');
    expect(await dialog.getByLabel('Destination').inputValue()).toBe(remote);
    await saveScreenshot(page, 'upload-dialog');
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect.poll(() => dialog.getByTestId('upload-progress').count()).toBe(1);
    await expect
      .poll(() => dialog.getByTestId('upload-progress').textContent(), { timeout: 60_000 })
      .toMatch(/MiB of 150 MiB · .*\/s · .* left/);
    await saveScreenshot(page, 'upload-progress');
    await expect.poll(() => dialog.getByTestId('upload-done').count(), { timeout: 300_000 }).toBe(1);
    expect(await dialog.getByTestId('upload-done').textContent()).toBe(`Uploaded 150 MiB to ${remote}.`);
    await dialog.getByRole('button', { name: 'Close' }).click();

    await typeInTerminal(page, `ls -l '${FILE_NAME}'\n`);
    // GNU ls quotes a name with a space: 'dropped file.bin'.
    await waitForTerminalText(page, new RegExp(`^-rw.* ${FILE_BYTES} .* '${FILE_NAME}'\\s*$`, 'm'));
    await saveScreenshot(page, 'upload-ls');
  }, 420_000);
});
