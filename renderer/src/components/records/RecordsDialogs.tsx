/**
 * Settings → Records' dialogs, rendered once by the App: the import preview (from the file picker or a records file
 * dropped on the window), Export… and Refresh all. The App's kubeconfig importer hands dropped files here when their
 * content is records rather than a kubeconfig.
 */
import { useCallback, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { MAX_RECORDS_FILE_BYTES } from '../../../../common/limits';
import type { RendererClient } from '../../client';
import { RecordsExportDialog } from './RecordsExportDialog';
import { RecordsImportDialog, type RecordsFile } from './RecordsImportDialog';
import { RefreshAllDialog } from './RefreshAllDialog';
import './Records.css';

export interface RecordsDialogsHandle {
  /** Opens the file picker for an import. */
  pickImport(): void;
  /** Previews a records file (dropped on the window). */
  importFile(file: File): void;
  openExport(): void;
  openRefreshAll(): void;
}

interface Props {
  client: RendererClient;
  ref?: Ref<RecordsDialogsHandle>;
  notify(message: string, tone?: 'error' | 'info'): void;
}

type Open = { kind: 'import'; file: RecordsFile } | { kind: 'export' } | { kind: 'refreshAll' } | null;

export function RecordsDialogs({ client, ref, notify }: Props) {
  const [open, setOpen] = useState<Open>(null);
  const picker = useRef<HTMLInputElement>(null);

  const importFile = useCallback(
    async (file: File) => {
      if (file.size > MAX_RECORDS_FILE_BYTES) {
        notify(
          `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MiB, more than one import in the app takes ` +
            `(${MAX_RECORDS_FILE_BYTES / 1024 / 1024} MiB): import it with \`podterm pods import\`, or split it.`,
        );
        return;
      }
      try {
        setOpen({ kind: 'import', file: { fileName: file.name, text: await file.text() } });
      } catch {
        notify(`${file.name} could not be read (was it moved or deleted?)`);
      }
    },
    [notify],
  );

  useImperativeHandle(
    ref,
    () => ({
      pickImport: () => picker.current?.click(),
      importFile: (file) => void importFile(file),
      openExport: () => setOpen({ kind: 'export' }),
      openRefreshAll: () => setOpen({ kind: 'refreshAll' }),
    }),
    [importFile],
  );

  const close = () => setOpen(null);
  return (
    <>
      <input
        ref={picker}
        type="file"
        accept=".json,.csv,application/json,text/csv"
        hidden
        aria-label="Records file to import"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void importFile(file);
        }}
      />
      {open?.kind === 'import' && (
        <RecordsImportDialog
          client={client}
          file={open.file}
          onClose={close}
          onImported={(created, updated) => {
            close();
            notify(
              `Imported ${created + updated} record${created + updated === 1 ? '' : 's'} from ${open.file.fileName}: ` +
                `${created} created, ${updated} updated.`,
              'info',
            );
          }}
        />
      )}
      {open?.kind === 'export' && (
        <RecordsExportDialog
          client={client}
          onClose={close}
          onExported={(count, fileName) => {
            close();
            notify(`Exported ${count} record${count === 1 ? '' : 's'} to ${fileName}.`, 'info');
          }}
        />
      )}
      {open?.kind === 'refreshAll' && <RefreshAllDialog client={client} onClose={close} />}
    </>
  );
}
