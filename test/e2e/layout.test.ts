/**
 * Nothing covers anything, proved by geometry in real Chromium rather than by screenshot diffs: the Record button and
 * the terminal, the sidebar's hover buttons and the record's details, the cluster browser's hover buttons and the
 * pod's status (with labelled columns); two tabs of one record get different titles; an overflowing tab strip says how
 * many tabs are hidden; and a failed attempt's ✗ and reason pass WCAG AA contrast in both themes, measured from the
 * colours the page renders (getComputedStyle), in the terminal and in the attempt log.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScratch, type Scratch } from '../harness/dataDir';
import { devAndExpiredKubeconfig, startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
import {
  newRecordForm,
  openRecord,
  saveRecordForm,
  saveScreenshot,
  waitForPrompt,
  waitForTerminalText,
} from '../harness/ui';
import { closeAll, e2eSkipReason, openAppInBrowser, type WebApp } from '../harness/webApp';

const skipReason = e2eSkipReason('the layout e2e tests');

/** WCAG 2.x level AA for normal-size text. */
const WCAG_AA_TEXT_CONTRAST = 4.5;
/** Tabs enough to overflow the strip at this test's viewport (about six fit). */
const MANY_TABS = 14;

let kube: KubeApiServer | null = null;
let scratch: Scratch | null = null;
let app: WebApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (skipReason) return;
  kube = await startKubeApiServer();
  if (!kube) return;
  scratch = await makeScratch('podterm-e2e-layout-');
  const file = join(scratch.dir, 'config');
  await writeFile(file, devAndExpiredKubeconfig(kube));
  ({ app, browser, page } = await openAppInBrowser({
    env: { KUBECONFIG: file },
    viewport: { width: 1100, height: 700 },
  }));
});
afterAll(() => closeAll(browser, app, kube, scratch));

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${locator.toString()} is not visible`);
  return box;
}

/** Whether two boxes share any area (touching edges do not count). */
function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function expectApart(a: Locator, b: Locator): Promise<void> {
  const [boxA, boxB] = [await boxOf(a), await boxOf(b)];
  expect(intersects(boxA, boxB), `${JSON.stringify(boxA)} overlaps ${JSON.stringify(boxB)}`).toBe(false);
}

/**
 * The element shows all of its text: nothing cut off by an ellipsis or by overflow. Measured in fractional pixels (a
 * copy of the text in the same font, unconstrained), because scrollWidth and clientWidth are rounded to whole pixels
 * and miss an ellipsis that hides less than one.
 */
async function expectNotClipped(locator: Locator): Promise<void> {
  const { needed, available, text } = await locator.evaluate((element) => {
    const style = getComputedStyle(element);
    const probe = document.createElement('span');
    probe.textContent = element.textContent;
    probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre;left:0;top:0';
    probe.style.font = style.font;
    probe.style.letterSpacing = style.letterSpacing;
    document.body.appendChild(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    const box = element.getBoundingClientRect();
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    return { needed, available: box.width - padding, text: element.textContent };
  });
  expect(needed, `"${text}" is clipped`).toBeLessThanOrEqual(available + 0.01);
}

/**
 * The WCAG contrast ratio between an element's text colour and the first opaque background behind it, both as the
 * page computes them.
 */
function renderedContrast(locator: Locator): Promise<{ ratio: number; color: string; background: string }> {
  return locator.evaluate((element) => {
    const rgb = (css: string) => {
      const parts = /rgba?\(([^)]+)\)/
        .exec(css)?.[1]
        ?.split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      if (!parts || parts.length < 3) throw new Error(`not an rgb colour: ${css}`);
      return { r: parts[0]!, g: parts[1]!, b: parts[2]!, a: parts[3] ?? 1 };
    };
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const linear = (value: number) => {
        const channel = value / 255;
        return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    };
    const style = getComputedStyle(element);
    const color = style.color;
    let background = '';
    for (let node: Element | null = element; node; node = node.parentElement) {
      const candidate = getComputedStyle(node).backgroundColor;
      if (rgb(candidate).a === 1) {
        background = candidate;
        break;
      }
    }
    if (!background) throw new Error('no opaque background behind the text');
    // Dim text (opacity < 1) would blend into the background: the rule is that these colours are never dimmed.
    if (Number(style.opacity) !== 1) throw new Error(`the text is drawn at opacity ${style.opacity}`);
    const [light, dark] = [luminance(rgb(color)), luminance(rgb(background))].sort((a, b) => b - a);
    return { ratio: (light! + 0.05) / (dark! + 0.05), color, background };
  });
}

async function setTheme(theme: 'light' | 'dark', renderer?: 'dom' | 'auto'): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Terminal', exact: true }).click();
  await page.getByLabel('Theme', { exact: true }).selectOption(theme);
  if (renderer) await page.getByLabel('Renderer', { exact: true }).selectOption(renderer);
  await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(theme);
  await page.keyboard.press('Escape');
}

const tabTitles = () => page.getByTestId('tab').locator('.tab-title').allInnerTexts();

/** No tab open and the saved records showing, whatever the test before left. */
async function closeAllTabs(): Promise<void> {
  await page.getByRole('tab', { name: 'Saved', exact: true }).click();
  while ((await page.getByTestId('tab').count()) > 0) {
    await page.getByTestId('tab').first().getByRole('button', { name: 'Close tab' }).click();
  }
}

describe.skipIf(skipReason !== null)('layout', () => {
  it('keeps the Record button off the terminal and names two tabs of one record apart', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await newRecordForm(page, 'layout pod');
    await page.getByLabel('Pod name', { exact: true }).fill('shell-pod');
    await saveRecordForm(page, 'layout pod');
    await openRecord(page, 'layout pod');
    await waitForPrompt(page);
    // A first line as long as the terminal is wide: its end is where the button used to float.
    await page.locator('[data-testid="terminal"]:visible').click();
    await page.keyboard.type(`echo ${'x'.repeat(300)}`);
    const record = page.getByRole('button', { name: 'Start recording' });
    await expectApart(record, page.locator('[data-testid="terminal"]:visible .xterm-screen'));
    await saveScreenshot(page, 'layout-record-button');

    await openRecord(page, 'layout pod');
    await expect.poll(tabTitles).toEqual(['layout pod', 'layout pod (2)']);
    await waitForPrompt(page);
    await saveScreenshot(page, 'layout-duplicate-titles');
  });

  it("shows the sidebar's hover buttons beside the record's details, not over them", async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const row = page.getByTestId('pod-row').filter({ hasText: 'layout pod' });
    // The connection above gave the record a "last connected" time and method.
    await expect.poll(() => row.locator('.pod-when').count()).toBe(1);
    await row.hover();
    const edit = row.getByRole('button', { name: 'Edit layout pod' });
    const remove = row.getByRole('button', { name: 'Delete layout pod' });
    await expect.poll(() => edit.isVisible()).toBe(true);
    for (const detail of ['.pod-when', '.pod-method', '.pod-name', '.pod-target']) {
      for (const button of [edit, remove]) await expectApart(row.locator(detail), button);
    }
    await expectNotClipped(row.locator('.pod-when'));
    await expectNotClipped(row.locator('.pod-method'));
    await saveScreenshot(page, 'layout-sidebar-hover');
  });

  it("labels the cluster browser's columns and keeps the pod's status clear of the hover buttons", async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await page.getByRole('tab', { name: 'Clusters' }).click();
    const tree = page.getByRole('tree', { name: 'Contexts, namespaces and pods' });
    await tree.locator('.cluster-context', { hasText: 'dev' }).first().click();
    await tree
      .locator('.cluster-namespace')
      .filter({ has: page.locator('.cluster-name', { hasText: /^default$/ }) })
      .click();
    const pod = tree.getByRole('treeitem', { name: 'shell-pod', exact: true });
    await expect.poll(() => pod.count()).toBe(1);

    // A Running pod says so, as the others say theirs.
    expect(await pod.locator('.cluster-status').innerText()).toBe('Running');
    // The columns are headed, and each heading sits over its column.
    const header = tree.getByTestId('cluster-columns').first();
    expect(await header.locator('.cluster-cols > span').allInnerTexts()).toEqual(['ready', 'restarts', 'age']);
    const headings = header.locator('.cluster-cols > span');
    const cells = pod.locator('.cluster-cols > span');
    for (let column = 0; column < 3; column += 1) {
      const [heading, cell] = [await boxOf(headings.nth(column)), await boxOf(cells.nth(column))];
      expect(Math.abs(heading.x - cell.x)).toBeLessThan(1);
      expect(Math.abs(heading.width - cell.width)).toBeLessThan(1);
      await expectNotClipped(headings.nth(column));
    }

    await pod.hover();
    const open = pod.getByRole('button', { name: 'Open', exact: true });
    const save = pod.getByRole('button', { name: 'Save', exact: true });
    await expect.poll(() => open.isVisible()).toBe(true);
    for (const button of [open, save]) {
      await expectApart(pod.locator('.cluster-status'), button);
      await expectApart(pod.locator('.cluster-pod-name'), button);
    }
    await expectNotClipped(pod.locator('.cluster-status'));
    await expectNotClipped(pod.locator('.cluster-pod-name'));
    await saveScreenshot(page, 'layout-cluster-hover');
    await page.getByRole('tab', { name: 'Saved' }).click();
  }, 60_000);

  it('counts the tabs an overflowing strip hides and keeps the active one in view', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await closeAllTabs();
    // A record whose every method fails at once (nothing listens on port 1): tabs without shells, cheap to open.
    await newRecordForm(page, 'nowhere');
    await page.getByLabel('SSH host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('SSH port', { exact: true }).fill('1');
    await page.getByLabel('SSH user', { exact: true }).fill('nobody');
    await saveRecordForm(page, 'nowhere');
    for (let count = 0; count < MANY_TABS; count += 1) await openRecord(page, 'nowhere');
    await expect.poll(() => page.getByTestId('tab').count()).toBe(MANY_TABS);
    const titles = await tabTitles();
    expect(new Set(titles).size).toBe(MANY_TABS);
    expect(titles.at(-1)).toBe(`nowhere (${MANY_TABS})`);

    const strip = page.locator('.tab-list');
    const left = page.getByTestId('tab-overflow-left');
    // The newest tab is active and scrolled into view; the first ones are out of sight to the left, and it says so.
    await expect.poll(() => left.isVisible()).toBe(true);
    const hiddenLeft = Number(/\d+/.exec(await left.innerText())?.[0]);
    expect(hiddenLeft).toBeGreaterThan(0);
    const active = page.locator('[data-testid="tab"][aria-selected="true"]');
    const [activeBox, stripBox] = [await boxOf(active), await boxOf(strip)];
    expect(activeBox.x).toBeGreaterThanOrEqual(stripBox.x - 1);
    expect(activeBox.x + activeBox.width).toBeLessThanOrEqual(stripBox.x + stripBox.width + 1);
    await saveScreenshot(page, 'layout-tab-overflow');

    await left.click();
    await expect.poll(() => page.getByTestId('tab-overflow-right').isVisible()).toBe(true);
  }, 90_000);

  it('draws a failed attempt’s ✗ and reason in colours that pass WCAG AA in both themes', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await closeAllTabs();
    // The record's own kubeconfig is refused (401); its token auth then opens the shell. (Its context is not in the
    // default kubeconfig, so that method is skipped.)
    await newRecordForm(page, 'second try');
    await page.getByLabel('Pod name', { exact: true }).fill('shell-pod');
    await page.getByLabel('Kube context', { exact: true }).fill('second-try');
    await page
      .getByLabel('Kubeconfig', { exact: true })
      .fill(kube.kubeconfig({ user: 'badToken', contextName: 'second-try' }));
    await page.getByLabel('Cluster host', { exact: true }).fill(kube.url);
    await page.getByLabel('Token', { exact: true }).fill(kube.users.token.token);
    await page.getByLabel('Cluster CA', { exact: true }).fill(kube.caPem);
    await saveRecordForm(page, 'second try');

    const figures: string[] = [];
    for (const theme of ['dark', 'light'] as const) {
      await setTheme(theme, 'dom');
      await openRecord(page, 'second try');
      await waitForTerminalText(page, /✗ pod's kubeconfig failed[\s\S]*Connected via token auth/);
      const rows = page.locator('[data-testid="terminal"]:visible .xterm-rows');
      await expect.poll(() => rows.innerText()).toMatch(/Connected via/);
      // The DOM renderer draws each run of one style as a span: the mark, then (after the dim method) the reason.
      const red = rows.locator('span.xterm-fg-1');
      const mark = red.first();
      const reason = red.nth(1);
      expect(await mark.innerText()).toBe('✗');
      expect(await reason.innerText()).toContain('did not accept the crede');
      for (const [what, locator] of [
        ['terminal ✗', mark],
        ['terminal reason', reason],
      ] as const) {
        const { ratio, color, background } = await renderedContrast(locator);
        figures.push(`${theme} ${what}: ${color} on ${background} = ${ratio.toFixed(2)}`);
        expect(ratio, `${theme} ${what}`).toBeGreaterThanOrEqual(WCAG_AA_TEXT_CONTRAST);
      }
      await saveScreenshot(page, `layout-failed-attempt-terminal-${theme}`);

      // The attempt log on a failed connection's card.
      await openRecord(page, 'nowhere');
      const failed = page.locator('.session-pane:visible .attempt.failed').first();
      await expect.poll(() => failed.locator('.attempt-detail').count(), { timeout: 15_000 }).toBe(1);
      for (const part of ['.attempt-glyph', '.attempt-outcome', '.attempt-detail']) {
        const { ratio, color, background } = await renderedContrast(failed.locator(part));
        figures.push(`${theme} card ${part}: ${color} on ${background} = ${ratio.toFixed(2)}`);
        expect(ratio, `${theme} card ${part}`).toBeGreaterThanOrEqual(WCAG_AA_TEXT_CONTRAST);
      }
      await saveScreenshot(page, `layout-failed-attempt-card-${theme}`);
      await closeAllTabs();
    }
    console.log(`failed-attempt contrast (WCAG AA needs ${WCAG_AA_TEXT_CONTRAST}):\n  ${figures.join('\n  ')}`);
    await setTheme('dark', 'auto');
  }, 120_000);

  it("stands a toast above the tab's end bar, so it covers neither the reason nor Reconnect", async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    await openRecord(page, 'layout pod');
    await waitForPrompt(page);
    await page.locator('[data-testid="terminal"]:visible').click();
    await page.keyboard.type('exit\n');
    const endBar = page.locator('.session-pane:visible .end-bar');
    await expect.poll(() => endBar.count(), { timeout: 15_000 }).toBe(1);
    // A toast while the bar shows: the one an import leaves.
    await page.getByRole('button', { name: 'Import kubeconfig…', exact: true }).first().click();
    const importDialog = page.getByRole('dialog', { name: /Import kubeconfig/ });
    await importDialog.getByRole('button', { name: 'Paste YAML', exact: true }).click();
    await importDialog
      .getByLabel('Paste YAML', { exact: true })
      .fill(kube.kubeconfig({ user: 'token', contextName: 'toast-ctx' }));
    await importDialog.getByRole('button', { name: 'Preview', exact: true }).click();
    await importDialog.getByRole('button', { name: 'Import 1 context' }).click();
    const toast = page.locator('.toast').filter({ hasText: 'toast-ctx' });
    await expect.poll(() => toast.count()).toBe(1);
    await expectApart(toast, endBar);
    await saveScreenshot(page, 'layout-toast-above-end-bar');
  });
});
