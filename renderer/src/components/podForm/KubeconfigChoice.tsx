/**
 * The record's own kubeconfig: an imported context (Settings → Kubeconfigs) picked from a list, or pasted text. One at a
 * time; choosing an imported context clears a stored pasted kubeconfig on save, because a pasted one would win.
 */
import { useId, type ReactNode } from 'react';
import { KUBE_AUTH_KIND_LABELS, type KubeconfigView } from '../../../../common/importedKubeconfigs';
import type { SecretEdit } from '../../lib/podForm';

interface KubeconfigChoiceProps {
  source: 'imported' | 'pasted';
  onSourceChange(source: 'imported' | 'pasted'): void;
  kubeconfigId: string;
  onKubeconfigIdChange(id: string): void;
  kubeconfigs: KubeconfigView[];
  /** Whether the record has a pasted kubeconfig stored, and how to clear it. */
  pastedStored: boolean;
  onPastedChange(edit: SecretEdit): void;
  error?: string | undefined;
  /** The pasted-text field (KubeconfigField). */
  pasted: ReactNode;
}

export function KubeconfigChoice(props: KubeconfigChoiceProps) {
  const { source, onSourceChange, kubeconfigId, onKubeconfigIdChange, kubeconfigs, pastedStored, onPastedChange } =
    props;
  const selectId = useId();
  const errorId = useId();
  const choose = (next: 'imported' | 'pasted') => {
    onSourceChange(next);
    // The pasted kubeconfig would take precedence over the imported context in the access chain: clear it on save.
    onPastedChange({ value: '', clear: next === 'imported' && pastedStored });
  };
  const missing = kubeconfigId !== '' && !kubeconfigs.some((view) => view.id === kubeconfigId);
  return (
    <div className="field-span kubeconfig-choice">
      <div className="kubeconfig-choice-head" role="radiogroup" aria-label="Kubeconfig source">
        <span className="field-label">Kubeconfig from</span>
        <label>
          <input type="radio" checked={source === 'imported'} onChange={() => choose('imported')} />
          Imported
        </label>
        <label>
          <input type="radio" checked={source === 'pasted'} onChange={() => choose('pasted')} />
          Pasted
        </label>
      </div>
      {source === 'imported' ? (
        <div className="field">
          <label className="field-label" htmlFor={selectId}>
            Imported context
          </label>
          <select
            id={selectId}
            className="select mono"
            value={kubeconfigId}
            onChange={(event) => onKubeconfigIdChange(event.target.value)}
            aria-invalid={props.error || missing ? 'true' : undefined}
            aria-describedby={props.error || missing ? errorId : undefined}
          >
            <option value="">{kubeconfigs.length === 0 ? 'none imported yet' : '— none —'}</option>
            {kubeconfigs.map((view) => (
              <option key={view.id} value={view.id}>
                {view.name} · {view.server} · {KUBE_AUTH_KIND_LABELS[view.authKind]}
              </option>
            ))}
          </select>
          {(props.error || missing) && (
            <span id={errorId} className="field-error">
              {props.error ?? 'this imported context was removed; pick another'}
            </span>
          )}
          {kubeconfigId !== '' && !missing && (
            <span className="field-hint">
              Connects with this context (its cluster and user); the Kube context field is not used for it.
            </span>
          )}
          {kubeconfigs.length === 0 && (
            <span className="field-hint">Drop a kubeconfig on the window, or import one in Settings.</span>
          )}
        </div>
      ) : (
        props.pasted
      )}
    </div>
  );
}
