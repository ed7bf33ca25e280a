/**
 * Importing kubeconfigs: files dropped anywhere on the window (a drop zone shows while dragging), picked with a file
 * dialog, or pasted as YAML. Main previews them (each file's contexts, or its errors with the place in the file) and
 * nothing is stored until the user presses Import with the contexts they ticked.
 *
 * A context that reads files on this computer (a CA, a client key, a token file) or runs a program (an exec plugin)
 * lists each one with what it is read as, and can be imported only once the file's "allow" box is ticked: a dropped
 * kubeconfig must not get ~/.ssh/id_rsa read and sent to its server as a token without the person seeing that path.
 */
import { useCallback, useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import {
  KUBE_AUTH_KIND_LABELS,
  LOCAL_FILE_USE_LABELS,
  type KubeconfigContextPreview,
  type KubeconfigFileInput,
  type KubeconfigFilePreview,
  type KubeconfigView,
} from '../../../../common/importedKubeconfigs';
import type { RendererClient } from '../../client';
import { UploadIcon } from '../icons';
import { Modal } from '../Modal';
import { dragHasFiles, fitImportRequest, isRecordsFile, readKubeconfigFiles, type RefusedFile } from './readFiles';
import './KubeconfigImport.css';
import { messageOf } from '../../../../common/errors';

/** What the sidebar and the settings view can ask of the importer. */
export interface KubeconfigImportHandle {
  /** Opens the import dialog (empty: drop, pick or paste). */
  open(): void;
  /** Opens the file picker; with `replaces`, the picked file replaces that imported file's contexts. */
  pick(replaces?: string): void;
}

interface KubeconfigImportProps {
  client: RendererClient;
  ref?: Ref<KubeconfigImportHandle>;
  onImported(imported: KubeconfigView[], removed: number): void;
  onError(message: string): void;
  /** A dropped file whose content is pod records, not a kubeconfig (Settings → Records' import takes it). */
  onRecordsFile?(file: File): void;
}

interface DialogState {
  files: KubeconfigFileInput[];
  refused: RefusedFile[];
  previews: KubeconfigFilePreview[] | null;
  /** Per previewed file (by name): the context names ticked. */
  selected: Record<string, string[]>;
  /** Per previewed file (by name): whether its contexts may read the local files and run the programs listed. */
  allowLocal: Record<string, boolean>;
  replaces?: string;
  busy: boolean;
  error: string | null;
}

const EMPTY_DIALOG: DialogState = {
  files: [],
  refused: [],
  previews: null,
  selected: {},
  allowLocal: {},
  busy: false,
  error: null,
};

const needsLocalFiles = (context: KubeconfigContextPreview) => context.localFiles.length > 0;

/** The ticked contexts of a file that can be imported: those reading local files only when the file allows them. */
function importableSelection(dialog: DialogState, file: KubeconfigFilePreview): string[] {
  const ticked = dialog.selected[file.fileName] ?? [];
  if (dialog.allowLocal[file.fileName] === true) return ticked;
  return ticked.filter((name) => !file.contexts.some((context) => context.name === name && needsLocalFiles(context)));
}

export function KubeconfigImport({ client, ref, onImported, onError, onRecordsFile }: KubeconfigImportProps) {
  const [dragging, setDragging] = useState(false);
  const [dialog, setDialogState] = useState<DialogState | null>(null);
  // The dialog's latest state, readable between awaits (a state updater may run later than the call that queued it).
  const latest = useRef<DialogState | null>(null);
  const setDialog = useCallback((next: DialogState | null | ((current: DialogState | null) => DialogState | null)) => {
    latest.current = typeof next === 'function' ? next(latest.current) : next;
    setDialogState(latest.current);
  }, []);
  const picker = useRef<HTMLInputElement>(null);
  const pickReplaces = useRef<string | undefined>(undefined);

  /** Adds files to the dialog (or replaces them for a re-import) and previews them all again. */
  const addFiles = useCallback(
    async (incoming: KubeconfigFileInput[], refused: RefusedFile[], replaces?: string) => {
      const current = latest.current;
      const base = replaces !== undefined || current === null ? { ...EMPTY_DIALOG } : current;
      const kept = base.files.filter((file) => !incoming.some((added) => added.fileName === file.fileName));
      // What would push one request over the server's message limit waits for a second import, with a message.
      const fit = fitImportRequest(kept, incoming);
      const newlyRefused = [...refused, ...fit.refused];
      const state: DialogState = {
        ...base,
        files: [...kept, ...fit.files],
        refused: [...base.refused.filter((r) => !incoming.some((n) => n.fileName === r.fileName)), ...newlyRefused],
        busy: fit.files.length > 0,
        error: null,
        ...(replaces !== undefined ? { replaces } : {}),
      };
      setDialog(state);
      if (state.files.length === 0) return;
      try {
        const { files: previews } = await client.api.kubeconfigs.preview({
          files: state.files,
          ...(state.replaces !== undefined ? { replaces: state.replaces } : {}),
        });
        setDialog((current) =>
          current === null
            ? null
            : {
                ...current,
                previews,
                busy: false,
                // Every context ticked by default; a choice already made for a file stays.
                selected: Object.fromEntries(
                  previews.map((file) => [
                    file.fileName,
                    current.selected[file.fileName] ?? file.contexts.map((context) => context.name),
                  ]),
                ),
              },
        );
      } catch (error) {
        setDialog((current) => current && { ...current, busy: false, error: messageOf(error) });
      }
    },
    [client, setDialog],
  );

  const addFileList = useCallback(
    async (list: Iterable<File>, replaces?: string) => {
      const { files, refused } = await readKubeconfigFiles(list);
      await addFiles(files, refused, replaces);
    },
    [addFiles],
  );

  useImperativeHandle(
    ref,
    () => ({
      open: () => setDialog((current) => current ?? { ...EMPTY_DIALOG }),
      pick: (replaces) => {
        pickReplaces.current = replaces;
        picker.current?.click();
      },
    }),
    [setDialog],
  );

  // The whole window is the drop zone. A drop that something else handles (the pod form's kubeconfig field prevents
  // the default first) is left to it.
  useEffect(() => {
    const onDragOver = (event: DragEvent) => {
      if (!dragHasFiles(event)) return;
      if (event.defaultPrevented) {
        setDragging(false);
        return;
      }
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    const onDragLeave = (event: DragEvent) => {
      // relatedTarget is null only when the pointer leaves the window (moving between elements names the next one).
      if (event.relatedTarget === null) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      setDragging(false);
      if (event.defaultPrevented || !event.dataTransfer || event.dataTransfer.files.length === 0) return;
      event.preventDefault();
      void routeDropped([...event.dataTransfer.files]);
    };
    /** Records files go to the records import, told apart by content (a .json may be a kubeconfig); the rest stay here. */
    const routeDropped = async (files: File[]) => {
      const kubeconfigs: File[] = [];
      for (const file of files) {
        if (onRecordsFile && (await isRecordsFile(file))) onRecordsFile(file);
        else kubeconfigs.push(file);
      }
      if (kubeconfigs.length > 0) await addFileList(kubeconfigs);
    };
    window.addEventListener('dragenter', onDragOver);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onDragOver);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [addFileList, onRecordsFile]);

  const runImport = async () => {
    if (!dialog?.previews) return;
    const importable = dialog.previews.filter((file) => file.errors.length === 0);
    const files = dialog.files.filter((file) => importable.some((p) => p.fileName === file.fileName));
    const previewOf = (file: KubeconfigFileInput) => importable.find((p) => p.fileName === file.fileName)!;
    setDialog({ ...dialog, busy: true, error: null });
    try {
      const result = await client.api.kubeconfigs.import({
        files,
        selected: files.map((file) => importableSelection(dialog, previewOf(file))),
        // The paths the person was shown and allowed; main imports a context only if each of its own is among them.
        allowedLocalFiles: files.map((file) =>
          dialog.allowLocal[file.fileName] === true
            ? previewOf(file).contexts.flatMap((context) => context.localFiles.map((local) => local.path))
            : [],
        ),
        ...(dialog.replaces !== undefined ? { replaces: dialog.replaces } : {}),
      });
      if (result.failed.length > 0) {
        // The files changed between preview and import (edited on disk and dropped again): show the new errors.
        setDialog((current) => current && { ...current, busy: false, previews: mergePreviews(current, result.failed) });
        return;
      }
      setDialog(null);
      onImported(result.imported, result.removed);
    } catch (error) {
      setDialog((current) => current && { ...current, busy: false, error: messageOf(error) });
    }
  };

  const toggle = (fileName: string, name: string, on: boolean) =>
    setDialog((current) => {
      if (!current) return current;
      const chosen = new Set(current.selected[fileName] ?? []);
      if (on) chosen.add(name);
      else chosen.delete(name);
      return { ...current, selected: { ...current.selected, [fileName]: [...chosen] } };
    });

  const allowLocal = (fileName: string, on: boolean) =>
    setDialog((current) => current && { ...current, allowLocal: { ...current.allowLocal, [fileName]: on } });

  const count = dialog?.previews
    ? dialog.previews
        .filter((file) => file.errors.length === 0)
        .reduce((sum, file) => sum + importableSelection(dialog, file).length, 0)
    : 0;

  return (
    <>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-hidden="true"
        data-testid="kubeconfig-file-picker"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = '';
          if (files.length > 0) void addFileList(files, pickReplaces.current).catch((e) => onError(messageOf(e)));
        }}
      />
      {dragging && (
        <div className="drop-zone" role="status" aria-label="Drop kubeconfig files to import">
          <div className="drop-zone-card">
            <UploadIcon />
            <strong>Drop kubeconfig files to import</strong>
            <span>Each file’s contexts are shown before anything is saved.</span>
          </div>
        </div>
      )}
      {dialog && (
        <ImportDialog
          dialog={dialog}
          count={count}
          onToggle={toggle}
          onAllowLocal={allowLocal}
          onPick={() => {
            pickReplaces.current = dialog.replaces;
            picker.current?.click();
          }}
          onPaste={(text) => {
            const taken = new Set(dialog.files.map((file) => file.fileName));
            let fileName = 'pasted.yaml';
            for (let n = 2; taken.has(fileName); n += 1) fileName = `pasted-${n}.yaml`;
            void addFiles([{ fileName, text }], [], dialog.replaces);
          }}
          onImport={() => void runImport()}
          onClose={() => setDialog(null)}
        />
      )}
    </>
  );
}

interface ImportDialogProps {
  dialog: DialogState;
  count: number;
  onToggle(fileName: string, name: string, on: boolean): void;
  onAllowLocal(fileName: string, on: boolean): void;
  onPick(): void;
  onPaste(text: string): void;
  onImport(): void;
  onClose(): void;
}

function ImportDialog({
  dialog,
  count,
  onToggle,
  onAllowLocal,
  onPick,
  onPaste,
  onImport,
  onClose,
}: ImportDialogProps) {
  const [paste, setPaste] = useState('');
  const [pasteOpen, setPasteOpen] = useState(false);
  const importButton = useRef<HTMLButtonElement>(null);
  // When a preview arrives, Enter imports: the dialog opened before it (on the drop), with nothing to focus but links.
  const previews = dialog.previews;
  useEffect(() => {
    if (previews !== null) importButton.current?.focus();
  }, [previews]);
  const empty = dialog.files.length === 0 && dialog.refused.length === 0;
  const groups: KubeconfigFilePreview[] = [
    ...(dialog.previews ?? []),
    ...dialog.refused.map((refused) => ({
      fileName: refused.fileName,
      contexts: [],
      errors: [{ place: null, message: refused.message }],
      relativeFolder: null,
    })),
  ];

  return (
    <Modal
      title={dialog.replaces ? `Re-import ${dialog.replaces}` : 'Import kubeconfig'}
      onClose={onClose}
      className="kubeconfig-import-modal"
      footer={
        <>
          <button type="button" className="btn-link" onClick={onPick}>
            {empty ? 'Choose files…' : 'Add files…'}
          </button>
          <button type="button" className="btn-link" onClick={() => setPasteOpen((open) => !open)}>
            Paste YAML
          </button>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            ref={importButton}
            className="btn btn-primary"
            disabled={dialog.busy || count === 0}
            onClick={onImport}
          >
            {count === 1 ? 'Import 1 context' : `Import ${count} contexts`}
          </button>
        </>
      }
    >
      {dialog.replaces && (
        <p className="import-note">
          The contexts imported from <code>{dialog.replaces}</code> are replaced by the ones ticked here; records using
          a context of the same name keep it.
        </p>
      )}
      {empty && !pasteOpen && (
        <div className="import-empty">
          <UploadIcon />
          <p>
            Drop kubeconfig files anywhere in the window, or{' '}
            <button type="button" className="btn-link" onClick={onPick}>
              choose files
            </button>
            .
          </p>
          <p className="muted">
            Files a kubeconfig refers to (certificates, keys, token files) and programs it runs are listed before
            anything is read; they are read and stored with it, encrypted, only if you allow it. Relative paths are read
            from the file’s folder (desktop app) or from ~/.kube (browser mode).
          </p>
        </div>
      )}
      {pasteOpen && (
        <div className="import-paste">
          <label htmlFor="kubeconfig-paste">Paste YAML</label>
          <textarea
            id="kubeconfig-paste"
            className="textarea mono"
            rows={8}
            value={paste}
            spellCheck={false}
            placeholder={'apiVersion: v1\nkind: Config\nclusters: …'}
            onChange={(event) => setPaste(event.target.value)}
          />
          <div className="import-paste-actions">
            <button
              type="button"
              className="btn btn-small"
              disabled={paste.trim() === ''}
              onClick={() => {
                onPaste(paste);
                setPaste('');
                setPasteOpen(false);
              }}
            >
              Preview
            </button>
          </div>
        </div>
      )}
      {dialog.busy && groups.length === 0 && <p className="muted">Reading…</p>}
      {dialog.error && (
        <div className="form-summary" role="alert">
          {dialog.error}
        </div>
      )}
      {groups.map((file) => (
        <FileGroup
          key={file.fileName}
          file={file}
          selected={dialog.selected[file.fileName] ?? []}
          allowLocal={dialog.allowLocal[file.fileName] === true}
          onToggle={(name, on) => onToggle(file.fileName, name, on)}
          onAllowLocal={(on) => onAllowLocal(file.fileName, on)}
        />
      ))}
    </Modal>
  );
}

function FileGroup({
  file,
  selected,
  allowLocal,
  onToggle,
  onAllowLocal,
}: {
  file: KubeconfigFilePreview;
  selected: string[];
  allowLocal: boolean;
  onToggle(name: string, on: boolean): void;
  onAllowLocal(on: boolean): void;
}) {
  const failed = file.errors.length > 0;
  const usable = (context: KubeconfigContextPreview) => allowLocal || !needsLocalFiles(context);
  const chosen = file.contexts.filter((context) => usable(context) && selected.includes(context.name));
  const anyLocal = file.contexts.some(needsLocalFiles);
  return (
    <section className={`import-file${failed ? ' failed' : ''}`} aria-label={file.fileName}>
      <header>
        <span className="import-file-name mono">{file.fileName}</span>
        <span className="import-file-meta">
          {failed
            ? `${file.errors.length === 1 ? '1 problem' : `${file.errors.length} problems`}, nothing imported`
            : `${chosen.length} of ${file.contexts.length} ${file.contexts.length === 1 ? 'context' : 'contexts'}`}
        </span>
      </header>
      {failed ? (
        <ul className="import-errors" role="alert">
          {file.errors.map((error, index) => (
            <li key={index}>
              {error.place && <span className="import-error-place">{error.place}</span>}
              <span>{error.message}</span>
            </li>
          ))}
        </ul>
      ) : (
        <>
          <ul className="import-contexts">
            {file.contexts.map((context) => {
              const renamed = context.importName !== context.name;
              return (
                <li key={context.name}>
                  <label>
                    <input
                      type="checkbox"
                      checked={usable(context) && selected.includes(context.name)}
                      disabled={!usable(context)}
                      onChange={(event) => onToggle(context.name, event.target.checked)}
                      aria-label={`Import context ${context.name}`}
                    />
                    <span className="ctx-name mono">
                      {context.name}
                      {renamed && (
                        <span className="ctx-rename" title="An imported context already has this name">
                          {' → '}
                          <span>{context.importName}</span>
                        </span>
                      )}
                      {context.current && <span className="ctx-current">current</span>}
                    </span>
                    <span className="ctx-auth">{KUBE_AUTH_KIND_LABELS[context.authKind]}</span>
                    <span className="ctx-detail mono" title={context.server}>
                      {context.server}
                    </span>
                    <span className="ctx-detail">
                      <span className="muted">user</span> <span className="mono">{context.user ?? '—'}</span>
                      <span className="muted"> · ns</span>{' '}
                      <span className="mono">{context.namespace ?? 'default'}</span>
                    </span>
                  </label>
                  {needsLocalFiles(context) && (
                    <ul className="ctx-local-files" aria-label={`Local files of context ${context.name}`}>
                      {context.localFiles.map((local) => (
                        <li key={`${local.use}:${local.path}`}>
                          <span className="local-path mono" title={local.path}>
                            {local.path}
                            {local.written !== local.path && <span className="muted"> (written {local.written})</span>}
                          </span>
                          <span className="local-use">{LOCAL_FILE_USE_LABELS[local.use]}</span>
                          <span className="local-read-as">{local.readAs}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              );
            })}
          </ul>
          {anyLocal && <LocalFilesConsent file={file} allowed={allowLocal} onAllow={onAllowLocal} />}
        </>
      )}
    </section>
  );
}

/**
 * The tick a file's local files need. Without it the contexts that read them are not imported at all: imported without
 * their files they could not sign in, and reading the files later, at connect, would be reading them unasked all the
 * same.
 */
function LocalFilesConsent({
  file,
  allowed,
  onAllow,
}: {
  file: KubeconfigFilePreview;
  allowed: boolean;
  onAllow(on: boolean): void;
}) {
  const runs = file.contexts.some((context) => context.localFiles.some((local) => local.use === 'runAtConnect'));
  const folder = file.relativeFolder;
  return (
    <div className={`import-local-consent${allowed ? ' allowed' : ''}`}>
      <p>
        These contexts read the files listed above from this computer{runs ? ', or run the programs listed' : ''}.
        Nothing has been read yet. Without your tick they are not imported, since they could not sign in without them.
      </p>
      {folder && (
        <p className="muted">
          Relative paths are read from <code>{folder.folder}</code>
          {folder.fileFolder
            ? ', the file’s folder, as kubectl reads them.'
            : ': a file dropped in the browser does not say which folder it came from, so check each path above.'}
        </p>
      )}
      <label>
        <input
          type="checkbox"
          checked={allowed}
          onChange={(event) => onAllow(event.target.checked)}
          aria-label={`Allow the local files of ${file.fileName}`}
        />
        <span>
          {runs
            ? 'Read these files, run these programs, and import the contexts that need them'
            : 'Read these files and import the contexts that need them'}
        </span>
      </label>
    </div>
  );
}

function mergePreviews(dialog: DialogState, failed: KubeconfigFilePreview[]): KubeconfigFilePreview[] {
  return (dialog.previews ?? []).map((file) => failed.find((f) => f.fileName === file.fileName) ?? file);
}
