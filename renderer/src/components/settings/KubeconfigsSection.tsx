/**
 * Settings → Kubeconfigs: the imported contexts (name, server, auth kind, file, when), each removable (with an inline
 * confirmation), and each file re-importable from a newer copy.
 */
import { useState } from 'react';
import { KUBE_AUTH_KIND_LABELS, type KubeconfigView } from '../../../../common/importedKubeconfigs';
import { UploadIcon } from '../icons';
import type { SettingsSectionProps } from './SettingsDialog';
import { messageOf } from '../../../../common/errors';

export function KubeconfigsSection({
  client,
  kubeconfigs,
  onKubeconfigsChanged,
  onImport,
  onError,
}: SettingsSectionProps) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const remove = async (view: KubeconfigView) => {
    setBusy(true);
    try {
      await client.api.kubeconfigs.remove({ id: view.id });
      onKubeconfigsChanged();
    } catch (error) {
      onError(messageOf(error));
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  };

  return (
    <>
      <div className="settings-section-header">
        <div>
          <h3>Kubeconfigs</h3>
          <p className="settings-hint">
            Imported contexts are stored encrypted, each with its cluster, user and certificates. A pod record uses one
            as its kubeconfig (Edit → Kubeconfig → Imported context).
          </p>
        </div>
        <button type="button" className="btn btn-small" onClick={() => onImport()}>
          <UploadIcon size={13} />
          Import kubeconfig…
        </button>
      </div>
      {kubeconfigs.length === 0 ? (
        <p className="settings-empty">
          Nothing imported yet. Drop a kubeconfig anywhere on the window, or use Import kubeconfig….
        </p>
      ) : (
        <table className="kubeconfig-table" aria-label="Imported contexts">
          <thead>
            <tr>
              <th>Context</th>
              <th>Server</th>
              <th>Auth</th>
              <th>File</th>
              <th>Imported</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {kubeconfigs.flatMap((view) => [
              <tr key={view.id} aria-label={view.name}>
                <td
                  className="mono strong"
                  title={view.originalName !== view.name ? `${view.originalName} in the file` : undefined}
                >
                  {view.name}
                </td>
                <td className="mono dim" title={view.server}>
                  {view.server}
                </td>
                <td>
                  <span className="ctx-auth">{KUBE_AUTH_KIND_LABELS[view.authKind]}</span>
                </td>
                <td className="mono dim" title={view.fileName}>
                  {view.fileName}
                </td>
                <td className="dim" title={new Date(view.createdAt).toLocaleString()}>
                  {formatWhen(view.createdAt)}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn-link"
                    title={`Pick a newer copy of ${view.fileName}; its contexts replace these`}
                    onClick={() => onImport(view.fileName)}
                  >
                    Re-import
                  </button>
                  <button
                    type="button"
                    className="btn-link danger"
                    aria-label={`Remove ${view.name}`}
                    aria-expanded={confirming === view.id}
                    onClick={() => setConfirming(view.id)}
                  >
                    Remove
                  </button>
                </td>
              </tr>,
              confirming === view.id && (
                <tr key={`${view.id}-confirm`} className="confirm-row">
                  <td colSpan={6}>
                    <span className="inline-confirm" role="alertdialog" aria-label={`Remove ${view.name}?`}>
                      <span>
                        Remove <strong className="mono">{view.name}</strong>? Records using it keep their other settings
                        and lose only this link.
                      </span>
                      <span className="spacer" />
                      <button type="button" className="btn btn-small" onClick={() => setConfirming(null)} autoFocus>
                        Cancel
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        disabled={busy}
                        onClick={() => void remove(view)}
                      >
                        Remove
                      </button>
                    </span>
                  </td>
                </tr>
              ),
            ])}
          </tbody>
        </table>
      )}
    </>
  );
}

/** "just now", "5 min ago", "3 h ago", else the date: enough to tell an old import from today's. */
function formatWhen(at: number): string {
  const minutes = Math.round((Date.now() - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.round(minutes / 60)} h ago`;
  return new Date(at).toLocaleDateString();
}
