/**
 * The pod form's model: what the inputs hold (strings, as typed), how that becomes a `pods.save` payload, and how
 * schema or server errors map back onto fields. The schema is common/pods.ts's, the same one main enforces.
 */
import { describeValidationError } from '../../../common/contract';
import {
  POD_SECRET_NAMES,
  podSaveSchema,
  type PodFieldName,
  type PodFields,
  type PodSaveInput,
  type PodSecretName,
  type PodView,
  type SshAuthKind,
} from '../../../common/pods';

/** How a text box looks in the form. */
export interface TextBoxLook {
  /** The visible label; tests and screen readers find the box by it. */
  label: string;
  placeholder: string;
  hint?: string;
  /** Monospace, for names, paths, URLs and certificates. */
  mono?: boolean;
  /** Spans both columns of the section's grid. */
  wide?: boolean;
  /** A textarea instead of a one-line input. */
  multiline?: boolean;
}

/** A text box of TEXT_INPUTS, whatever its field. */
export interface TextInput extends TextBoxLook {
  blankMeansDefault?: true;
  wholeNumber?: string;
}

/**
 * A field edited in one text box: shown as stored (nothing → ''), sent as typed (the schema trims it and reads '' as
 * "not set"). Two variations: `blankMeansDefault` sends nothing for an empty box, so the schema's default applies where
 * '' itself would be invalid; `wholeNumber` (required for number fields, refused for text ones) sends the typed digits as
 * a number, and is the message for text that is not a whole number (the schema would only say "received NaN").
 */
type TextInputSpec<Value> = TextInput &
  ([NonNullable<Value>] extends [number]
    ? { wholeNumber: string; blankMeansDefault?: never }
    : { wholeNumber?: never; blankMeansDefault?: true });

/**
 * The fields the form edits as text boxes: the one place the form spells these fields out. The form's values, the save
 * payload, the number check and the boxes themselves are made from this table; the dialog only places each box.
 */
export const TEXT_INPUTS = {
  name: { label: 'Name', placeholder: 'e.g. prod api', wide: true },
  notes: { label: 'Notes', placeholder: 'Anything worth remembering about this pod', wide: true, multiline: true },
  namespace: { label: 'Namespace', placeholder: 'default', mono: true, blankMeansDefault: true },
  podName: { label: 'Pod name', placeholder: 'api-7d9f-abcde', mono: true },
  labelSelector: {
    label: 'Label selector',
    placeholder: 'app=api',
    mono: true,
    hint: 'follow a workload: app=api (used when there is no pod name)',
  },
  container: { label: 'Container', placeholder: "the pod's default", mono: true },
  kubeContext: { label: 'Kube context', placeholder: "the kubeconfig's current", mono: true },
  clusterHost: { label: 'Cluster host', placeholder: 'https://10.0.0.1:6443 (for token auth)', mono: true, wide: true },
  clusterCaData: {
    label: 'Cluster CA',
    placeholder: '-----BEGIN CERTIFICATE----- … (verifies the cluster host for token auth)',
    mono: true,
    wide: true,
    multiline: true,
  },
  sshHost: { label: 'SSH host', placeholder: '10.0.0.5 or node-3.internal', mono: true },
  sshPort: { label: 'SSH port', placeholder: '22', mono: true, wholeNumber: 'between 1 and 65535' },
  sshUser: { label: 'SSH user', placeholder: "~/.ssh/config's, or yours", mono: true },
  sshPrivateKeyPath: { label: 'Private key path', placeholder: '~/.ssh/id_ed25519', mono: true, wide: true },
  sshProxyJump: {
    label: 'Jump hosts (ProxyJump)',
    placeholder: "bastion,ops@10.0.0.2:2222 (empty: ~/.ssh/config's)",
    mono: true,
    wide: true,
  },
  shell: { label: 'Shell override', placeholder: 'e.g. /bin/bash (empty: the default shell)', mono: true, wide: true },
} as const satisfies { [Name in PodFieldName]?: TextInputSpec<PodFields[Name]> };
export type TextInputName = keyof typeof TEXT_INPUTS;
const TEXT_INPUT_NAMES = Object.keys(TEXT_INPUTS) as TextInputName[];

/** The boolean fields: each is one checkbox, and a new record starts with it unchecked (false). */
type BooleanFieldName = {
  [Name in PodFieldName]-?: NonNullable<PodFields[Name]> extends boolean ? Name : never;
}[PodFieldName];

/** The checkbox of each boolean field; the type demands one per boolean field of the schema. */
export const CHECKBOXES = {
  insecureSkipTlsVerify: { label: 'Skip TLS verification (insecure)' },
  sshAllowProxyCommand: { label: "Run the config's ProxyCommand (it executes a program)" },
} as const satisfies Record<BooleanFieldName, { label: string }>;
export type CheckboxName = keyof typeof CHECKBOXES;
const CHECKBOX_NAMES = Object.keys(CHECKBOXES) as CheckboxName[];

/**
 * The fields the form edits in their own way, each in PodFormValues below with its reason; they stay written out
 * because no table would make them shorter. With TEXT_INPUTS and CHECKBOXES they must cover the schema: a new field in
 * common/pods.ts does not compile until it is in one of them.
 */
type FieldsEditedApart = 'sshAuthKind' | 'kubeconfigId';
const everyFieldHasAnInput: Record<Exclude<PodFieldName, TextInputName | CheckboxName | FieldsEditedApart>, never> = {};
void everyFieldHasAnInput;

/** What the text boxes and the checkboxes hold. */
type TextValues = Record<TextInputName, string>;
type CheckboxValues = Record<CheckboxName, boolean>;

export interface PodFormValues extends TextValues, CheckboxValues {
  /** A choice, which also decides which SSH secrets and whether the key path the form shows (secretsInUse). */
  sshAuthKind: SshAuthKind;
  /**
   * Where the record's own kubeconfig comes from: an imported context (kubeconfigId) or pasted text (the kubeconfig
   * secret). Not a field: it decides which of the two is sent.
   */
  kubeconfigSource: 'imported' | 'pasted';
  /** The imported context, picked from a list; '' for none, and sent only while the source is "imported". */
  kubeconfigId: string;
}

/** The pasted kubeconfig has its own box (file drop, "Load file…") inside the kubeconfig choice. */
type KubeconfigSecret = 'kubeconfig';

/**
 * How each secret's box looks: the one place the form spells these secrets out. Every secret box is write-only
 * (SecretField) and shown only while the chosen SSH auth uses its secret (secretsInUse).
 */
export const SECRET_INPUTS = {
  token: { label: 'Token', placeholder: 'service-account or OIDC bearer token', wide: true },
  sshPassword: { label: 'Password', placeholder: 'leave empty to be asked when connecting', wide: true },
  sshPrivateKey: {
    label: 'Private key',
    placeholder: '-----BEGIN OPENSSH PRIVATE KEY-----',
    wide: true,
    multiline: true,
  },
  sshPassphrase: { label: 'Key passphrase', placeholder: 'only if the key is encrypted', wide: true },
} as const satisfies Record<Exclude<PodSecretName, KubeconfigSecret>, TextBoxLook>;
export type SecretInputName = keyof typeof SECRET_INPUTS;

/** A secret as the form edits it: typed text replaces what is stored, `clear` removes it, neither keeps it. */
export interface SecretEdit {
  value: string;
  clear: boolean;
}
export type SecretEdits = Record<PodSecretName, SecretEdit>;

/** Field errors keyed like the schema's paths and the server's fieldErrors: "fields.sshUser", "secrets.token". */
export type FieldErrors = Record<string, string>;

/** Digits, perhaps with spaces around them: what a whole-number box may hold. */
const WHOLE_NUMBER_TEXT = /^\s*\d+\s*$/;

export function emptySecretEdits(): SecretEdits {
  return Object.fromEntries(POD_SECRET_NAMES.map((name) => [name, { value: '', clear: false }])) as SecretEdits;
}

export function formValuesFrom(pod: PodView | null): PodFormValues {
  const text = Object.fromEntries(
    TEXT_INPUT_NAMES.map((name) => [name, pod?.[name] == null ? '' : String(pod[name])]),
  ) as TextValues;
  const checked = Object.fromEntries(CHECKBOX_NAMES.map((name) => [name, pod?.[name] ?? false])) as CheckboxValues;
  return {
    ...text,
    ...checked,
    sshAuthKind: pod?.sshAuthKind ?? 'password',
    kubeconfigSource: pod?.kubeconfigId ? 'imported' : 'pasted',
    kubeconfigId: pod?.kubeconfigId ?? '',
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
  const text: Partial<Record<TextInputName, string | number>> = {};
  for (const name of TEXT_INPUT_NAMES) {
    const sent = sentValue(TEXT_INPUTS[name], values[name]);
    if (sent !== undefined) text[name] = sent;
  }
  const checked = Object.fromEntries(CHECKBOX_NAMES.map((name) => [name, values[name]])) as CheckboxValues;
  return {
    ...(id ? { id } : {}),
    fields: {
      // TEXT_INPUTS' types pair each field with the kind of value sent; the schema checks the rest (here and in main).
      ...(text as Pick<PodSaveInput['fields'], TextInputName>),
      ...checked,
      kubeconfigId: values.kubeconfigSource === 'imported' && values.kubeconfigId ? values.kubeconfigId : null,
      sshAuthKind: values.sshAuthKind,
    },
    secrets: secretPayload,
  };
}

/** What a text box sends: the typed text, a number, or nothing (so the schema's default applies). */
function sentValue(spec: TextInput, typed: string): string | number | undefined {
  const trimmed = typed.trim();
  if (spec.wholeNumber) return WHOLE_NUMBER_TEXT.test(trimmed) ? Number(trimmed) : undefined;
  if (spec.blankMeansDefault) return trimmed === '' ? undefined : trimmed;
  return typed;
}

/**
 * Checks the form with the very schema main uses. Returns the field errors (empty when valid). A number box holding
 * something else never reaches the schema (its "expected number, received NaN" would mean nothing to a person).
 */
export function validatePodForm(values: PodFormValues, secrets: SecretEdits, id: string | null): FieldErrors {
  const errors: FieldErrors = {};
  for (const name of TEXT_INPUT_NAMES) {
    const spec: TextInput = TEXT_INPUTS[name];
    const typed = values[name].trim();
    if (spec.wholeNumber && typed !== '' && !WHOLE_NUMBER_TEXT.test(typed)) errors[`fields.${name}`] = spec.wholeNumber;
  }
  const result = podSaveSchema.safeParse(buildSaveInput(values, secrets, id));
  if (!result.success) {
    const described = describeValidationError('pod record', result.error).fieldErrors ?? {};
    for (const [path, message] of Object.entries(described)) errors[path] ??= message;
  }
  return errors;
}
