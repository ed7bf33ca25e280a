import { PromptIcon } from './icons';

interface EmptyStateProps {
  hasPods: boolean;
  onAdd(): void;
  /** Shows the cluster browser in the sidebar, its filter focused. */
  onBrowseClusters(): void;
}

/**
 * The main area with no tab open: what to do next, and the keys that do it. It names both ways in (a record typed by
 * hand, a pod found in the cluster browser) and says kubeconfigs can be dropped anywhere, as the README's path begins.
 */
export function EmptyState({ hasPods, onAdd, onBrowseClusters }: EmptyStateProps) {
  return (
    <div className="empty-state">
      <div className="empty-state-inner">
        <div className="empty-state-icon">
          <PromptIcon size={22} />
        </div>
        <h1>No terminal open</h1>
        {hasPods ? (
          <p>Pick a pod in the sidebar to open a shell in it, or add a pod record.</p>
        ) : (
          <p>
            Add a pod record, or several: a Kubernetes pod (namespace and pod name), an SSH host, or both. Podterm tries
            Kubernetes first and falls back to SSH.
          </p>
        )}
        <p className="empty-state-drop">
          Drop kubeconfig files anywhere on the window to import their contexts, then find pods in the cluster browser.
        </p>
        <div className="empty-state-actions">
          <button type="button" className="btn btn-primary" onClick={onBrowseClusters}>
            Browse clusters
          </button>
          <button type="button" className="btn" onClick={onAdd}>
            Add a pod record
          </button>
        </div>
        <dl className="shortcuts">
          <dt>
            <kbd>↑</kbd> <kbd>↓</kbd> <kbd>Enter</kbd>
          </dt>
          <dd>pick and open a pod</dd>
          <dt>
            <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>F</kbd>
          </dt>
          <dd>find a pod in the sidebar (in a terminal: search its output)</dd>
          <dt>
            <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>B</kbd>
          </dt>
          <dd>browse clusters: contexts, namespaces, pods</dd>
          <dt>
            <kbd>Ctrl</kbd>+<kbd>PgUp</kbd> / <kbd>PgDn</kbd>
          </dt>
          <dd>previous / next tab</dd>
          <dt>
            <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>W</kbd>
          </dt>
          <dd>close tab</dd>
          <dt>
            <kbd>F2</kbd> / <kbd>Del</kbd>
          </dt>
          <dd>edit / delete the selected pod</dd>
        </dl>
      </div>
    </div>
  );
}
