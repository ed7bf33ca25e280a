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
  CHECKBOXES,
  emptySecretEdits,
  formValuesFrom,
  SECRET_INPUTS,
  secretsInUse,
  TEXT_INPUTS,
  validatePodForm,
  type CheckboxName,
  type FieldErrors,
  type PodFormValues,
  type SecretEdit,
  type SecretEdits,
  type SecretInputName,
  type TextBoxLook,
  type TextInput,
  type TextInputName,
} from '../../lib/podForm';
import { Modal } from '../Modal';
import { CheckboxField, Section, SelectField, TextAreaField, TextField } from './fields';
import { KubeconfigChoice } from './KubeconfigChoice';
import { KubeconfigField } from './KubeconfigField';
import { SecretField } from './SecretField';
import { SshConfigPreview } from './SshConfigPreview';
import type { SshSettingsRequest, SshSettingsView } from '../../../../common/sshSettings';
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
  /** What ~/.ssh/config supplies for the SSH host typed (`ssh.settings`); without it the form shows nothing of it. */
  lookUpSshSettings?(request: SshSettingsRequest): Promise<SshSettingsView>;
}

export function PodFormDialog({
  pod,
  onSave,
  onSaved,
  onClose,
  kubeconfigs = [],
  lookUpSshSettings,
}: PodFormDialogProps) {
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

  /** The text box of one TEXT_INPUTS field, wired to the form's values and errors. */
  const textInput = (name: TextInputName, options: { autoFocus?: boolean } = {}) => {
    const spec: TextInput = TEXT_INPUTS[name];
    const props = {
      label: spec.label,
      mono: spec.mono,
      className: spec.wide ? 'span-2' : undefined,
      value: values[name],
      onChange: set(name),
      error: err(`fields.${name}`),
      placeholder: spec.placeholder,
      hint: spec.hint,
    };
    if (spec.multiline) return <TextAreaField {...props} />;
    return <TextField {...props} inputMode={spec.wholeNumber ? 'numeric' : undefined} autoFocus={options.autoFocus} />;
  };

  /** The checkbox of one CHECKBOXES field, across the section's grid. */
  const checkbox = (name: CheckboxName) => (
    <div className="span-2">
      <CheckboxField
        label={CHECKBOXES[name].label}
        checked={values[name]}
        onChange={set(name)}
        error={err(`fields.${name}`)}
      />
    </div>
  );

  /** The write-only box of one SECRET_INPUTS secret, while the chosen SSH auth uses it. */
  const secretInput = (name: SecretInputName) => {
    const look: TextBoxLook = SECRET_INPUTS[name];
    if (!inUse.has(name)) return null;
    return (
      <SecretField
        label={look.label}
        multiline={look.multiline}
        className={look.wide ? 'span-2' : undefined}
        edit={secrets[name]}
        stored={stored(name)}
        onChange={setSecret(name)}
        error={err(`secrets.${name}`)}
        placeholder={look.placeholder}
      />
    );
  };

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
          {textInput('name', { autoFocus: true })}
          {textInput('notes')}
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
          {textInput('namespace')}
          {textInput('podName')}
          {textInput('labelSelector')}
          {textInput('container')}
          {textInput('kubeContext')}
          {textInput('clusterHost')}
          {textInput('clusterCaData')}
          {secretInput('token')}
          {checkbox('insecureSkipTlsVerify')}
        </Section>

        <Section title="SSH" aside="fallback">
          <div className="span-2 host-port">
            {textInput('sshHost')}
            {textInput('sshPort')}
          </div>
          {textInput('sshUser')}
          <SelectField
            label="SSH auth"
            value={values.sshAuthKind}
            options={AUTH_OPTIONS}
            onChange={set('sshAuthKind')}
            error={err('fields.sshAuthKind')}
          />
          {secretInput('sshPassword')}
          {values.sshAuthKind === 'privateKeyPath' && textInput('sshPrivateKeyPath')}
          {secretInput('sshPrivateKey')}
          {secretInput('sshPassphrase')}
          {values.sshAuthKind === 'agent' && (
            <p className="span-2 form-note">
              Uses the keys you have, as ssh does: the SSH agent, then the IdentityFiles ~/.ssh/config names.
            </p>
          )}
          {textInput('sshProxyJump')}
          {checkbox('sshAllowProxyCommand')}
          {lookUpSshSettings && (
            <SshConfigPreview
              lookUp={lookUpSshSettings}
              request={{
                sshHost: values.sshHost,
                sshUser: values.sshUser || null,
                sshPort: /^\d+$/.test(values.sshPort.trim()) ? Number(values.sshPort) : undefined,
                sshProxyJump: values.sshProxyJump || null,
              }}
            />
          )}
        </Section>

        <Section title="Shell">{textInput('shell')}</Section>
      </form>
    </Modal>
  );
}
