/**
 * What Refresh found: the pod's phase and containers, which access read it, and each method checked on the way.
 */
import type { PodRefreshResult } from '../../../common/contract';
import { methodName } from '../../../common/pods';
import { Modal } from './Modal';
import './RefreshDialog.css';

interface RefreshDialogProps {
  name: string;
  /** Null while the refresh runs. */
  result: PodRefreshResult | null;
  onClose(): void;
}

export function RefreshDialog({ name, result, onClose }: RefreshDialogProps) {
  return (
    <Modal
      title={`Refresh ${name}`}
      className="modal-narrow refresh-dialog"
      onClose={onClose}
      closeOnBackdrop
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
          Close
        </button>
      }
    >
      {!result && <p className="muted">Looking the pod up…</p>}
      {result && (
        <>
          <p className={result.found ? 'refresh-message' : 'refresh-message refresh-problem'} role="status">
            {result.message}
          </p>
          {result.pod && (
            <dl className="refresh-facts">
              <dt>Phase</dt>
              <dd>
                {result.pod.phase}
                {result.pod.ready ? ', ready' : ', not ready'}
              </dd>
              <dt>Containers</dt>
              <dd className="mono">
                {result.pod.containers
                  .map((container) =>
                    container === result.pod?.defaultContainer ? `${container} (default)` : container,
                  )
                  .join(', ')}
              </dd>
              {result.pod.nodeName && (
                <>
                  <dt>Node</dt>
                  <dd className="mono">{result.pod.nodeName}</dd>
                </>
              )}
              {result.pod.podIP && (
                <>
                  <dt>Pod IP</dt>
                  <dd className="mono">{result.pod.podIP}</dd>
                </>
              )}
              {result.access && (
                <>
                  <dt>Access</dt>
                  <dd>{result.access}</dd>
                </>
              )}
            </dl>
          )}
          {result.checked.length > 0 && (
            <ul className="refresh-checked">
              {result.checked.map((entry) => (
                <li key={entry.method} className={`refresh-${entry.outcome}`}>
                  <span className="refresh-method">{methodName(entry)}</span>
                  <span className="refresh-outcome">{entry.outcome === 'notFound' ? 'not found' : entry.outcome}</span>
                  <span className="refresh-detail">{entry.detail}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Modal>
  );
}
