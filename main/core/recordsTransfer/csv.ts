/**
 * A small RFC 4180 CSV reader for `pods import`: comma separated, fields optionally in double quotes ("" is a quote),
 * quoted fields may hold commas and line breaks, lines end in LF or CRLF. Spreadsheets export exactly this.
 */

/** One record and the line (1-based) it starts on, so errors can point into the file. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/** Parses the whole text; blank lines are skipped. Throws CsvError for a quote that is never closed. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  // A UTF-8 byte-order mark, as Excel writes one, is not part of the first header name.
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let cells: string[] = [];
  let cell = '';
  let recordLine = 1;
  let quotedStartLine = 0;
  let inQuotes = false;
  let sawAnything = false;

  const endRecord = () => {
    cells.push(cell);
    // A line with nothing on it is not a record of one empty cell.
    if (sawAnything || cells.length > 1) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    sawAnything = false;
  };

  for (; i < text.length; i++) {
    const char = text[i]!;
    if (inQuotes) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (char === '\n') line++;
        cell += char;
      }
      continue;
    }
    if (char === '"' && cell === '') {
      inQuotes = true;
      sawAnything = true;
      quotedStartLine = line;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
      sawAnything = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += char;
      sawAnything = true;
    }
  }
  if (inQuotes) throw new CsvError('a quoted field is never closed (a missing ")', quotedStartLine);
  if (sawAnything || cell !== '' || cells.length > 0) endRecord();
  return records;
}
