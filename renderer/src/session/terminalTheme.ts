import type { ITheme } from '@xterm/xterm';

/**
 * Terminal palettes. The dark one is the default; ANSI colours are tuned to stay readable on the background (a dark
 * "black" that is still distinguishable from it, a bright black that works as a comment/dim colour).
 */
export const DARK_TERMINAL_THEME: ITheme = {
  background: '#111318',
  foreground: '#d3d7de',
  cursor: '#d3d7de',
  cursorAccent: '#111318',
  selectionBackground: '#34435c',
  selectionInactiveBackground: '#2a3240',
  scrollbarSliderBackground: 'rgba(140, 150, 170, 0.18)',
  scrollbarSliderHoverBackground: 'rgba(140, 150, 170, 0.32)',
  scrollbarSliderActiveBackground: 'rgba(140, 150, 170, 0.45)',
  black: '#262a33',
  red: '#e06c75',
  green: '#98c379',
  yellow: '#e5c07b',
  blue: '#61afef',
  magenta: '#c678dd',
  cyan: '#56b6c2',
  white: '#c8ccd4',
  brightBlack: '#636b78',
  brightRed: '#f07f88',
  brightGreen: '#acd58e',
  brightYellow: '#f0ce90',
  brightBlue: '#7dbff5',
  brightMagenta: '#d48fe6',
  brightCyan: '#6ccad5',
  brightWhite: '#eef0f3',
};

export const LIGHT_TERMINAL_THEME: ITheme = {
  background: '#fbfbfc',
  foreground: '#24292f',
  cursor: '#24292f',
  cursorAccent: '#fbfbfc',
  selectionBackground: '#c5dafc',
  selectionInactiveBackground: '#dde6f3',
  scrollbarSliderBackground: 'rgba(60, 70, 90, 0.16)',
  scrollbarSliderHoverBackground: 'rgba(60, 70, 90, 0.3)',
  scrollbarSliderActiveBackground: 'rgba(60, 70, 90, 0.42)',
  black: '#24292f',
  red: '#c4242f',
  green: '#1a7f37',
  yellow: '#8a6100',
  blue: '#0b5cc7',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#116329',
  brightYellow: '#7d4e00',
  brightBlue: '#0550ae',
  brightMagenta: '#6639ba',
  brightCyan: '#0e6066',
  brightWhite: '#8c959f',
};

export const PREFERS_LIGHT_QUERY = '(prefers-color-scheme: light)';

export function terminalThemeFor(light: boolean): ITheme {
  return light ? LIGHT_TERMINAL_THEME : DARK_TERMINAL_THEME;
}

/**
 * Monospace fonts engineers are likely to have, best first; the generic family last. No web font is bundled: the
 * terminal should look like the user's other terminals.
 */
export const TERMINAL_FONT_FAMILY =
  '"JetBrains Mono", "Cascadia Mono", "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", "Ubuntu Mono", monospace';
