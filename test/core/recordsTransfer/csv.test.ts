/** The CSV reader behind `pods import`: what spreadsheets write (quotes, commas and line breaks in cells, CRLF, BOM). */
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from '../../../main/core/recordsTransfer/csv';

describe('parseCsv', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks, and numbers records by their first line', () => {
    const text = '\ufeffname,notes\r\n"a, b","say ""hi"""\r\n\r\nc,"two\nlines"\nd,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, cells: ['name', 'notes'] },
      { line: 2, cells: ['a, b', 'say "hi"'] },
      { line: 4, cells: ['c', 'two\nlines'] },
      { line: 6, cells: ['d', ''] },
    ]);
  });

  it('keeps a last record without a line break and empty cells', () => {
    expect(parseCsv('a,,c')).toEqual([{ line: 1, cells: ['a', '', 'c'] }]);
  });

  it('names the line of a quote that is never closed', () => {
    expect(() => parseCsv('name\n"open\nstill open')).toThrow(CsvError);
    expect(() => parseCsv('name\n"open\nstill open')).toThrow('line 2: a quoted field is never closed');
  });
});
