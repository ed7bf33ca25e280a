/**
 * The pod form's model: what the inputs hold (strings, as typed), how that becomes a `pods.save` payload, and how
 * schema or server errors map back onto fields. The schema is common/pods.ts's, the same one main enforces.
 */
import { describeValidationError } from '../../../common/contract';
import {
  podSaveSchema,
  type PodSaveInput,
  type PodSecretName,
  type PodView,
  type SshAuthKind,
} from '../../../common/pods';

export interface PodFormValues {
  name: string;
  notes: string;
  namespace: string;
  podName: string;
  labelSelector: string;
  container: string;
  kubeContext: string;
  /** Where the record's own kubeconfig comes from: an imported context (kubeconfigId) or pasted text. */
  kubeconfigSource: 'imported' | 'pasted';
  /** '' for none. */
  kubeconfigId: string;
  clusterHost: string;
  clusterCaData: string;
  insecureSkipTlsVerify: boolean;
  sshHost: string;
  sshPort: string;
  sshUser: string;
  sshAuthKind: SshAuthKind;
  sshPrivateKeyPath: string;
  shell: string;
}

/** A secret as the form edits it: typed text replaces what is stored, `clear` removes it, neither keeps it. */
export interface SecretEdit {
  value: string;
  clear: boolean;
}
export type SecretEdits = Record<PodSecretName, SecretEdit>;

/** Field errors keyed like the schema's paths and the server's fieldErrors: "fields.sshUser", "secrets.token". */
export type FieldErrors = Record<string, string>;

const PORT_TEXT = /^\s*\d+\s*$/;
const PORT_MESSAGE = 'between 1 and 65535';

export function emptySecretEdits(): SecretEdits {
  const keep = (): SecretEdit => ({ value: '', clear: false });
  return { kubeconfig: keep(), token: keep(), sshPassword: keep(), sshPrivateKey: keep(), sshPassphrase: keep() };
}

export function formValuesFrom(pod: PodView | null): PodFormValues {
  return {
    name: pod?.name ?? '',
    notes: pod?.notes ?? '',
    namespace: pod?.namespace ?? '',
    podName: pod?.podName ?? '',
    labelSelector: pod?.labelSelector ?? '',
    container: pod?.container ?? '',
    kubeContext: pod?.kubeContext ?? '',
    kubeconfigSource: pod?.kubeconfigId ? 'imported' : 'pasted',
    kubeconfigId: pod?.kubeconfigId ?? '',
    clusterHost: pod?.clusterHost ?? '',
    clusterCaData: pod?.clusterCaData ?? '',
    insecureSkipTlsVerify: pod?.insecureSkipTlsVerify ?? false,
    sshHost: pod?.sshHost ?? '',
    sshPort: pod ? String(pod.sshPort) : '',
    sshUser: pod?.sshUser ?? '',
    sshAuthKind: pod?.sshAuthKind ?? 'password',
    sshPrivateKeyPath: pod?.sshPrivateKeyPath ?? '',
    shell: pod?.shell ?? '',
  };
}

/** Which secrets the chosen SSH auth kind uses; the others are neither shown nor sent. */
export function secretsInUse(kind: SshAuthKind): ReadonlySet<PodSecretName> {
  const always: PodSecretName[] = ['token', 'kubeconfig'];
  switch (kind) {
    case 'password':
      return new Set([...always, 'sshPassword']);
    case 'privateKeyPath':
      return new Set([...always, 'sshPassphrase']);
    case 'privateKeyText':
      return new Set([...always, 'sshPrivateKey', 'sshPassphrase']);
    case 'agent':
      return new Set(always);
  }
}

/** The `pods.save` payload for what the form holds. */
export function buildSaveInput(values: PodFormValues, secrets: SecretEdits, id: string | null): PodSaveInput {
  const port = values.sshPort.trim();
  const secretPayload: NonNullable<PodSaveInput['secrets']> = {};
  for (const name of secretsInUse(values.sshAuthKind)) {
    const edit = secrets[name];
    // null clears, a string replaces, absent keeps: the contract's three-way secret semantics.
    if (edit.clear) secretPayload[name] = null;
    else if (edit.value !== '') secretPayload[name] = edit.value;
  }
  // One kubeconfig source at a time: an imported context drops typed kubeconfig text (the pasted one would win).
  if (values.kubeconfigSource === 'imported' && typeof secretPayload.kubeconfig === 'string') {
    delete secretPayload.kubeconfig;
  }
  return {
    ...(id ? { id } : {}),
    fields: {
      name: values.name,
      notes: values.notes,
      // Empty means "the default" (the schema fills in "default"); '' itself is not a valid namespace.
      ...(values.namespace.trim() ? { namespace: values.namespace.trim() } : {}),
      podName: values.podName,
      labelSelector: values.labelSelector,
      container: values.container,
      kubeContext: values.kubeContext,
      kubeconfigId: values.kubeconfigSource === 'imported' && values.kubeconfigId ? values.kubeconfigId : null,
      clusterHost: values.clusterHost,
      clusterCaData: values.clusterCaData,
      insecureSkipTlsVerify: values.insecureSkipTlsVerify,
      sshHost: values.sshHost,
      ...(port && PORT_TEXT.test(port) ? { sshPort: Number(port) } : {}),
      sshUser: values.sshUser,
      sshAuthKind: values.sshAuthKind,
      sshPrivateKeyPath: values.sshPrivateKeyPath,
      shell: values.shell,
    },
    secrets: secretPayload,
  };
}

/**
 * Checks the form with the very schema main uses. Returns the field errors (empty when valid). A port that is not a
 * number never reaches the schema (its "expected number, received NaN" would mean nothing to a person).
 */
export function validatePodForm(values: PodFormValues, secrets: SecretEdits, id: string | null): FieldErrors {
  const errors: FieldErrors = {};
  const port = values.sshPort.trim();
  if (port !== '' && !PORT_TEXT.test(port)) errors['fields.sshPort'] = PORT_MESSAGE;
  const result = podSaveSchema.safeParse(buildSaveInput(values, secrets, id));
  if (!result.success) {
    const described = describeValidationError('pod record', result.error).fieldErrors ?? {};
    for (const [path, message] of Object.entries(described)) errors[path] ??= message;
  }
  return errors;
}
