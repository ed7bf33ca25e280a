/**
 * The sessions the page figures share: one SSH record (the harness sshd) and one exec record (the test API server's
 * shell-pod), open in tabs of the app page, and the bare page at the same size and font.
 */
import type { Page } from 'playwright-core';
import {
  activateTab,
  clearScreen,
  openTab,
  reload,
  remoteSize,
  saveExecRecord,
  saveSshRecord,
  terminalGeometry,
} from '../app';
import type { AppHandle, BenchContext } from '../context';

export const SSH_RECORD = 'bench ssh';
export const EXEC_RECORD = 'bench exec';
/** A second SSH record, for the tab that floods while another tab echoes (B4). */
export const FLOOD_RECORD = 'bench flood';

export interface PageSessions {
  handle: AppHandle;
  page: Page;
  bare: Page;
  size: { rows: number; cols: number };
  renderer: string;
}

/** Opens (once) both tabs in the app page and the matching bare page. */
export function pageSessions(context: BenchContext): Promise<PageSessions> {
  return context.shared('pageSessions', async () => {
    const [handle, sshd, kube] = await Promise.all([context.appHandle(), context.sshd(), context.kube()]);
    await saveSshRecord(handle, sshd, SSH_RECORD);
    await saveExecRecord(handle, kube, EXEC_RECORD);
    await saveSshRecord(handle, sshd, FLOOD_RECORD);
    const { page } = handle;
    await reload(page);
    await openTab(page, SSH_RECORD);
    await openTab(page, EXEC_RECORD);
    await activateTab(page, SSH_RECORD);
    const size = await remoteSize(page);
    await clearScreen(page);
    const geometry = await terminalGeometry(page);
    const settings = await handle.api.request<{ scrollback: number }>('settings.get', {});
    const bare = await openBarePage(context, { ...size, ...geometry, scrollback: settings.scrollback });
    return { handle, page, bare, size, renderer: geometry.renderer };
  });
}

export async function openBarePage(
  context: BenchContext,
  shape: { rows: number; cols: number; width: number; height: number; font: string; size: number; scrollback: number },
): Promise<Page> {
  const server = await context.bareServer();
  const browser = await context.browser();
  const browserContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  context.onStop(() => browserContext.close());
  const bare = await browserContext.newPage();
  const query = new URLSearchParams({
    cols: String(shape.cols),
    rows: String(shape.rows),
    w: String(shape.width),
    h: String(shape.height),
    font: shape.font,
    size: String(shape.size),
    scrollback: String(shape.scrollback),
  });
  await bare.goto(`${server.origin}/?${query}`);
  await bare.waitForFunction(() => 'benchTerm' in window);
  return bare;
}
