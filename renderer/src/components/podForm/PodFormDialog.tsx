/**
 * Add or edit a pod record. Validated on submit with the schema main uses (common/pods.ts); main's own field errors
 * land under the same fields. Secrets are write-only (see SecretField).
 */
import { useRef, useState, type FormEvent } from 'react';
import { ContractError } from '../../../../common/contract';
import type { KubeconfigView } from '../../../../common/importedKubeconfigs';
import type { PodSaveInput, PodSecretName, PodView, SshAuthKind } from '../../../../common/pods';
import {
  buildSaveInput,
  emptySecretEdits,
  formValuesFrom,
  secretsInUse,
  validatePodForm,
  type FieldErrors,
  type PodFormValues,
  type SecretEdit,
  type SecretEdits,
} from '../../lib/podForm';
import { Modal } from '../Modal';
import { CheckboxField, Section, SelectField, TextAreaField, TextField } from './fields';
import { KubeconfigChoice } from './KubeconfigChoice';
import { KubeconfigField } from './KubeconfigField';
import { SecretField } from './SecretField';
import './PodForm.css';
import { messageOf } from '../../../../common/errors';

const AUTH_OPTIONS: ReadonlyArray<{ value: SshAuthKind; label: string }> = [
  { value: 'password', label: 'Password' },
  { value: 'privateKeyPath', label: 'Private key file' },
  { value: 'privateKeyText', label: 'Private key text' },
  { value: 'agent', label: 'SSH agent' },
];

/** Every error key this form shows under a field; anything else goes to the summary at the top. */
const FIELD_ERROR_KEYS = new Set([
  ...Object.keys(formValuesFrom(null)).map((key) => `fields.${key}`),
  ...Object.keys(emptySecretEdits()).map((key) => `secrets.${key}`),
]);

interface PodFormDialogProps {
  /** null adds a record. */
  pod: PodView | null;
  onSave(input: PodSaveInput): Promise<PodView>;
  onSaved(pod: PodView): void;
  onClose(): void;
  /** Imported kubeconfig contexts for the Kubeconfig choice. */
  kubeconfigs?: KubeconfigView[];
}

export function PodFormDialog({ pod, onSave, onSaved, onClose, kubeconfigs = [] }: PodFormDialogProps) {
  const [values, setValues] = useState<PodFormValues>(() => formValuesFrom(pod));
  const [secrets, setSecrets] = useState<SecretEdits>(emptySecretEdits);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [summary, setSummary] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const id = pod?.id ?? null;

  const set =
    <K extends keyof PodFormValues>(key: K) =>
    (value: PodFormValues[K]) =>
      setValues((current) => ({ ...current, [key]: value }));
  const setSecret = (name: PodSecretName) => (edit: SecretEdit) =>
    setSecrets((current) => ({ ...current, [name]: edit }));
  const err = (key: string) => errors[key];
  const stored = (name: PodSecretName) => pod?.storedSecrets[name] ?? false;

  const focusFirstError = () =>
    requestAnimationFrame(() => {
      const field = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      // Centred, so the field's label and its message are in view too, not just the input at the very edge.
      field?.focus({ preventScroll: true });
      field?.scrollIntoView({ block: 'center' });
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    const found = validatePodForm(values, secrets, id);
    setErrors(found);
    setSummary(null);
    if (Object.keys(found).length > 0) {
      focusFirstError();
      return;
    }
    setSaving(true);
    try {
      const saved = await onSave(buildSaveInput(values, secrets, id));
      onSaved(saved);
    } catch (error) {
      const fieldErrors = error instanceof ContractError ? (error.fieldErrors ?? {}) : {};
      setErrors(fieldErrors);
      const unplaced = Object.entries(fieldErrors).filter(([key]) => !FIELD_ERROR_KEYS.has(key));
      if (Object.keys(fieldErrors).length === 0) setSummary(messageOf(error));
      else if (unplaced.length > 0) setSummary(unplaced.map(([key, message]) => `${key}: ${message}`).join('; '));
      focusFirstError();
    } finally {
      setSaving(false);
    }
  };

  const inUse = secretsInUse(values.sshAuthKind);
  const title = pod ? `Edit ${pod.name}` : 'Add pod';

  return (
    <Modal
      title={title}
      onClose={onClose}
      className="pod-form-modal"
      footer={
        <>
          <span className="form-footnote">Kubernetes is tried first; SSH is the fallback.</span>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="pod-form" className="btn btn-primary" disabled={saving}>
            Save
          </button>
        </>
      }
    >
      <form id="pod-form" ref={form} className="pod-form" onSubmit={(event) => void submit(event)} noValidate>
        {summary && (
          <div className="form-summary" role="alert">
            {summary}
          </div>
        )}

        <Section title="Record">
          <TextField
            label="Name"
            className="span-2"
            value={values.name}
            onChange={set('name')}
            error={err('fields.name')}
            placeholder="e.g. prod api"
            autoFocus
          />
          <TextAreaField
            label="Notes"
            className="span-2"
            value={values.notes}
            onChange={set('notes')}
            error={err('fields.notes')}
            placeholder="Anything worth remembering about this pod"
          />
        </Section>

        <Section title="Kubernetes">
          <KubeconfigChoice
            source={values.kubeconfigSource}
            onSourceChange={set('kubeconfigSource')}
            kubeconfigId={values.kubeconfigId}
            onKubeconfigIdChange={set('kubeconfigId')}
            kubeconfigs={kubeconfigs}
            pastedStored={stored('kubeconfig')}
            onPastedChange={setSecret('kubeconfig')}
            error={err('fields.kubeconfigId')}
            pasted={
              <KubeconfigField
                edit={secrets.kubeconfig}
                stored={stored('kubeconfig')}
                onChange={setSecret('kubeconfig')}
                error={err('secrets.kubeconfig')}
              />
            }
          />
          <TextField
            label="Namespace"
            mono
            value={values.namespace}
            onChange={set('namespace')}
            error={err('fields.namespace')}
            placeholder="default"
          />
          <TextField
            label="Pod name"
            mono
            value={values.podName}
            onChange={set('podName')}
            error={err('fields.podName')}
            placeholder="api-7d9f-abcde"
          />
          <TextField
            label="Label selector"
            mono
            value={values.labelSelector}
            onChange={set('labelSelector')}
            error={err('fields.labelSelector')}
            placeholder="app=api"
            hint="follow a workload: app=api (used when there is no pod name)"
          />
          <TextField
            label="Container"
            mono
            value={values.container}
            onChange={set('container')}
            error={err('fields.container')}
            placeholder="the pod's default"
          />
          <TextField
            label="Kube context"
            mono
            value={values.kubeContext}
            onChange={set('kubeContext')}
            error={err('fields.kubeContext')}
            placeholder="the kubeconfig's current"
          />
          <TextField
            label="Cluster host"
            mono
            className="span-2"
            value={values.clusterHost}
            onChange={set('clusterHost')}
            error={err('fields.clusterHost')}
            placeholder="https://10.0.0.1:6443 (for token auth)"
          />
          <TextAreaField
            label="Cluster CA"
            mono
            className="span-2"
            value={values.clusterCaData}
            onChange={set('clusterCaData')}
            error={err('fields.clusterCaData')}
            placeholder="-----BEGIN CERTIFICATE----- … (verifies the cluster host for token auth)"
          />
          <SecretField
            label="Token"
            className="span-2"
            edit={secrets.token}
            stored={stored('token')}
            onChange={setSecret('token')}
            error={err('secrets.token')}
            placeholder="service-account or OIDC bearer token"
          />
          <div className="span-2">
            <CheckboxField
              label="Skip TLS verification (insecure)"
              checked={values.insecureSkipTlsVerify}
              onChange={set('insecureSkipTlsVerify')}
              error={err('fields.insecureSkipTlsVerify')}
            />
          </div>
        </Section>

        <Section title="SSH" aside="fallback">
          <div className="span-2 host-port">
            <TextField
              label="SSH host"
              mono
              value={values.sshHost}
              onChange={set('sshHost')}
              error={err('fields.sshHost')}
              placeholder="10.0.0.5 or node-3.internal"
            />
            <TextField
              label="SSH port"
              mono
              inputMode="numeric"
              value={values.sshPort}
              onChange={set('sshPort')}
              error={err('fields.sshPort')}
              placeholder="22"
            />
          </div>
          <TextField
            label="SSH user"
            mono
            value={values.sshUser}
            onChange={set('sshUser')}
            error={err('fields.sshUser')}
            placeholder="root"
          />
          <SelectField
            label="SSH auth"
            value={values.sshAuthKind}
            options={AUTH_OPTIONS}
            onChange={set('sshAuthKind')}
            error={err('fields.sshAuthKind')}
          />
          {inUse.has('sshPassword') && (
            <SecretField
              label="Password"
              className="span-2"
              edit={secrets.sshPassword}
              stored={stored('sshPassword')}
              onChange={setSecret('sshPassword')}
              error={err('secrets.sshPassword')}
              placeholder="leave empty to be asked when connecting"
            />
          )}
          {values.sshAuthKind === 'privateKeyPath' && (
            <TextField
              label="Private key path"
              mono
              className="span-2"
              value={values.sshPrivateKeyPath}
              onChange={set('sshPrivateKeyPath')}
              error={err('fields.sshPrivateKeyPath')}
              placeholder="~/.ssh/id_ed25519"
            />
          )}
          {inUse.has('sshPrivateKey') && (
            <SecretField
              label="Private key"
              multiline
              className="span-2"
              edit={secrets.sshPrivateKey}
              stored={stored('sshPrivateKey')}
              onChange={setSecret('sshPrivateKey')}
              error={err('secrets.sshPrivateKey')}
              placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
            />
          )}
          {inUse.has('sshPassphrase') && (
            <SecretField
              label="Key passphrase"
              className="span-2"
              edit={secrets.sshPassphrase}
              stored={stored('sshPassphrase')}
              onChange={setSecret('sshPassphrase')}
              error={err('secrets.sshPassphrase')}
              placeholder="only if the key is encrypted"
            />
          )}
          {values.sshAuthKind === 'agent' && (
            <p className="span-2 form-note">Uses the keys loaded in the SSH agent of the machine Podterm runs on.</p>
          )}
        </Section>

        <Section title="Shell">
          <TextField
            label="Shell override"
            mono
            className="span-2"
            value={values.shell}
            onChange={set('shell')}
            error={err('fields.shell')}
            placeholder="e.g. /bin/bash (empty: the default shell)"
          />
        </Section>
      </form>
    </Modal>
  );
}
