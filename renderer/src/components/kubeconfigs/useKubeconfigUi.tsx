/**
 * The App's kubeconfig import and settings wiring in one place: the imported contexts (for the pod form and Settings),
 * the importer (drop zone, picker, paste, preview) and the Settings dialog. The App renders `overlays` once and hands
 * `openImport` / `openSettings` to the sidebar.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { KubeconfigView } from '../../../../common/importedKubeconfigs';
import type { RendererClient } from '../../client';
import { useAppEvent } from '../../hooks/useAppEvent';
import { SettingsDialog } from '../settings/SettingsDialog';
import { KubeconfigImport, type KubeconfigImportHandle } from './KubeconfigImport';
import { RecordsDialogs, type RecordsDialogsHandle } from '../records/RecordsDialogs';
import { messageOf } from '../../../../common/errors';

export interface KubeconfigUi {
  kubeconfigs: KubeconfigView[];
  openImport(): void;
  openSettings(): void;
  overlays: ReactNode;
}

export function useKubeconfigUi(
  client: RendererClient,
  notify: (message: string, tone?: 'error' | 'info') => void,
): KubeconfigUi {
  const [kubeconfigs, setKubeconfigs] = useState<KubeconfigView[]>([]);
  const [settingsOpen, setSettingsOpen] = useState(false);
  // Settings closes while the import dialog is up (one dialog at a time) and comes back after a re-import from it.
  const returnToSettings = useRef(false);
  const importer = useRef<KubeconfigImportHandle>(null);
  const records = useRef<RecordsDialogsHandle>(null);
  /** A Records action from Settings: one dialog at a time, so Settings closes first. */
  const recordsAction = (action: 'pickImport' | 'openExport' | 'openRefreshAll') => {
    setSettingsOpen(false);
    records.current?.[action]();
  };

  const reload = useCallback(() => {
    client.api.kubeconfigs.list({}).then(setKubeconfigs, (error: unknown) => {
      notify(`Could not list imported kubeconfigs: ${messageOf(error)}`);
    });
  }, [client, notify]);
  useEffect(reload, [reload]);
  // Imported, removed or re-imported here, in Settings, or in another window or tab.
  useAppEvent(client, 'kubeconfigsChanged', reload);

  const onImported = useCallback(
    (imported: KubeconfigView[], removed: number) => {
      reload();
      const names = imported.map((view) => view.name).join(', ');
      const removedText = removed > 0 ? `; ${removed} no longer in the file removed` : '';
      notify(
        `Imported ${imported.length === 1 ? '1 context' : `${imported.length} contexts`}: ${names}${removedText}`,
        'info',
      );
      if (returnToSettings.current) setSettingsOpen(true);
      returnToSettings.current = false;
    },
    [notify, reload],
  );

  const openImportFromSettings = (replaces?: string) => {
    returnToSettings.current = true;
    setSettingsOpen(false);
    if (replaces === undefined) importer.current?.open();
    else importer.current?.pick(replaces);
  };

  return {
    kubeconfigs,
    openImport: () => importer.current?.open(),
    openSettings: () => {
      reload();
      setSettingsOpen(true);
    },
    overlays: (
      <>
        <KubeconfigImport
          ref={importer}
          client={client}
          onImported={onImported}
          onError={notify}
          onRecordsFile={(file) => records.current?.importFile(file)}
        />
        <RecordsDialogs ref={records} client={client} notify={notify} />
        {settingsOpen && (
          <SettingsDialog
            client={client}
            kubeconfigs={kubeconfigs}
            onKubeconfigsChanged={reload}
            onImport={openImportFromSettings}
            onError={notify}
            records={{
              pickImport: () => recordsAction('pickImport'),
              openExport: () => recordsAction('openExport'),
              openRefreshAll: () => recordsAction('openRefreshAll'),
            }}
            onClose={() => setSettingsOpen(false)}
          />
        )}
      </>
    ),
  };
}
