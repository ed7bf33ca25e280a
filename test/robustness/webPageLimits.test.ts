/**
 * The page never sends the server more than it takes in one message (common/limits.ts): in Chromium against the real
 * browser mode, nine kubeconfigs of nearly 1 MiB each dropped at once are previewed as far as one request holds, the
 * rest are listed with what to do, every frame the page sent is under the limit, and the connection stays up.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLIENT_MESSAGE_BYTES, MAX_IMPORT_REQUEST_TEXT_BYTES, MAX_KUBECONFIG_BYTES } from '../../common/limits';
import { saveScreenshot } from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the browser-mode page limit tests');
const DROPPED_FILES = 9;

let app: WebApp;
let browser: Browser;
let page: Page;
/** The byte size of every frame the page sent on its WebSocket. */
const sentFrameBytes: number[] = [];

beforeAll(async () => {
  if (skipReason) return;
  ({ app, browser, page } = await openAppInBrowser());
  // The page's WebSocket opened during the launch; a reload opens a new one we see from the start.
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => sentFrameBytes.push(Buffer.byteLength(frame.payload))),
  );
  await page.reload();
  await page
    .getByRole('button', { name: /add pod/i })
    .first()
    .waitFor();
}, 60_000);
afterAll(() => closeAll(browser, app));

const dialog = () => page.getByRole('dialog', { name: /import kubeconfig/i });

describe.skipIf(skipReason !== null)('the page keeps to the server’s message limit', () => {
  it('previews what fits of nine ~1 MiB kubeconfigs and lists the rest with what to do, never sending too much', async () => {
    const dataTransfer = await page.evaluateHandle(
      ({ count, bytes }) => {
        const transfer = new DataTransfer();
        for (let index = 0; index < count; index++) {
          const head = [
            'apiVersion: v1',
            'kind: Config',
            `current-context: big-${index}`,
            `clusters: [{name: c${index}, cluster: {server: "https://127.0.0.1:6443"}}]`,
            `users: [{name: u${index}, user: {token: "t${index}"}}]`,
            `contexts: [{name: big-${index}, context: {cluster: c${index}, user: u${index}}}]`,
            '',
          ].join('\n');
          const line = `# padding, as a kubeconfig with many embedded certificates would be ${'x'.repeat(40)}\n`;
          const text = head + line.repeat(Math.floor((bytes - head.length) / line.length));
          transfer.items.add(new File([text], `big-${index}.yaml`, { type: 'application/yaml' }));
        }
        return transfer;
      },
      { count: DROPPED_FILES, bytes: MAX_KUBECONFIG_BYTES - 4096 },
    );
    await page.dispatchEvent('body', 'dragenter', { dataTransfer });
    await page.dispatchEvent('body', 'dragover', { dataTransfer });
    const zone = page.getByRole('status', { name: 'Drop kubeconfig files to import' });
    await expect.poll(() => zone.isVisible()).toBe(true);
    await page.dispatchEvent('body', 'drop', { dataTransfer });
    await dataTransfer.dispose();

    await saveScreenshot(page, 'web-import-over-budget-dropped');
    const previewed = dialog().getByRole('checkbox', { name: /^Import context big-\d$/ });
    await expect.poll(() => previewed.count(), { timeout: 60_000 }).toBeGreaterThan(0);
    const fitting = await previewed.count();
    // 4 MiB of budget, and each file is just over 1 MiB once JSON-encoded (every newline weighs two bytes): three fit.
    expect(fitting).toBe(3);
    for (let index = fitting; index < DROPPED_FILES; index++) {
      const refused = dialog().getByRole('region', { name: `big-${index}.yaml` });
      expect(await refused.innerText()).toContain(
        `not added: one import takes at most ${MAX_IMPORT_REQUEST_TEXT_BYTES / 1024 / 1024} MiB of files`,
      );
    }
    await saveScreenshot(page, 'web-import-over-budget');

    // The connection was never lost: no banner (the refused files' errors are alerts of their own).
    expect(await page.locator('.connection-banner').count()).toBe(0);
    expect(sentFrameBytes.length).toBeGreaterThan(0);
    expect(Math.max(...sentFrameBytes)).toBeLessThan(MAX_CLIENT_MESSAGE_BYTES);
    expect(Math.max(...sentFrameBytes)).toBeGreaterThan(MAX_KUBECONFIG_BYTES * 2);
  }, 90_000);
});
