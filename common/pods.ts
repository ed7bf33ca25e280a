/**
 * Pod records as they cross the process boundary: what the renderer may send to save one, and the view of one it gets
 * back. Secrets travel only inward (renderer → main); the view reports which secrets are stored, never their values.
 */
import { z } from 'zod';
import { MAX_LABEL_SELECTOR_LENGTH, parseLabelSelector } from './labelSelector';
import { MAX_KUBECONFIG_BYTES } from './limits';

/** DNS-1123 label: what Kubernetes accepts as a namespace or container name (at most 63 characters). */
export const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: what Kubernetes accepts as a pod name. */
const POD_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A host name or an IPv4/IPv6 literal; no scheme, no path, no spaces. */
const SSH_HOST_PATTERN = /^[A-Za-z0-9._:[\]-]+$/;
/** ProxyJump: "[user@]host[:port]" hops separated by commas (ssh:// URIs too); parsed again when connecting. */
const SSH_PROXY_JUMP_PATTERN = /^[A-Za-z0-9._@:[\]/-]+(,[A-Za-z0-9._@:[\]/-]+)*$/;
/** A POSIX user name as OpenSSH accepts it. */
const SSH_USER_PATTERN = /^[A-Za-z0-9._][A-Za-z0-9._-]*\$?$/;

export { MAX_KUBECONFIG_BYTES };
/** Service-account and OIDC tokens are a few KiB at most. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** A CA bundle of a few certificates is a few KiB. */
export const MAX_CA_DATA_LENGTH = 64 * 1024;
/** An OpenSSH private key, even RSA 16384, is well under 16 KiB. */
export const MAX_PRIVATE_KEY_LENGTH = 64 * 1024;
/** SSH passwords and key passphrases: far longer than any a person types or a manager generates. */
const MAX_PASSWORD_LENGTH = 4096;
/** A record's name is a sidebar label: long enough for any pod name people read, short enough to fit a row. */
export const MAX_RECORD_NAME_LENGTH = 100;

/** SSH's well-known port: the record's default, and the port OpenSSH leaves out of known_hosts names. */
export const DEFAULT_SSH_PORT = 22;

export const SSH_AUTH_KINDS = ['password', 'privateKeyPath', 'privateKeyText', 'agent'] as const;
export type SshAuthKind = (typeof SSH_AUTH_KINDS)[number];

/** The ways Podterm can reach a pod, in the order the connect chain tries them. */
export const CONNECTION_METHODS = ['defaultKubeconfig', 'podKubeconfig', 'token', 'inCluster', 'ssh'] as const;
export type ConnectionMethod = (typeof CONNECTION_METHODS)[number];

export const CONNECTION_METHOD_LABELS: Record<ConnectionMethod, string> = {
  defaultKubeconfig: 'default kubeconfig',
  podKubeconfig: "pod's kubeconfig",
  token: 'token auth',
  inCluster: 'in-cluster config',
  ssh: 'SSH',
};

/** A method as the user knows it for one record: its label ("imported context sandbox") when it has one, else its name. */
export function methodName(entry: { method: ConnectionMethod; label?: string | null | undefined }): string {
  return entry.label ?? CONNECTION_METHOD_LABELS[entry.method];
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `must be at most ${max} characters` })
    .transform((value) => (value === '' ? null : value))
    .nullable()
    .optional();

/**
 * Control characters a secret may not hold. A one-line secret (a token, a password, a passphrase) holds none: a line
 * break in a token makes an invalid header, and the library refusing it repeats the value in its error. A multi-line
 * one (a kubeconfig, a private key) may hold line breaks and tabs, nothing else.
 */
const ONE_LINE_FORBIDDEN = /\p{Cc}/u;
const MULTI_LINE_FORBIDDEN = /[^\P{Cc}\t\n\r]/u;

/** "a line break" or "a control character (U+0007)", for the message. */
function controlCharacterWords(character: string): string {
  if (character === '\n' || character === '\r') return 'a line break';
  if (character === '\t') return 'a tab';
  return `a control character (U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** A secret field in a save request: a string sets it, null clears it, absent keeps what is stored. */
const secretField = (max: number, what: string, lines: 'one' | 'many') =>
  z
    .string()
    .max(max, { message: `${what} is too long (at most ${max} characters)` })
    .superRefine((value, ctx) => {
      const found = (lines === 'one' ? ONE_LINE_FORBIDDEN : MULTI_LINE_FORBIDDEN).exec(value);
      if (found === null) return;
      const fix =
        lines === 'one'
          ? `paste the ${what} alone, on one line, without line breaks, tabs or other control characters`
          : `paste the ${what} as plain text; only line breaks and tabs may be in it`;
      ctx.addIssue({ code: 'custom', message: `the ${what} contains ${controlCharacterWords(found[0])}: ${fix}` });
    })
    .nullable()
    .optional();

/**
 * The secrets a record may hold: the longest value each accepts, how messages name it (here and in the store's
 * "cannot decrypt" errors), and whether it is one line or many (which control characters it may hold). Every secret is the same kind of field, so the schema below is made from this table.
 */
export const POD_SECRETS = {
  kubeconfig: { maxLength: MAX_KUBECONFIG_BYTES, label: 'kubeconfig', lines: 'many' },
  token: { maxLength: MAX_TOKEN_LENGTH, label: 'token', lines: 'one' },
  sshPassword: { maxLength: MAX_PASSWORD_LENGTH, label: 'SSH password', lines: 'one' },
  sshPrivateKey: { maxLength: MAX_PRIVATE_KEY_LENGTH, label: 'SSH private key', lines: 'many' },
  sshPassphrase: { maxLength: MAX_PASSWORD_LENGTH, label: 'key passphrase', lines: 'one' },
} as const;
export type PodSecretName = keyof typeof POD_SECRETS;
export const POD_SECRET_NAMES = Object.keys(POD_SECRETS) as PodSecretName[];

export const podSecretsSchema = z
  .object(
    Object.fromEntries(
      POD_SECRET_NAMES.map((name) => {
        const { maxLength, label, lines } = POD_SECRETS[name];
        return [name, secretField(maxLength, label, lines)];
      }),
    ) as Record<PodSecretName, ReturnType<typeof secretField>>,
  )
  .strict();
export type PodSecretsInput = z.infer<typeof podSecretsSchema>;

/** The non-secret fields of a pod record, as the form edits them. */
export const podFieldsSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { message: 'give the record a name' })
      .max(MAX_RECORD_NAME_LENGTH, { message: `must be at most ${MAX_RECORD_NAME_LENGTH} characters` }),
    namespace: z
      .string()
      .trim()
      .max(63, { message: 'a namespace is at most 63 characters' })
      .regex(DNS_LABEL_PATTERN, { message: 'lowercase letters, digits and "-" only (e.g. "default")' })
      .default('default'),
    podName: optionalText(253).refine((v) => v == null || POD_NAME_PATTERN.test(v), {
      message: 'lowercase letters, digits, "-" and "." only (e.g. "api-7d9f-abcde")',
    }),
    /** Follow a workload instead of one pod: connecting picks a Running, Ready pod this selector matches. */
    labelSelector: optionalText(MAX_LABEL_SELECTOR_LENGTH).superRefine((value, ctx) => {
      if (value == null) return;
      const parsed = parseLabelSelector(value);
      if ('error' in parsed) {
        ctx.addIssue({
          code: 'custom',
          message: `${parsed.error}. Use comma-separated key=value, key!=value, key or !key terms (e.g. app=api,tier!=canary)`,
        });
      }
    }),
    container: optionalText(63),
    kubeContext: optionalText(253),
    /** An imported kubeconfig context (kubeconfigs.list) used as the record's own kubeconfig when none is pasted. */
    kubeconfigId: z.string().uuid({ message: 'pick an imported context from the list' }).nullable().optional(),
    clusterHost: optionalText(2048).refine((v) => v == null || isHttpUrl(v), {
      message: 'must be the API server URL, e.g. https://10.0.0.1:6443',
    }),
    /** The cluster's CA certificate (PEM, or base64 of PEM as kubeconfigs hold it) for token auth. */
    clusterCaData: optionalText(MAX_CA_DATA_LENGTH).refine((v) => v == null || looksLikeCaData(v), {
      message: 'paste the CA certificate as PEM (-----BEGIN CERTIFICATE-----…) or as base64 of the PEM',
    }),
    insecureSkipTlsVerify: z.boolean().default(false),
    sshHost: optionalText(255).refine((v) => v == null || SSH_HOST_PATTERN.test(v), {
      message: 'a host name or IP address, without user@ or :port',
    }),
    sshPort: z
      .number()
      .int({ message: 'a whole number' })
      .min(1, { message: 'between 1 and 65535' })
      .max(65535, { message: 'between 1 and 65535' })
      .default(DEFAULT_SSH_PORT),
    sshUser: optionalText(64).refine((v) => v == null || SSH_USER_PATTERN.test(v), {
      message: 'letters, digits, ".", "_" and "-" only',
    }),
    sshAuthKind: z.enum(SSH_AUTH_KINDS).default('password'),
    sshPrivateKeyPath: optionalText(4096),
    /** The record's own jump hosts, as ProxyJump writes them ("bastion,ops@inner:2222"); empty: ~/.ssh/config's. */
    sshProxyJump: optionalText(1024).refine((v) => v == null || SSH_PROXY_JUMP_PATTERN.test(v), {
      message: 'jump hosts as [user@]host[:port], separated by commas, e.g. bastion,ops@10.0.0.2:2222',
    }),
    /** ~/.ssh/config's ProxyCommand for this host may run (it executes a program, so it is off unless ticked). */
    sshAllowProxyCommand: z.boolean().default(false),
    shell: optionalText(1024),
    notes: optionalText(10_000),
  })
  .strict();
export type PodFields = z.output<typeof podFieldsSchema>;
export type PodFieldsInput = z.input<typeof podFieldsSchema>;
export type PodFieldName = keyof PodFields;
/** Every field, in the schema's order (the order of the columns `pods export` writes). */
export const POD_FIELD_NAMES = Object.keys(podFieldsSchema.shape) as PodFieldName[];
/**
 * The fields whose value is not text (numbers, booleans): whoever reads a field from text (a CSV cell, a text box)
 * must convert these. Derived from the schema's types, so it cannot disagree with them.
 */
export type PodNonTextFieldName = {
  [K in PodFieldName]-?: [NonNullable<PodFields[K]>] extends [string] ? never : K;
}[PodFieldName];

/** http(s)://host[:port][/path]; common/ has no URL class (no DOM, no Node), and this is all a server URL needs. */
const HTTP_URL_PATTERN = /^https?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\/[^\s]*)?$/;

/** PEM text, or the base64 of PEM that kubeconfigs carry in certificate-authority-data ("LS0tLS1CRUdJTi" = "-----BEGIN"). */
function looksLikeCaData(value: string): boolean {
  return value.includes('-----BEGIN CERTIFICATE-----') || /^LS0tLS1CRUdJTi[A-Za-z0-9+/=\s]*$/.test(value);
}

function isHttpUrl(value: string): boolean {
  return HTTP_URL_PATTERN.test(value);
}

/** `pods.save`: create (no id) or update (id) a record. */
export const podSaveSchema = z
  .object({
    id: z.string().uuid({ message: 'not a pod record id' }).optional(),
    fields: podFieldsSchema,
    secrets: podSecretsSchema.default({}),
  })
  .strict()
  .superRefine((input, ctx) => {
    const f = input.fields;
    if (f.sshHost && f.sshAuthKind === 'privateKeyPath' && !f.sshPrivateKeyPath) {
      ctx.addIssue({
        code: 'custom',
        path: ['fields', 'sshPrivateKeyPath'],
        message: 'give the path of the private key, e.g. ~/.ssh/id_ed25519',
      });
    }
    if (!f.podName && !f.labelSelector && !f.sshHost) {
      ctx.addIssue({
        code: 'custom',
        path: ['fields', 'podName'],
        message: 'give a pod name or a label selector (Kubernetes), or an SSH host',
      });
    }
  });
export type PodSaveInput = z.input<typeof podSaveSchema>;
export type PodSaveRequest = z.output<typeof podSaveSchema>;

/**
 * The imported context a record's own kubeconfig ("pod's kubeconfig") is, or null: its linked context, unless a
 * kubeconfig is pasted into the record, which wins. One rule for connecting (kube/access), naming the attempt
 * (connect/) and the sidebar.
 */
export function linkedImportedContextId(
  record: { kubeconfigId?: string | null | undefined },
  hasPastedKubeconfig: boolean,
): string | null {
  return hasPastedKubeconfig ? null : (record.kubeconfigId ?? null);
}

/**
 * What the last Refresh or connection learned about a record's pod, for the sidebar's status dot: running (Running and
 * Ready, or a shell opened), notReady (exists but not Running and Ready: Pending, Succeeded, Failed, starting),
 * gone (the API server says there is no such pod), unreachable (no answer, refused, timed out), error (any other
 * failure: credentials, RBAC, TLS).
 */
export const POD_STATUSES = ['running', 'notReady', 'gone', 'unreachable', 'error'] as const;
export type PodStatus = (typeof POD_STATUSES)[number];

/** Which secrets a record holds: the renderer learns only that they exist. */
export type StoredSecrets = Record<PodSecretName, boolean>;

/** A pod record as the renderer sees it. Times are epoch milliseconds. */
export interface PodView extends PodFields {
  id: string;
  storedSecrets: StoredSecrets;
  createdAt: number;
  updatedAt: number;
  lastConnectedAt: number | null;
  lastConnectionMethod: ConnectionMethod | null;
  /** Null until a Refresh or a connection has said anything about the pod. */
  lastStatus: PodStatus | null;
  /** When lastStatus was learned (epoch ms). */
  lastStatusAt: number | null;
  /** One line for people: what the status is based on ("Running, ready", "pod default/x not found", the error). */
  lastStatusDetail: string | null;
  /** The context the record's pasted kubeconfig uses (null without one): the sidebar groups the record under it. */
  kubeconfigContext: string | null;
  /** The record's id where it was imported from (a `dumpdata` pk as "app.model:pk"), so a re-import updates it. */
  sourceId: string | null;
}

/**
 * The fields a search matches (case-insensitively, as a substring): the store's SQL and the sidebar's filter both read
 * this list, so a record the page shows for a search is the one the store would return.
 */
export const POD_SEARCH_FIELDS = [
  'name',
  'namespace',
  'podName',
  'labelSelector',
  'kubeContext',
  'clusterHost',
  'sshHost',
] as const satisfies readonly PodFieldName[];

/**
 * The record fields the sidebar and a tab show (a summary leaves out CA data, the shell, key paths and the like). Notes
 * are the row's tooltip and come cut to NOTES_PREVIEW_CHARS.
 */
export const POD_SUMMARY_FIELDS = [
  ...POD_SEARCH_FIELDS,
  'sshPort',
  'sshUser',
  'kubeconfigId',
  'notes',
] as const satisfies readonly PodFieldName[];
type PodSummaryFieldName = (typeof POD_SUMMARY_FIELDS)[number];
/** A tooltip's worth of a record's notes (they may run to 10,000 characters; the form shows them whole). */
export const NOTES_PREVIEW_CHARS = 300;

/**
 * A record's nullable keys made optional: absent and null both mean "none". On the wire a summary leaves its empty
 * fields out, which is nearly half of its size (ten of its fields are usually null).
 */
type AbsentWhenNull<T> = { [K in keyof T as null extends T[K] ? K : never]?: T[K] } & {
  [K in keyof T as null extends T[K] ? never : K]: T[K];
};

/**
 * A record as the sidebar lists it (`pods.list`): what its rows, groups, tooltips and search need, and nothing else,
 * so ten thousand records stay a few megabytes rather than tens (a full record, with its CA data, is `pods.get`). Empty
 * fields are left out. A PodView is a PodSummary, so whatever takes a summary takes a full record too.
 */
export type PodSummary = AbsentWhenNull<
  Pick<PodFields, PodSummaryFieldName> &
    Pick<
      PodView,
      | 'id'
      | 'lastConnectedAt'
      | 'lastConnectionMethod'
      | 'lastStatus'
      | 'lastStatusAt'
      | 'lastStatusDetail'
      | 'kubeconfigContext'
    >
> & {
  /** Only whether a kubeconfig is pasted: it decides the record's group and which context it uses. */
  storedSecrets: Pick<StoredSecrets, 'kubeconfig'>;
};

/**
 * The search rule the store's SQL implements (LIKE '%text%' over POD_SEARCH_FIELDS), for a list already in memory:
 * `podSearchKey(record).includes(searchNeedle(text))`. Case is folded for ASCII letters only, as SQLite's LIKE folds
 * it, so both always pick the same records. The key is computed once per record, so a keystroke over ten thousand
 * records is one substring test each.
 */
export function podSearchKey(record: Pick<PodFields, (typeof POD_SEARCH_FIELDS)[number]>): string {
  // NUL between fields: typed text never holds one, so no match can straddle two fields.
  return POD_SEARCH_FIELDS.map((field) => foldAsciiCase(record[field] ?? '')).join('\0');
}

/** The text to look for in podSearchKey's keys; '' matches every record. */
export function searchNeedle(text: string): string {
  return foldAsciiCase(text.trim());
}

export function podMatchesSearch(record: Pick<PodFields, (typeof POD_SEARCH_FIELDS)[number]>, text: string): boolean {
  return podSearchKey(record).includes(searchNeedle(text));
}

function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
