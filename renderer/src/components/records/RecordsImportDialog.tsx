/**
 * The records import preview: the mapping chosen for each source field (changeable; a field nothing maps must be mapped
 * or left out), then each row with its name, target and what importing does to it (create / update), its problems
 * under it by field, and a box to correct a refused value in place. "Import N records" writes all rows or none (main
 * checks the file again in records.import). Nothing is written before that button.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  RECORD_TARGETS,
  RECORDS_FILE_FORMAT_LABELS,
  type RecordProblem,
  type RecordTarget,
  type RecordsImportInput,
  type RecordsPreview,
} from '../../../../common/records';
import type { RendererClient } from '../../client';
import { Modal } from '../Modal';
import { messageOf } from '../../../../common/errors';

export interface RecordsFile {
  fileName: string;
  text: string;
}

interface Props {
  client: RendererClient;
  file: RecordsFile;
  onImported(created: number, updated: number): void;
  onClose(): void;
}

type Correction = NonNullable<RecordsImportInput['corrections']>[number];

/** The select's value for "leave this field out", and for "not chosen yet" (an unmapped field). */
const LEAVE_OUT = '__leave';
const NOT_CHOSEN = '';

export function RecordsImportDialog({ client, file, onImported, onClose }: Props) {
  const [mapping, setMapping] = useState<Record<string, RecordTarget | null>>({});
  const [corrections, setCorrections] = useState<Correction[]>([]);
  const [preview, setPreview] = useState<RecordsPreview | null>(null);
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Answers can arrive out of order when the person changes two mappings quickly: only the newest counts.
  const generation = useRef(0);

  const input = useCallback(
    (): RecordsImportInput => ({ fileName: file.fileName, text: file.text, mapping, corrections }),
    [file, mapping, corrections],
  );

  useEffect(() => {
    const mine = ++generation.current;
    client.api.records.preview(input()).then(
      (answer) => {
        if (mine !== generation.current) return;
        setPreview(answer);
        setError(null);
        setBusy(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(messageOf(failure));
        setBusy(false);
      },
    );
  }, [client, input]);

  const runImport = async () => {
    setBusy(true);
    try {
      const result = await client.api.records.import(input());
      onImported(result.created, result.updated);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  const problemCount = preview
    ? preview.fileProblems.length + preview.rows.reduce((sum, row) => sum + row.problems.length, 0)
    : 0;
  const canImport = preview !== null && problemCount === 0 && preview.importable > 0 && !busy;
  const fieldProblems = (field: string) => preview?.fileProblems.filter((problem) => problem.field === field) ?? [];

  return (
    <Modal
      title={`Import records from ${file.fileName}`}
      onClose={onClose}
      className="records-import-modal"
      footer={
        <>
          <span className="records-footer-status" role="status">
            {preview === null
              ? busy
                ? 'Reading the file…'
                : ''
              : problemCount > 0
                ? `${problemCount} problem${problemCount === 1 ? '' : 's'} to fix before importing; nothing is written until then`
                : `${preview.rows.filter((row) => row.action === 'create').length} to create, ${preview.rows.filter((row) => row.action === 'update').length} to update`}
          </span>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!canImport} onClick={() => void runImport()}>
            Import {preview?.importable ?? 0} record{preview?.importable === 1 ? '' : 's'}
          </button>
        </>
      }
    >
      {error && (
        <p className="records-error" role="alert">
          {error}
        </p>
      )}
      {preview && (
        <>
          <p className="settings-hint">
            Read as {RECORDS_FILE_FORMAT_LABELS[preview.format]}: {preview.rows.length} row
            {preview.rows.length === 1 ? '' : 's'}. Secrets are sealed by Podterm&apos;s secret store when imported.
          </p>
          <h4 className="records-heading">Fields</h4>
          <table className="records-table records-mapping" aria-label="Field mapping">
            <thead>
              <tr>
                <th>In the file</th>
                <th>Imported as</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {preview.mapping.flatMap((entry) => [
                <tr key={entry.source} className={entry.how === 'unmapped' ? 'records-unmapped' : undefined}>
                  <td className="mono">{entry.source}</td>
                  <td>
                    <select
                      aria-label={`Imported as, for ${entry.source}`}
                      value={entry.target ?? (entry.how === 'unmapped' ? NOT_CHOSEN : LEAVE_OUT)}
                      onChange={(event) => {
                        const choice = event.target.value;
                        if (choice === NOT_CHOSEN) return;
                        setBusy(true);
                        setMapping((current) => ({
                          ...current,
                          [entry.source]: choice === LEAVE_OUT ? null : (choice as RecordTarget),
                        }));
                      }}
                    >
                      {entry.how === 'unmapped' && (
                        <option value={NOT_CHOSEN} disabled>
                          — choose —
                        </option>
                      )}
                      <option value={LEAVE_OUT}>— leave out —</option>
                      {RECORD_TARGETS.map((target) => (
                        <option key={target} value={target}>
                          {target}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="dim">
                    {entry.how === 'automatic' ? 'by its name' : entry.how === 'chosen' ? 'your choice' : 'not mapped'}
                    {entry.note ? `; ${entry.note}` : ''}
                  </td>
                </tr>,
                ...fieldProblems(entry.source).map((problem) => (
                  <tr key={`${entry.source}-problem`} className="records-problem-row">
                    <td colSpan={3} className="records-problem">
                      {problem.message}
                    </td>
                  </tr>
                )),
              ])}
            </tbody>
          </table>
          <h4 className="records-heading">Records</h4>
          <table className="records-table" aria-label="Records to import">
            <thead>
              <tr>
                <th>Row</th>
                <th>Name</th>
                <th>Target</th>
                <th>Will</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.flatMap((row) => [
                <tr key={row.row} aria-label={`Row ${row.row}: ${row.name}`}>
                  <td className="dim">{row.row}</td>
                  <td className="strong">{row.name}</td>
                  <td className="mono">{row.target}</td>
                  <td className={row.action ? `records-action-${row.action}` : 'records-action-none'}>
                    {row.action ?? 'fix first'}
                  </td>
                </tr>,
                ...row.problems.map((problem, index) => (
                  <ProblemRow
                    key={`${row.row}-${index}`}
                    problem={problem}
                    onCorrect={(value) => {
                      setBusy(true);
                      setCorrections((current) => [
                        ...current.filter((c) => !(c.row === problem.row && c.field === problem.field)),
                        { row: problem.row, field: problem.field!, value },
                      ]);
                    }}
                  />
                )),
              ])}
            </tbody>
          </table>
        </>
      )}
    </Modal>
  );
}

/** A problem under its row: the field and message, and for a refused (non-secret) value, a box to correct it. */
function ProblemRow({ problem, onCorrect }: { problem: RecordProblem; onCorrect(value: string): void }) {
  const [value, setValue] = useState(problem.value ?? '');
  const correctable = problem.field !== null && problem.value !== undefined;
  return (
    <tr className="records-problem-row">
      <td />
      <td colSpan={3} className="records-problem" role="note" aria-label={`Problem in row ${problem.row}`}>
        <span>
          {problem.field && <span className="mono">{problem.field}</span>}
          {problem.field ? ': ' : ''}
          {problem.message}
        </span>
        {correctable && (
          <form
            className="records-correction"
            onSubmit={(event) => {
              event.preventDefault();
              onCorrect(value);
            }}
          >
            <input
              aria-label={`Correct ${problem.field} in row ${problem.row}`}
              className="mono"
              value={value}
              onChange={(event) => setValue(event.target.value)}
            />
            <button type="submit" className="btn btn-small">
              Apply
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}
