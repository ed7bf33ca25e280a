/**
 * Pod records as files: the flat record `pods export` writes and `pods import` reads (JSON, or CSV whose header row
 * names the same fields), and the all-rows-first validation of an import against the contract's own podSaveSchema.
 */
import type { z } from 'zod';
import {
  POD_FIELD_NAMES,
  POD_SECRET_NAMES,
  podSaveSchema,
  type PodNonTextFieldName,
  type PodSaveRequest,
  type PodSecretName,
  type PodView,
} from '../../common/pods';
import type { PodConnectRecord } from '../core';
import { parseCsv } from './csv';
import { messageOf } from '../../common/errors';

/** What a file row may name: `id`, the record fields (in the schema's order, the export's columns), and the secrets. */
const FIELD_SET = new Set<string>(POD_FIELD_NAMES);
const SECRET_SET = new Set<string>(POD_SECRET_NAMES);
const KNOWN_COLUMNS = ['id', ...POD_FIELD_NAMES, ...POD_SECRET_NAMES];

/** One exported record: id, every field, and (only with --include-secrets) the secrets the record holds. */
export type ExportedRecord = Record<string, string | number | boolean | null>;

/** The record as a file row. `secrets` are the record's own (never an imported context's), or omitted. */
export function toExportedRecord(view: PodView, secrets?: PodConnectRecord['secrets']): ExportedRecord {
  const row: ExportedRecord = { id: view.id };
  for (const name of POD_FIELD_NAMES) row[name] = view[name] ?? null;
  if (secrets) {
    for (const name of POD_SECRET_NAMES) {
      if (secrets[name] != null) row[name] = secrets[name];
    }
  }
  return row;
}

/** One problem in one row, as "row 3, field sshPort: between 1 and 65535". */
export interface RowProblem {
  row: number;
  line?: number;
  field: string | null;
  message: string;
}

export function describeProblem(problem: RowProblem): string {
  const where = problem.line !== undefined ? `row ${problem.row} (line ${problem.line})` : `row ${problem.row}`;
  return `${where}${problem.field ? `, field ${problem.field}` : ''}: ${problem.message}`;
}

/** A row as read from the file, before validation: its number (1-based, not counting a CSV header) and values. */
interface RawRow {
  row: number;
  line?: number;
  values: Record<string, unknown>;
}

/** The rows of a JSON (an array of records, as exported) or CSV file; problems with the file itself throw. */
export function readRows(text: string, format: 'json' | 'csv'): { rows: RawRow[]; problems: RowProblem[] } {
  return format === 'json' ? readJsonRows(text) : readCsvRows(text);
}

function readJsonRows(text: string): { rows: RawRow[]; problems: RowProblem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`the file is not valid JSON (${messageOf(error)})`, {
      cause: error,
    });
  }
  if (!Array.isArray(data)) {
    throw new Error('the JSON must be an array of records, as `podterm pods export` writes it');
  }
  const rows: RawRow[] = [];
  const problems: RowProblem[] = [];
  data.forEach((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ row: index + 1, field: null, message: 'not a record (expected an object of field names)' });
      return;
    }
    rows.push({ row: index + 1, values: item as Record<string, unknown> });
  });
  return { rows, problems };
}

/** CSV cells are text: numbers and booleans are read from it, and an empty cell means "not given". */
function readCsvRows(text: string): { rows: RawRow[]; problems: RowProblem[] } {
  const records = parseCsv(text);
  const header = records[0];
  if (!header) throw new Error('the CSV file is empty: it needs a header row of field names, then one row per record');
  const columns = header.cells.map((cell) => cell.trim());
  const unknown = columns.filter((column) => !KNOWN_COLUMNS.includes(column));
  if (unknown.length > 0) {
    throw new Error(
      `the CSV header names unknown field${unknown.length === 1 ? '' : 's'} ${unknown.map((c) => `"${c}"`).join(', ')}; ` +
        `known fields: ${KNOWN_COLUMNS.join(', ')}`,
    );
  }
  const rows: RawRow[] = [];
  const problems: RowProblem[] = [];
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
      if (cell === '') return;
      const converted = fromCsvCell(column, cell);
      if ('problem' in converted) problems.push({ row, line: record.line, field: column, message: converted.problem });
      else values[column] = converted.value;
    });
    rows.push({ row, line: record.line, values });
  });
  return { rows, problems };
}

const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);

type CellReading = { value: unknown } | { problem: string };

/**
 * How a cell becomes the value of each field that is not text; every other field takes the cell as it is. The type
 * demands a reader for every number and boolean field of the schema, so a new one does not compile until it has one.
 */
const CELL_READERS: Record<PodNonTextFieldName, (cell: string) => CellReading> = {
  sshPort: (cell) =>
    /^\s*\d+\s*$/.test(cell) ? { value: Number(cell) } : { problem: 'a whole number between 1 and 65535' },
  insecureSkipTlsVerify: readBoolean,
  sshAllowProxyCommand: readBoolean,
};

function readBoolean(cell: string): CellReading {
  const word = cell.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return { value: true };
  if (FALSE_WORDS.has(word)) return { value: false };
  return { problem: 'true or false' };
}

function fromCsvCell(column: string, cell: string): CellReading {
  const reader = Object.hasOwn(CELL_READERS, column) ? CELL_READERS[column as PodNonTextFieldName] : undefined;
  return reader ? reader(cell) : { value: cell };
}

/** A validated row: the save request, and where it came from. */
export interface ImportRow {
  row: number;
  request: PodSaveRequest;
}

/** What validateRows needs to know of the database. */
export interface ImportTarget {
  /** Whether an imported kubeconfig context with this id exists. */
  kubeconfigExists(id: string): boolean;
  /** The stored record with this id, or null. */
  storedRecord(id: string): PodView | null;
}

/**
 * Validates every row with podSaveSchema (the form's and the app's own rules) and returns the requests, or every
 * problem found in any row. A row whose id names a stored record changes only the fields it gives: the others keep
 * their stored values (a CSV row's empty cell gives nothing; a JSON null clears the field), and the whole record is
 * what is validated. Also refused: unknown field names, an id given twice, and a kubeconfigId naming an imported
 * context this database does not have.
 */
export function validateRows(rows: RawRow[], target: ImportTarget): { requests: ImportRow[]; problems: RowProblem[] } {
  const requests: ImportRow[] = [];
  const problems: RowProblem[] = [];
  const seenIds = new Map<string, number>();
  for (const { row, line, values } of rows) {
    const at = { row, ...(line !== undefined ? { line } : {}) };
    const fields: Record<string, unknown> = {};
    const secrets: Record<string, unknown> = {};
    let id: unknown;
    let rowOk = true;
    for (const [key, value] of Object.entries(values)) {
      if (key === 'id') id = value ?? undefined;
      else if (FIELD_SET.has(key)) fields[key] = value;
      else if (SECRET_SET.has(key)) secrets[key] = value;
      else {
        rowOk = false;
        problems.push({ ...at, field: key, message: `unknown field; known fields: ${KNOWN_COLUMNS.join(', ')}` });
      }
    }
    const stored = typeof id === 'string' ? target.storedRecord(id) : null;
    const merged = stored ? { ...storedFields(stored), ...fields } : fields;
    const parsed = podSaveSchema.safeParse({ ...(id !== undefined ? { id } : {}), fields: merged, secrets });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ ...at, field: fieldOf(issue), message: issue.message });
      continue;
    }
    if (!rowOk) continue;
    const request = parsed.data;
    if (request.id !== undefined) {
      const first = seenIds.get(request.id);
      if (first !== undefined) {
        problems.push({ ...at, field: 'id', message: `the same id as row ${first}; each record may appear once` });
        continue;
      }
      seenIds.set(request.id, row);
    }
    const kubeconfigId = request.fields.kubeconfigId;
    if (kubeconfigId && !target.kubeconfigExists(kubeconfigId)) {
      problems.push({
        ...at,
        field: 'kubeconfigId',
        message:
          'no imported kubeconfig context with this id in this database; import that kubeconfig in the app first, or clear the field',
      });
      continue;
    }
    requests.push({ row, request });
  }
  return { requests, problems };
}

/** A stored record's fields, as a row would give them (an absent optional field is null, as the store reads it). */
function storedFields(view: PodView): Record<string, unknown> {
  return Object.fromEntries(POD_FIELD_NAMES.map((name) => [name, view[name] ?? null]));
}

/** The row's field name from a zod issue path: ['fields','sshPort'] → sshPort, ['secrets','token'] → token. */
function fieldOf(issue: z.core.$ZodIssue): string | null {
  const path = issue.path.filter((part): part is string => typeof part === 'string');
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  return path.at(-1) ?? null;
}

/** The secrets a request would set (a string), which a sealed database cannot store. */
export function secretsSetBy(request: PodSaveRequest): PodSecretName[] {
  return POD_SECRET_NAMES.filter((name) => typeof request.secrets[name] === 'string');
}
