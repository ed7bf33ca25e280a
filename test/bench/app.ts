/**
 * Driving the app as a user does, for the figures: records saved through the app's own request API (what the pod form
 * sends), tabs opened by a click on the sidebar, keys typed into the focused terminal.
 */
import type { Page } from 'playwright-core';
import type { PodView } from '../../common/pods';
import type { KubeApiServer } from '../harness/kubeApiServer';
import type { SshdHarness } from '../harness/sshd';
import type { AppHandle } from './context';
import { drawnText, until } from './pageProbe';

/** A shell prompt as the last drawn row: bash's "$ " or "# " (the test pod's and the sshd user's shells). */
export const PROMPT_PATTERN = '[$#]\\s*$';

export async function saveSshRecord(handle: AppHandle, sshd: SshdHarness, name: string): Promise<PodView> {
  return handle.api.request<PodView>('pods.save', {
    fields: {
      name,
      sshHost: sshd.host,
      sshPort: sshd.port,
      sshUser: sshd.keyUser,
      sshAuthKind: 'privateKeyPath',
      sshPrivateKeyPath: sshd.clientKeyPath,
    },
  });
}

export async function saveExecRecord(
  handle: AppHandle,
  kube: KubeApiServer,
  name: string,
  extra: { fields?: Record<string, unknown>; secrets?: Record<string, string> } = {},
): Promise<PodView> {
  return handle.api.request<PodView>('pods.save', {
    fields: { name, namespace: 'default', podName: 'shell-pod', ...extra.fields },
    secrets: extra.secrets ?? { kubeconfig: kube.kubeconfig({ user: 'token' }) },
  });
}

/** Reloads the page so its sidebar lists records saved through the API (and settings apply to new tabs). */
export async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.getByLabel('Search pods').waitFor({ timeout: 30_000 });
}

/** Clicks the record in the sidebar and waits for a prompt, accepting an SSH host key the first time it is asked. */
export async function openTab(page: Page, name: string, timeoutMs = 30_000): Promise<void> {
  await page.getByText(name, { exact: true }).first().click();
  await waitForPromptOrHostKey(page, timeoutMs);
}

export async function waitForPromptOrHostKey(page: Page, timeoutMs = 30_000): Promise<void> {
  const remember = page.getByRole('button', { name: 'Accept and remember' });
  await until(
    'a prompt in the new tab',
    async () => {
      if (await remember.isVisible().catch(() => false)) await remember.click();
      const lines = (await drawnText(page))
        .split('\n')
        .map((line) => line.trimEnd())
        .filter(Boolean);
      return new RegExp(PROMPT_PATTERN).test(lines.at(-1) ?? '');
    },
    timeoutMs,
  );
}

export async function closeAllTabs(page: Page): Promise<void> {
  const tabs = page.getByTestId('tab');
  while ((await tabs.count()) > 0) await tabs.first().getByRole('button', { name: 'Close tab' }).click();
}

/** Focuses the visible terminal (as a click into it does) so key presses reach the shell. */
export async function focusTerminal(page: Page): Promise<void> {
  await page.locator('[data-testid="terminal"]:visible').first().click();
}

/** Types a line and presses Enter. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** The visible terminal's size in pixels and cells, and its font, so the bare page can match it. */
export async function terminalGeometry(
  page: Page,
): Promise<{ width: number; height: number; font: string; size: number; renderer: string }> {
  return page.evaluate(() => {
    const terminal = [...document.querySelectorAll<HTMLElement>('[data-testid="terminal"]')].find(
      (element) => element.getClientRects().length > 0,
    )!;
    const screen = terminal.querySelector<HTMLElement>('.xterm-screen') ?? terminal;
    const rows = terminal.querySelector<HTMLElement>('.xterm-rows');
    const style = getComputedStyle(rows ?? terminal);
    const box = screen.getBoundingClientRect();
    return {
      width: Math.round(box.width),
      height: Math.round(box.height),
      font: style.fontFamily,
      size: parseFloat(style.fontSize),
      renderer: terminal.getAttribute('data-renderer') ?? 'unknown',
    };
  });
}

/** Brings the record's tab to the front. */
export async function activateTab(page: Page, name: string): Promise<void> {
  await page.getByTestId('tab').filter({ hasText: name }).first().click();
  await focusTerminal(page);
}

/** Clears the visible terminal (the shell's `clear`) and waits until only the prompt is left. */
export async function clearScreen(page: Page): Promise<void> {
  await typeLine(page, 'clear');
  await until('the cleared screen', async () => {
    const lines = (await drawnText(page))
      .split('\n')
      .map((line) => line.trimEnd())
      .filter(Boolean);
    return lines.length === 1 && new RegExp(PROMPT_PATTERN).test(lines[0]!);
  });
}

/** The terminal's size in cells as the remote sees it (`stty size`). */
export async function remoteSize(page: Page): Promise<{ rows: number; cols: number }> {
  await typeLine(page, 'stty size');
  let size: { rows: number; cols: number } | null = null;
  await until('stty size', async () => {
    const match = /^(\d+) (\d+)\s*$/m.exec(await drawnText(page));
    if (match) size = { rows: Number(match[1]), cols: Number(match[2]) };
    return size !== null;
  });
  return size!;
}
