/** Unicode 11 character widths for the terminal's grid. */
import { Unicode11Addon } from '@xterm/addon-unicode11';
import type { Terminal } from '@xterm/xterm';
import type { Disposable } from '../disposable';

export function loadUnicode11(term: Terminal): Disposable {
  const addon = new Unicode11Addon();
  term.loadAddon(addon);
  // Emoji and CJK take two cells in every modern shell and editor; Unicode 6 widths would misalign them.
  term.unicode.activeVersion = '11';
  return addon;
}
