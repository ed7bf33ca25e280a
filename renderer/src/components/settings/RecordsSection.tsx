/**
 * Settings → Records: import records (Podterm's JSON or CSV, or the earlier web terminal's `dumpdata` JSON as it is),
 * export them (with secrets only after a confirmation), and Refresh all. The dialogs are RecordsDialogs, rendered by the
 * App; Settings closes while one is open.
 */
import { UploadIcon } from '../icons';
import type { SettingsSectionProps } from './SettingsDialog';

export function RecordsSection({ records }: SettingsSectionProps) {
  return (
    <>
      <div className="settings-section-header">
        <div>
          <h3>Records</h3>
          <p className="settings-hint">
            Bring pod records in from a file, secrets included: a Podterm export (JSON or CSV), or the earlier web
            terminal&apos;s <span className="mono">manage.py dumpdata</span> JSON as it is. A preview shows every record
            and field before anything is written. You can also drop such a file anywhere on the window.
          </p>
        </div>
      </div>
      <div className="records-actions">
        <button type="button" className="btn btn-small" onClick={records.pickImport}>
          <UploadIcon size={13} />
          Import…
        </button>
        <button type="button" className="btn btn-small" onClick={records.openExport}>
          Export…
        </button>
        <button type="button" className="btn btn-small" onClick={records.openRefreshAll}>
          Refresh all
        </button>
      </div>
      <p className="settings-hint">
        Refresh all looks up every Kubernetes record that lacks its cluster host or credentials and stores what it finds
        (the command line&apos;s <span className="mono">podterm pods backfill</span>).
      </p>
    </>
  );
}
