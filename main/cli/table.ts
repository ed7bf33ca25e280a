/** Plain-text tables for a terminal: left-aligned columns separated by two spaces, a header row, no borders. */

/** Long values (a cluster URL with a path, a selector) are cut so one record stays on one line; --json has them whole. */
const MAX_CELL_CHARS = 48;
const COLUMN_GAP = '  ';

export function formatTable(headers: string[], rows: string[][]): string {
  const cut = rows.map((row) =>
    row.map((cell) => (cell.length > MAX_CELL_CHARS ? `${cell.slice(0, MAX_CELL_CHARS - 1)}…` : cell)),
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
