/**
 * Pod records as files, across the process boundary: what an import preview or import sends (the file's text, the
 * mapping the person chose, the cells they corrected), what the preview answers, and how a dropped file is told apart
 * from a kubeconfig by its content. The parsing itself is main/core/recordsTransfer, shared by the app and `podterm`.
 */
import { z } from 'zod';
import { MAX_INPUT_CHARS, MAX_RECORDS_FILE_BYTES } from './limits';
import { POD_FIELD_NAMES, POD_SECRET_NAMES } from './pods';

/**
 * What a source field may be mapped to: Podterm's record fields, its secrets, `id` (a record of this database) and
 * `sourceId` (the record's id in the system it came from: a `dumpdata` pk, so a second import updates it).
 */
export const RECORD_TARGETS = ['id', 'sourceId', ...POD_FIELD_NAMES, ...POD_SECRET_NAMES] as const;
export type RecordTarget = (typeof RECORD_TARGETS)[number];
const recordTargetSet = new Set<string>(RECORD_TARGETS);
export function isRecordTarget(value: string): value is RecordTarget {
  return recordTargetSet.has(value);
}

/** The shapes a records file can have. */
export const RECORDS_FILE_FORMATS = ['json', 'csv', 'dumpdata'] as const;
export type RecordsFileFormat = (typeof RECORDS_FILE_FORMATS)[number];
export const RECORDS_FILE_FORMAT_LABELS: Record<RecordsFileFormat, string> = {
  json: 'JSON records',
  csv: 'CSV with a header row',
  dumpdata: 'Django dumpdata JSON',
};

/** A field name from a file header or an object key: generous, but bounded. */
const MAX_SOURCE_FIELD_CHARS = 200;
const sourceFieldSchema = z.string().min(1).max(MAX_SOURCE_FIELD_CHARS);

export const recordsImportSchema = z
  .object({
    fileName: z.string().max(1024),
    text: z.string().max(MAX_RECORDS_FILE_BYTES, {
      message: `the file is too big for one import in the app (at most ${MAX_RECORDS_FILE_BYTES / 1024 / 1024} MiB); use podterm pods import`,
    }),
    /** Source field → target, or null to leave the field out; a field not named keeps the automatic choice. */
    mapping: z.record(sourceFieldSchema, z.enum(RECORD_TARGETS).nullable()).default({}),
    /** Corrected cells: the value of `field` (a source field) in row `row` (1-based) becomes `value`. */
    corrections: z
      .array(
        z
          .object({
            row: z.number().int().min(1),
            field: sourceFieldSchema,
            value: z.string().max(MAX_INPUT_CHARS),
          })
          .strict(),
      )
      .max(10_000)
      .default([]),
  })
  .strict();
export type RecordsImportInput = z.input<typeof recordsImportSchema>;
export type RecordsImportRequest = z.output<typeof recordsImportSchema>;

/** How one source field is read: its target (null: left out), and whether that was chosen automatically. */
export interface FieldMapping {
  source: string;
  target: RecordTarget | null;
  /** automatic: the name says what it is; chosen: the person picked it; unmapped: nothing matched and nobody chose. */
  how: 'automatic' | 'chosen' | 'unmapped';
  /** How the value is converted, when it is: "JSON object written as YAML", "text read as a number". */
  note?: string;
}

/** One problem, under its row and (source) field; field null for the row as a whole. */
export interface RecordProblem {
  row: number;
  /** The line it starts on, for CSV. */
  line?: number;
  field: string | null;
  message: string;
  /** The value that was refused, when it is not a secret: the preview offers it for correction. */
  value?: string;
}

export interface RecordPreviewRow {
  row: number;
  line?: number;
  name: string;
  /** "namespace/pod", "namespace/[selector]", "user@host:port" or "-". */
  target: string;
  /** What importing would do with it; null when the row has problems. */
  action: 'create' | 'update' | null;
  problems: RecordProblem[];
}

export interface RecordsPreview {
  format: RecordsFileFormat;
  mapping: FieldMapping[];
  rows: RecordPreviewRow[];
  /** Problems with the file or a field as a whole (an unmapped field, a target given twice). */
  fileProblems: RecordProblem[];
  /** Rows that would be written: all of them, or 0 while any problem remains. */
  importable: number;
}

export interface RecordsImportResult {
  created: number;
  updated: number;
}

export const recordsExportSchema = z.object({ includeSecrets: z.boolean() }).strict();
export interface RecordsExportResult {
  /** A file name to suggest ("podterm-records-2026-12-04.json"). */
  fileName: string;
  text: string;
  count: number;
}

/** One record of Refresh all (the CLI's `pods backfill`): what happened, and why, in words. */
export const BACKFILL_OUTCOMES = ['updated', 'complete', 'unresolved', 'notKubernetes'] as const;
export type BackfillOutcome = (typeof BACKFILL_OUTCOMES)[number];
export interface BackfillLine {
  id: string;
  name: string;
  outcome: BackfillOutcome;
  detail: string;
}

/** Header words that say a CSV row is a pod record (Podterm's names or the earlier app's), not something else. */
const RECORD_HEADER_WORDS = new Set([
  'name',
  'podname',
  'pod_name',
  'namespace',
  'clusterhost',
  'cluster_host',
  'sshhost',
  'ssh_host',
  'kubeconfig',
  'token',
]);

/**
 * Whether dropped text is a records file rather than a kubeconfig: a JSON array of objects (a kubeconfig is one
 * mapping, YAML or JSON, never an array), or a CSV whose header names record fields (a kubeconfig has no commas in its
 * first line: it starts "apiVersion: v1" or "{"). Used to route a drop; the import itself checks everything again.
 */
export function looksLikeRecordsFile(text: string): boolean {
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('[')) return /^\[\s*(\{|\])/.test(start);
  const firstLine = start.split(/\r?\n/, 1)[0] ?? '';
  if (!firstLine.includes(',')) return false;
  const words = firstLine.split(',').map((cell) => cell.trim().replace(/^"|"$/g, '').toLowerCase());
  return words.some((word) => RECORD_HEADER_WORDS.has(word));
}
