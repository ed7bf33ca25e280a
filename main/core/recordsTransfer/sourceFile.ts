/**
 * A records file as rows of source fields, before any mapping: Podterm's own JSON (an array of flat records, as
 * `podterm pods export` and Export… write it), Django's `dumpdata` JSON (`[{"model", "pk", "fields": {…}}]`, the earlier
 * web terminal's export as it is), or CSV with a header row of field names (either's). Problems with the file as a
 * whole throw RecordsFileError; a row that is not a record is a problem of that row.
 */
import type { RecordProblem, RecordsFileFormat } from '../../../common/records';
import { messageOf } from '../../../common/errors';
import { CsvError, parseCsv } from './csv';

/** A row as read from the file: its number (1-based, not counting a CSV header), the line it starts on, its values. */
export interface SourceRow {
  row: number;
  line?: number;
  values: Record<string, unknown>;
}

export interface SourceFile {
  format: RecordsFileFormat;
  /** Every field any row names, in the order first met. */
  fields: string[];
  rows: SourceRow[];
  problems: RecordProblem[];
}

/** The source field a `dumpdata` row's pk is read as; its value is "<app>.<model>:<pk>", unique across models. */
export const DUMPDATA_PK_FIELD = 'pk';

export class RecordsFileError extends Error {
  override name = 'RecordsFileError';
}

/** By the extension, else by the content: JSON starts with "[". */
export function readSourceFile(text: string, fileName: string): SourceFile {
  const extension = /\.([A-Za-z]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const body = text.replace(/^\uFEFF/, '');
  const json = extension === 'json' || (extension !== 'csv' && body.trimStart().startsWith('['));
  return json ? readJson(body) : readCsv(body);
}

function readJson(text: string): SourceFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RecordsFileError(`the file is not valid JSON (${messageOf(error)})`, { cause: error });
  }
  if (!Array.isArray(data)) {
    throw new RecordsFileError(
      'the JSON must be an array of records, as `podterm pods export` or `manage.py dumpdata` writes it',
    );
  }
  const dumpdata = data.length > 0 && data.every(isDumpdataItem);
  const fields: string[] = [];
  const seen = new Set<string>();
  const note = (key: string) => {
    if (!seen.has(key)) {
      seen.add(key);
      fields.push(key);
    }
  };
  const rows: SourceRow[] = [];
  const problems: RecordProblem[] = [];
  data.forEach((item: unknown, index) => {
    const row = index + 1;
    if (!isObject(item)) {
      problems.push({ row, field: null, message: 'not a record (expected an object of field names)' });
      return;
    }
    let values: Record<string, unknown> = item;
    if (dumpdata) {
      const { model, pk, fields: modelFields } = item as unknown as DumpdataItem;
      values = {
        [DUMPDATA_PK_FIELD]: pk === null || pk === undefined ? null : `${model}:${String(pk)}`,
        ...modelFields,
      };
    }
    for (const key of Object.keys(values)) note(key);
    rows.push({ row, values });
  });
  return { format: dumpdata ? 'dumpdata' : 'json', fields, rows, problems };
}

interface DumpdataItem {
  model: string;
  pk?: unknown;
  fields: Record<string, unknown>;
}

/** `{"model": "app.model", "pk": …, "fields": {…}}`, as Django's serializer writes every object. */
function isDumpdataItem(item: unknown): item is DumpdataItem {
  return isObject(item) && typeof item.model === 'string' && isObject(item.fields);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** CSV cells are text; an empty cell means "not given". */
function readCsv(text: string): SourceFile {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) throw new RecordsFileError(error.message, { cause: error });
    throw error;
  }
  const header = records[0];
  if (!header) {
    throw new RecordsFileError('the CSV file is empty: it needs a header row of field names, then one row per record');
  }
  const columns = header.cells.map((cell) => cell.trim());
  const blank = columns.findIndex((column) => column === '');
  if (blank >= 0) throw new RecordsFileError(`the CSV header's column ${blank + 1} has no name`);
  const twice = columns.find((column, index) => columns.indexOf(column) !== index);
  if (twice !== undefined) throw new RecordsFileError(`the CSV header names "${twice}" twice`);
  const rows: SourceRow[] = [];
  const problems: RecordProblem[] = [];
  records.slice(1).forEach((record, index) => {
    const row = index + 1;
    if (record.cells.length !== columns.length) {
      problems.push({
        row,
        line: record.line,
        field: null,
        message: `${record.cells.length} cells, but the header has ${columns.length} columns`,
      });
      return;
    }
    const values: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const cell = record.cells[i]!;
      if (cell !== '') values[column] = cell;
    });
    rows.push({ row, line: record.line, values });
  });
  return { format: 'csv', fields: columns, rows, problems };
}
