/**
 * The automation hook on the terminal's element: a non-enumerable function answering the text of the rows on screen,
 * read from xterm's buffer, so tests and tools work whichever renderer (WebGL canvas or DOM rows) draws the terminal.
 * Read-only: it never changes the terminal.
 */
import type { Terminal } from '@xterm/xterm';
import { toDisposable, type Disposable } from '../disposable';

/** The hook's property name; test/harness/ui.ts reads the screen through it. */
export const TERMINAL_TEXT_HOOK = '__podtermTerminalText';

export function installTextHook(element: HTMLElement, term: Terminal): Disposable {
  Object.defineProperty(element, TERMINAL_TEXT_HOOK, {
    value: () => screenText(term),
    enumerable: false,
    configurable: true,
  });
  return toDisposable(() => delete (element as unknown as Record<string, unknown>)[TERMINAL_TEXT_HOOK]);
}

/** The rows on screen as text, one line per row, trailing blanks trimmed: what a person sees, whatever draws it. */
function screenText(term: Terminal): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let row = buffer.viewportY; row < buffer.viewportY + term.rows; row++) {
    lines.push(buffer.getLine(row)?.translateToString(true) ?? '');
  }
  return lines.join('\n');
}
