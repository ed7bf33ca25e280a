/** Plain-text tables for a terminal: left-aligned columns separated by two spaces, a header row, no borders. */

/** Long values (a cluster URL with a path, a selector) are cut so one record stays on one line; --json has them whole. */
const MAX_CELL_CHARS = 48;
const COLUMN_GAP = '  ';

/**
 * What a terminal would act on instead of showing: C0 controls (ESC starts sequences that recolour, move the cursor,
 * retitle the window or write the clipboard; CR overwrites the line), DEL, C1 controls (0x9b is a one-byte CSI), the
 * line and paragraph separators, and the bidirectional overrides and isolates that reorder what follows them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/**
 * `text` with every character a terminal would act on written as a visible escape (\e, \r, \n, \t, \xNN, \uNNNN),
 * so a record name or any other text from a file or the database prints as what it is and cannot rewrite the screen.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const named = NAMED_ESCAPES[char];
    if (named) return named;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Every cell goes through printable() first: cells hold record names and other text users typed. */
export function formatTable(headers: string[], rows: string[][]): string {
  const cut = rows.map((row) =>
    row.map(printable).map((cell) => (cell.length > MAX_CELL_CHARS ? `${cell.slice(0, MAX_CELL_CHARS - 1)}…` : cell)),
  );
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...cut.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join(COLUMN_GAP)
      .trimEnd();
  return [line(headers), ...cut.map(line)].join('\n');
}
