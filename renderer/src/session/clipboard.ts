/**
 * The terminal's platform keys and clipboard helpers. macOS uses Cmd (which no shell sees); Linux and Windows use
 * Ctrl+Shift, because plain Ctrl+C, Ctrl+V and Ctrl+F belong to the shell (SIGINT, literal next, forward a char).
 */

/** Chromium still fills navigator.platform ("MacIntel"); userAgentData is not everywhere yet. */
export const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform);

function only(event: KeyboardEvent, modifiers: { ctrl: boolean; shift: boolean; meta: boolean }): boolean {
  return (
    event.ctrlKey === modifiers.ctrl &&
    event.shiftKey === modifiers.shift &&
    event.metaKey === modifiers.meta &&
    !event.altKey
  );
}

function platformChord(event: KeyboardEvent, code: string, mac: boolean = IS_MAC): boolean {
  if (event.code !== code) return false;
  return mac
    ? only(event, { ctrl: false, shift: false, meta: true })
    : only(event, { ctrl: true, shift: true, meta: false });
}

/** Ctrl+Shift+C, or Cmd+C on macOS. */
export const isCopyKey = (event: KeyboardEvent, mac?: boolean) => platformChord(event, 'KeyC', mac);
/** Ctrl+Shift+V, or Cmd+V on macOS. */
export const isPasteKey = (event: KeyboardEvent, mac?: boolean) => platformChord(event, 'KeyV', mac);
/** Ctrl+Shift+F, or Cmd+F on macOS: search the terminal's output. */
export const isSearchKey = (event: KeyboardEvent, mac?: boolean) => platformChord(event, 'KeyF', mac);

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * How many lines pasting `text` would enter. A trailing line break counts as a line of its own only in the sense
 * that matters: "ls\n" runs `ls` at once, so it counts as 2 (a confirmation is worth it).
 */
export function lineCount(text: string): number {
  return text.split(LINE_BREAK).length;
}

/** The lines a paste holds, a final line break not counting as one more (empty) line. */
export function pasteLines(text: string): string[] {
  return text.replace(/(\r\n|\r|\n)$/, '').split(LINE_BREAK);
}

/** The first `max` lines of a paste, for the confirmation's preview; long lines are cut. */
export function previewLines(text: string, max: number, maxChars = 200): string[] {
  return pasteLines(text)
    .slice(0, max)
    .map((line) => (line.length > maxChars ? `${line.slice(0, maxChars)}…` : line));
}

/** Web links only: http(s) URLs the web-links addon found. Opened without giving the new page a handle on ours. */
export function openExternalLink(uri: string, event?: MouseEvent): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
  event?.preventDefault();
  // In Electron, main's window-open handler hands http(s) to the OS browser (shell.openExternal) and denies the window.
  window.open(url.href, '_blank', 'noopener,noreferrer');
}
