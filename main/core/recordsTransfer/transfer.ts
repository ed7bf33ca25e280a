/**
 * Importing and exporting pod records, the one implementation behind Settings → Records (records.preview,
 * records.import, records.export) and `podterm pods import | export`. An import reads the file (sourceFile.ts), maps
 * its fields (mapping.ts), converts each value, and checks every row with the contract's own podSaveSchema and the
 * pasted secrets' checks (pods/recordSecrets.ts) before anything is written; then all rows or none are written in one
 * store transaction, secrets sealed by the store's SecretBox.
 */
import type { z } from 'zod';
import { ContractError } from '../../../common/contract';
import {
  POD_FIELD_NAMES,
  POD_SECRET_NAMES,
  podSaveSchema,
  type PodFieldName,
  type PodNonTextFieldName,
  type PodSaveRequest,
  type PodSecretName,
  type PodView,
} from '../../../common/pods';
import type {
  FieldMapping,
  RecordPreviewRow,
  RecordProblem,
  RecordTarget,
  RecordsExportResult,
  RecordsFileFormat,
  RecordsImportRequest,
  RecordsImportResult,
  RecordsPreview,
} from '../../../common/records';
import { kubeconfigObjectToYaml } from '../kube/access';
import { recordSecretProblems } from '../pods';
import type { PodImportRequest, PodRepository } from '../store';
import { chooseMapping } from './mapping';
import { toExportedRecord } from './podtermFormat';
import { readSourceFile, RecordsFileError, type SourceRow } from './sourceFile';

/** What an import needs of the database. */
export interface ImportTarget {
  pods: Pick<PodRepository, 'get' | 'findBySourceId' | 'getForConnect' | 'importAll'>;
  /** Whether an imported kubeconfig context with this id exists. */
  kubeconfigExists(id: string): boolean;
}

export interface ImportOptions {
  /** Leave every secret out (a database whose secrets the caller cannot seal): stored secrets are kept. */
  withoutSecrets?: boolean;
}

/** The preview, and (only when it has no problem) what to write. */
export interface PreparedImport {
  preview: RecordsPreview;
  writes: Array<{ row: number; request: PodImportRequest }>;
}

const FIELD_SET = new Set<string>(POD_FIELD_NAMES);
const SECRET_SET = new Set<string>(POD_SECRET_NAMES);

/**
 * Reads, maps and checks the file; writes nothing. A file that cannot be read at all is a ContractError naming why;
 * everything else is a problem under its row and field in the preview.
 */
export async function prepareImport(
  input: RecordsImportRequest,
  target: ImportTarget,
  options: ImportOptions = {},
): Promise<PreparedImport> {
  let source;
  try {
    source = readSourceFile(input.text, input.fileName);
  } catch (error) {
    if (error instanceof RecordsFileError) {
      throw new ContractError('invalidPayload', `${input.fileName}: ${error.message}. Nothing was imported.`);
    }
    throw error;
  }
  const corrected = applyCorrections(source.rows, input.corrections);
  const { mapping, problems: fileProblems } = chooseMapping(
    source.fields,
    source.format,
    input.mapping,
    corrected.map((row) => row.values.id),
  );
  // A field only one row has is that row's: "row 2, field colour: unknown field…".
  for (const problem of fileProblems) {
    const having = corrected.filter((row) => problem.field !== null && Object.hasOwn(row.values, problem.field));
    if (having.length === 1) {
      problem.row = having[0]!.row;
      if (having[0]!.line !== undefined) problem.line = having[0]!.line;
    }
  }
  const sourceOf = new Map<RecordTarget, string>();
  for (const entry of mapping) if (entry.target) sourceOf.set(entry.target, entry.source);

  const rows: RecordPreviewRow[] = [];
  const writes: PreparedImport['writes'] = [];
  const seen = new Map<string, number>();
  for (const problem of source.problems) {
    rows.push({ row: problem.row, name: '-', target: '-', action: null, problems: [problem] });
  }
  for (const sourceRow of corrected) {
    const checked = await checkRow(sourceRow, mapping, sourceOf, source.format, target, options);
    const { preview, request } = checked;
    const key = request?.id ?? request?.sourceId;
    if (request && key !== undefined && key !== null) {
      const first = seen.get(key);
      if (first !== undefined) {
        preview.problems.push({
          row: sourceRow.row,
          field: sourceOf.get(request.id !== undefined ? 'id' : 'sourceId') ?? null,
          message: `the same record as row ${first}; each record may appear once`,
        });
        preview.action = null;
      } else {
        seen.set(key, sourceRow.row);
      }
    }
    rows.push(preview);
    if (request && preview.problems.length === 0) writes.push({ row: sourceRow.row, request });
  }
  rows.sort((a, b) => a.row - b.row);
  const clean = fileProblems.length === 0 && rows.every((row) => row.problems.length === 0);
  return {
    preview: { format: source.format, mapping, rows, fileProblems, importable: clean ? writes.length : 0 },
    writes: clean ? writes : [],
  };
}

/** Checks the file again and writes every row or none; ContractError listing the problems if any remain. */
export async function importRecords(
  input: RecordsImportRequest,
  target: ImportTarget,
  options: ImportOptions = {},
): Promise<RecordsImportResult> {
  const { preview, writes } = await prepareImport(input, target, options);
  const problems = [...preview.fileProblems, ...preview.rows.flatMap((row) => row.problems)];
  if (problems.length > 0) {
    throw new ContractError(
      'invalidPayload',
      `Nothing was imported: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${input.fileName}; ` +
        'fix them in the preview (or the file) and import again.',
    );
  }
  const results = await target.pods.importAll(writes.map((write) => write.request));
  const created = results.filter((result) => result.action === 'created').length;
  return { created, updated: results.length - created };
}

/** Every record as Podterm's JSON records file; secrets only when asked. */
export async function exportRecords(
  pods: Pick<PodRepository, 'list' | 'getForConnect'>,
  includeSecrets: boolean,
  now: Date = new Date(),
): Promise<RecordsExportResult> {
  const records = [];
  for (const view of pods.list()) {
    const secrets = includeSecrets ? (await pods.getForConnect(view.id))?.secrets : undefined;
    records.push(toExportedRecord(view, secrets));
  }
  const day = now.toISOString().slice(0, 10);
  return {
    fileName: `podterm-records-${day}${includeSecrets ? '-with-secrets' : ''}.json`,
    text: `${JSON.stringify(records, null, 2)}\n`,
    count: records.length,
  };
}

function applyCorrections(rows: SourceRow[], corrections: RecordsImportRequest['corrections']): SourceRow[] {
  if (corrections.length === 0) return rows;
  return rows.map((row) => {
    const mine = corrections.filter((correction) => correction.row === row.row);
    if (mine.length === 0) return row;
    const values = { ...row.values };
    for (const { field, value } of mine) values[field] = value;
    return { ...row, values };
  });
}

interface CheckedRow {
  preview: RecordPreviewRow;
  request: PodImportRequest | null;
}

async function checkRow(
  sourceRow: SourceRow,
  mapping: FieldMapping[],
  sourceOf: Map<RecordTarget, string>,
  format: RecordsFileFormat,
  target: ImportTarget,
  options: ImportOptions,
): Promise<CheckedRow> {
  const at = { row: sourceRow.row, ...(sourceRow.line !== undefined ? { line: sourceRow.line } : {}) };
  const problems: RecordProblem[] = [];
  const fields: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  let id: string | undefined;
  let sourceId: string | undefined;
  for (const entry of mapping) {
    if (!entry.target || !Object.hasOwn(sourceRow.values, entry.source)) continue;
    const raw = sourceRow.values[entry.source];
    const converted = convert(entry.target, raw, format);
    if ('problem' in converted) {
      problems.push({ ...at, field: entry.source, message: converted.problem, ...shownValue(entry.target, raw) });
      continue;
    }
    if (converted.value === undefined) continue;
    if (entry.target === 'id') id = typeof converted.value === 'string' ? converted.value : undefined;
    else if (entry.target === 'sourceId') sourceId = converted.value === null ? undefined : String(converted.value);
    else if (FIELD_SET.has(entry.target)) fields[entry.target] = converted.value;
    else if (SECRET_SET.has(entry.target) && !options.withoutSecrets) secrets[entry.target] = converted.value;
  }
  const stored =
    (id !== undefined ? target.pods.get(id) : null) ?? (sourceId ? target.pods.findBySourceId(sourceId) : null);
  const resolvedId = id ?? stored?.id;
  fillDerived(fields, secrets, stored, sourceId);
  const merged = stored ? { ...storedFields(stored), ...fields } : fields;
  const name = typeof merged.name === 'string' && merged.name.trim() !== '' ? merged.name : '-';
  const preview: RecordPreviewRow = { ...at, name, target: describeTarget(merged), action: null, problems };

  const parsed = podSaveSchema.safeParse({
    ...(resolvedId !== undefined ? { id: resolvedId } : {}),
    fields: merged,
    secrets,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = targetOf(issue);
      const sourceField = field ? (sourceOf.get(field as RecordTarget) ?? field) : null;
      const raw = sourceField !== null ? sourceRow.values[sourceField] : undefined;
      problems.push({
        ...at,
        field: sourceField,
        message: issue.message,
        ...(field && sourceOf.has(field as RecordTarget) ? shownValue(field as RecordTarget, raw) : {}),
      });
    }
    return { preview, request: null };
  }
  if (problems.length > 0) return { preview, request: null };
  const request = parsed.data;
  const kubeconfigId = request.fields.kubeconfigId;
  if (kubeconfigId && !target.kubeconfigExists(kubeconfigId)) {
    problems.push({
      ...at,
      field: sourceOf.get('kubeconfigId') ?? 'kubeconfigId',
      message:
        'no imported kubeconfig context with this id in this database; import that kubeconfig in the app first, or clear the field',
    });
    return { preview, request: null };
  }
  for (const [path, message] of Object.entries(await recordSecretProblems(request, target.pods))) {
    const secret = path.replace(/^secrets\./, '') as PodSecretName;
    problems.push({ ...at, field: sourceOf.get(secret) ?? secret, message });
  }
  if (problems.length > 0) return { preview, request: null };
  preview.action = stored ? 'update' : 'create';
  return { preview, request: { ...request, ...(sourceId !== undefined ? { sourceId } : {}) } };
}

/**
 * Fields the earlier app never had, made from what it had: the record's name (its pod name, else its SSH host) and the
 * SSH auth kind (a pasted key means key auth, a key path means that file). A stored record keeps its own.
 */
function fillDerived(
  fields: Record<string, unknown>,
  secrets: Record<string, unknown>,
  stored: PodView | null,
  sourceId: string | undefined,
): void {
  if (fields.name === undefined && !stored) {
    const named = [fields.podName, fields.labelSelector, fields.sshHost, sourceId].find(
      (value) => typeof value === 'string' && value !== '',
    );
    if (named !== undefined) fields.name = named;
  }
  if (fields.sshAuthKind === undefined && !stored) {
    if (typeof secrets.sshPrivateKey === 'string') fields.sshAuthKind = 'privateKeyText';
    else if (typeof fields.sshPrivateKeyPath === 'string') fields.sshAuthKind = 'privateKeyPath';
  }
}

type Conversion = { value: unknown } | { problem: string };

/**
 * The fields `convert` reads from text as numbers or booleans. The type demands every such field of the schema, so a
 * new number or boolean field does not compile until it is listed here and given its case in `convert`.
 */
const NON_TEXT_FIELDS_CONVERTED: Record<PodNonTextFieldName, true> = {
  sshPort: true,
  insecureSkipTlsVerify: true,
  sshAllowProxyCommand: true,
};
void NON_TEXT_FIELDS_CONVERTED;

const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);

/**
 * One source value as the target's value. undefined: not given (an empty cell, an empty dumpdata string). Numbers and
 * booleans are read from text; a kubeconfig held as an object (dumpdata's JSON field) is written as YAML.
 */
function convert(target: RecordTarget, raw: unknown, format: RecordsFileFormat): Conversion {
  if (raw === undefined) return { value: undefined };
  // A Django CharField left blank is "", and a JSONField left empty is null: neither is a value to store.
  if (format === 'dumpdata' && (raw === '' || raw === null)) return { value: undefined };
  if (raw === null) return { value: null };
  switch (target) {
    case 'sshPort':
      if (typeof raw === 'number') return { value: raw };
      if (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw)) return { value: Number(raw) };
      return { problem: 'a whole number between 1 and 65535' };
    case 'insecureSkipTlsVerify':
    case 'sshAllowProxyCommand': {
      if (typeof raw === 'boolean') return { value: raw };
      const word = String(raw).trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return { value: true };
      if (FALSE_WORDS.has(word)) return { value: false };
      return { problem: 'true or false' };
    }
    case 'kubeconfig':
      return kubeconfigText(raw);
    case 'sourceId':
      return typeof raw === 'string' || typeof raw === 'number'
        ? { value: String(raw) }
        : { problem: 'text or a number' };
    default:
      if (typeof raw === 'string') return { value: raw };
      if (typeof raw === 'number' && target !== 'id') return { value: String(raw) };
      return { problem: `expected text, found ${Array.isArray(raw) ? 'a list' : typeof raw}` };
  }
}

/** A kubeconfig as YAML text: a JSON object (or its JSON text, as a CSV cell holds it) is written as YAML. */
function kubeconfigText(raw: unknown): Conversion {
  let value = raw;
  if (typeof value === 'string' && value.trimStart().startsWith('{')) {
    try {
      value = JSON.parse(value);
    } catch {
      // YAML may start with "{" too (flow style): leave it to the kubeconfig check.
    }
  }
  if (typeof value === 'string') return { value };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return { value: kubeconfigObjectToYaml(value as Record<string, unknown>) };
  }
  return { problem: 'expected a kubeconfig: YAML text or a JSON object' };
}

/** The refused value, offered for correction in the preview; never a secret's. */
function shownValue(target: RecordTarget, raw: unknown): { value?: string } {
  if (SECRET_SET.has(target) || raw === undefined || raw === null || typeof raw === 'object') return {};
  return { value: String(raw) };
}

/** A stored record's fields, as a row would give them (an absent optional field is null, as the store reads it). */
function storedFields(view: PodView): Record<string, unknown> {
  return Object.fromEntries(POD_FIELD_NAMES.map((name: PodFieldName) => [name, view[name] ?? null]));
}

/** "namespace/pod", "namespace/[selector]", "user@host:port", or "-". */
function describeTarget(fields: Record<string, unknown>): string {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
  const namespace = text(fields.namespace) ?? 'default';
  const pod = text(fields.podName);
  const selector = text(fields.labelSelector);
  const parts: string[] = [];
  if (pod) parts.push(`${namespace}/${pod}`);
  else if (selector) parts.push(`${namespace}/[${selector}]`);
  const host = text(fields.sshHost);
  if (host) {
    const user = text(fields.sshUser);
    const port = fields.sshPort;
    parts.push(
      `${user ? `${user}@` : ''}${host}${port !== undefined && port !== null && port !== 22 ? `:${String(port)}` : ''}`,
    );
  }
  return parts.length > 0 ? parts.join(' · ') : '-';
}

/** The record field a zod issue is about: ['fields','sshPort'] → sshPort, ['secrets','token'] → token. */
function targetOf(issue: z.core.$ZodIssue): string | null {
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  const path = issue.path.filter((part): part is string => typeof part === 'string');
  return path.at(-1) ?? null;
}

/** The secrets a request would set (a string), which a sealed database cannot store. */
export function secretsSetBy(request: PodSaveRequest): PodSecretName[] {
  return POD_SECRET_NAMES.filter((name) => typeof request.secrets[name] === 'string');
}
