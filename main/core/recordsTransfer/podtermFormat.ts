/**
 * Podterm's own records file: the flat record `podterm pods export` and Export… write (id, sourceId, every field, and
 * only when asked the secrets), which the import reads back, and how a problem is named in the command line's output.
 */
import { POD_FIELD_NAMES, POD_SECRET_NAMES, type PodView } from '../../../common/pods';
import type { RecordProblem } from '../../../common/records';
import type { PodConnectRecord } from '../store';

/** One exported record: id, sourceId, every field, and (only with secrets) the secrets the record holds. */
export type ExportedRecord = Record<string, string | number | boolean | null>;

/** The record as a file row. `secrets` are the record's own (never an imported context's), or omitted. */
export function toExportedRecord(view: PodView, secrets?: PodConnectRecord['secrets']): ExportedRecord {
  const row: ExportedRecord = { id: view.id };
  if (view.sourceId !== null) row.sourceId = view.sourceId;
  for (const name of POD_FIELD_NAMES) row[name] = view[name] ?? null;
  if (secrets) {
    for (const name of POD_SECRET_NAMES) {
      if (secrets[name] != null) row[name] = secrets[name];
    }
  }
  return row;
}

/** "row 3 (line 4), field sshPort: between 1 and 65535"; row 0 is the file as a whole ("field colour: …"). */
export function describeProblem(problem: RecordProblem): string {
  const where =
    problem.row === 0
      ? ''
      : problem.line !== undefined
        ? `row ${problem.row} (line ${problem.line})`
        : `row ${problem.row}`;
  const field = problem.field ? `field ${problem.field}` : '';
  return `${[where, field].filter(Boolean).join(', ')}: ${problem.message}`;
}
