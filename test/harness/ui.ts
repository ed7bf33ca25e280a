/**
 * Reading and typing into the visible xterm.js terminal, and saving screenshots as test artifacts.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { SshdHarness } from './sshd';
import { expect } from 'vitest';

const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

/**
 * The text on the visible terminal's screen, one line per row. Read from xterm's buffer through the terminal element's
 * read-only automation hook (`__podtermTerminalText`, renderer/src/session/features/textHook.ts), so it works with the
 * WebGL renderer too (which draws on a canvas); falls back to the DOM renderer's rows.
 */
export async function terminalText(page: Page): Promise<string> {
  return page
    .locator('[data-testid="terminal"]:visible')
    .first()
    .evaluate((element) => {
      const hook = (element as unknown as Record<string, unknown>).__podtermTerminalText;
      if (typeof hook === 'function') return String(hook());
      return (element.querySelector('.xterm-rows') as HTMLElement | null)?.innerText ?? '';
    });
}

export async function waitForTerminalText(page: Page, pattern: RegExp, timeout = 15_000): Promise<void> {
  await expect
    .poll(() => terminalText(page).then((text) => text.replace(/\u00a0/g, ' ')), { timeout })
    .toMatch(pattern);
}

/** Types into the visible terminal; "\n" presses Enter. */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  const terminal = page.locator('[data-testid="terminal"]:visible').first();
  await terminal.click();
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line) await page.keyboard.type(line);
    if (index < lines.length - 1) await page.keyboard.press('Enter');
  }
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled' });
}

/** Waits until the visible terminal shows a shell prompt (its last non-empty line ends in "$" or "#"). */
export async function waitForPrompt(page: Page, timeout = 15_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const lines = (await terminalText(page))
          .replace(/\u00a0/g, ' ')
          .split('\n')
          .map((line) => line.trimEnd());
        return lines.filter(Boolean).at(-1) ?? '';
      },
      { timeout },
    )
    .toMatch(/[$#]$/);
}

/** Fills the open pod form's SSH section for the test sshd, logging in with its unencrypted key file. */
export async function fillSshKeyFileLogin(
  page: Page,
  sshd: Pick<SshdHarness, 'host' | 'port' | 'keyUser' | 'clientKeyPath'>,
): Promise<void> {
  await page.getByLabel('SSH host', { exact: true }).fill(sshd.host);
  await page.getByLabel('SSH port', { exact: true }).fill(String(sshd.port));
  await page.getByLabel('SSH user', { exact: true }).fill(sshd.keyUser);
  await page.getByLabel('SSH auth', { exact: true }).selectOption('privateKeyPath');
  await page.getByLabel('Private key path', { exact: true }).fill(sshd.clientKeyPath);
}

/** Opens the empty pod form from the sidebar's "Add pod" button and, given a name, types it into the Name field. */
export async function newRecordForm(page: Page, name?: string): Promise<void> {
  await page
    .getByRole('button', { name: /add pod/i })
    .first()
    .click();
  if (name !== undefined) await page.getByLabel('Name', { exact: true }).fill(name);
}

/** Saves the open pod form and waits until the sidebar lists the record (a refused form never gets there). */
export async function saveRecordForm(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(() => page.getByText(name, { exact: true }).count()).toBeGreaterThan(0);
}

/** Adds a record for the test sshd that logs in with its unencrypted key file. */
export async function addSshKeyFileRecord(
  page: Page,
  sshd: Pick<SshdHarness, 'host' | 'port' | 'keyUser' | 'clientKeyPath'>,
  name: string,
): Promise<void> {
  await newRecordForm(page, name);
  await fillSshKeyFileLogin(page, sshd);
  await saveRecordForm(page, name);
}

/** Opens a saved record in a tab, as a click on its name in the sidebar does. */
export async function openRecord(page: Page, name: string): Promise<void> {
  await page.getByText(name, { exact: true }).first().click();
}
