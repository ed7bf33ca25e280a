/**
 * Timing inside the page, so no Playwright round trip is counted: a probe is armed, the bench acts (a key press, a
 * click, a feed), and the probe answers the milliseconds from its start event to the moment the visible terminal's
 * drawn rows satisfy a condition. "Drawn" is when xterm's DOM renderer wrote the rows (a MutationObserver sees the
 * change; the paint follows in the same frame). With a canvas renderer (no rows in the DOM) the probe reads the
 * terminal's text every animation frame instead. The same probe runs in the app page and in the bare page.
 */
import type { Page } from 'playwright-core';

export type ProbeStart = 'now' | 'keydown' | 'click';

export type ProbeCondition =
  /** Any change of the drawn text. */
  | { kind: 'changed' }
  /** The drawn text (rows joined by "\n") matches. */
  | { kind: 'matches'; source: string }
  /** The last non-empty drawn row matches (a prompt is back). */
  | { kind: 'lastLine'; source: string };

interface ProbeSpec {
  start: ProbeStart;
  condition: ProbeCondition;
  timeoutMs: number;
}

/** Arms the probe; `result(page)` then waits for its answer. */
export async function armProbe(page: Page, spec: ProbeSpec): Promise<void> {
  await page.evaluate((spec) => {
    const visibleTerminal = () =>
      [...document.querySelectorAll<HTMLElement>('[data-testid="terminal"]')].find(
        (element) => element.offsetParent !== null || element.getClientRects().length > 0,
      );
    const drawnText = (): string => {
      const terminal = visibleTerminal();
      if (!terminal) return '';
      const rows = terminal.querySelector('.xterm-rows');
      if (rows) return [...rows.children].map((child) => child.textContent ?? '').join('\n');
      const hook = (terminal as unknown as Record<string, unknown>).__podtermTerminalText;
      return typeof hook === 'function' ? String(hook()) : '';
    };
    const pattern =
      spec.condition.kind === 'changed'
        ? null
        : new RegExp(spec.condition.source, spec.condition.kind === 'matches' ? 'm' : '');
    const before = drawnText();
    const holds = () => {
      const text = drawnText().replace(/\u00a0/g, ' ');
      if (spec.condition.kind === 'changed') return text !== before.replace(/\u00a0/g, ' ');
      if (spec.condition.kind === 'matches') return pattern!.test(text);
      const last = text
        .split('\n')
        .map((line) => line.trimEnd())
        .filter(Boolean)
        .at(-1);
      return pattern!.test(last ?? '');
    };
    const state = window as unknown as { __benchProbe?: Promise<number> };
    state.__benchProbe = new Promise<number>((resolve, reject) => {
      let t0: number | null = spec.start === 'now' ? performance.now() : null;
      const onStart = () => {
        if (t0 === null) t0 = performance.now();
      };
      if (spec.start !== 'now') window.addEventListener(spec.start, onStart, { capture: true });
      let frame = 0;
      const finish = (error?: Error) => {
        observer.disconnect();
        cancelAnimationFrame(frame);
        clearTimeout(timer);
        window.removeEventListener(spec.start, onStart, { capture: true });
        if (error) reject(error);
        else resolve(performance.now() - t0!);
      };
      const check = () => {
        if (t0 !== null && holds()) finish();
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      const poll = () => {
        check();
        frame = requestAnimationFrame(poll);
      };
      // Canvas renderers change no DOM: fall back to reading the text every frame.
      if (!visibleTerminal()?.querySelector('.xterm-rows')) frame = requestAnimationFrame(poll);
      const timer = setTimeout(
        () => finish(new Error(`probe timed out; screen:\n${drawnText().slice(-600)}`)),
        spec.timeoutMs,
      );
    });
    // The bench awaits it later; an unawaited rejection must not surface as an unhandled one.
    state.__benchProbe.catch(() => {});
  }, spec);
}

/** The armed probe's answer in milliseconds (rejects with the screen when it timed out). */
export function probeResult(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __benchProbe: Promise<number> }).__benchProbe);
}

/** The visible terminal's drawn text, for conditions checked from the bench. */
export function drawnText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const terminal = [...document.querySelectorAll<HTMLElement>('[data-testid="terminal"]')].find(
      (element) => element.getClientRects().length > 0,
    );
    const rows = terminal?.querySelector('.xterm-rows');
    if (rows)
      return [...rows.children]
        .map((child) => child.textContent ?? '')
        .join('\n')
        .replace(/\u00a0/g, ' ');
    const hook = (terminal as unknown as Record<string, unknown> | undefined)?.__podtermTerminalText;
    return typeof hook === 'function' ? String(hook()) : '';
  });
}

/** Polls `check` until it holds (bench setup waits, not measurements). */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
