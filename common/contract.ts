/**
 * The one contract between the renderer and the main process. Every request, its payload schema and its result type;
 * every message on a session's stream. Both transports (Electron IPC and the browser mode's WebSocket) carry exactly
 * this, and main validates every payload against these schemas before anything reaches the core.
 *
 * To add a request: add an entry to `requests` (schema + result type), then a handler in main/core/handlers.ts.
 * The preload, the web client and the typed `PodtermApi` follow from this table.
 */
import { z } from 'zod';
import {
  kubeconfigImportSchema,
  kubeconfigPreviewSchema,
  type KubeconfigImportResult,
  type KubeconfigPreviewResult,
  type KubeconfigView,
} from './importedKubeconfigs';
import {
  clusterContextRefSchema,
  clusterNamespacesSchema,
  clusterPodsSchema,
  importedKubeconfigIdSchema,
  type ClusterContextList,
  type ClusterPodView,
} from './clusters';
import { DNS_LABEL_PATTERN, podFieldsSchema, podSaveSchema, type ConnectionMethod, type PodView } from './pods';
import { MAX_INPUT_CHARS } from './limits';
import { byNamespace, type AppEvent, type RequestKey } from './requestKeys';
import { settingsSaveSchema, type TerminalSettings } from './settings';
import { sshSettingsRequestSchema, type SshSettingsView } from './sshSettings';

export {
  APP_EVENT_CHANNEL,
  APP_EVENT_TYPES,
  ELECTRON_BRIDGE_GLOBAL,
  isAppEvent,
  type AppEvent,
  type AppEventType,
  REQUEST_KEYS,
  SESSION_PORT_CHANNEL,
  isRequestKey,
  type RequestKey,
  type SessionPortMessage,
} from './requestKeys';

/** xterm.js refuses sizes below 1; above 1000 columns or rows is a bug upstream, not a screen. */
export const MAX_TERMINAL_DIMENSION = 1000;
/** RFC 4256 sets no limit; real servers ask one to three questions at a time. */
export const MAX_AUTH_PROMPTS = 16;
/** As long as the longest password the pod form accepts. */
export const MAX_AUTH_ANSWER_CHARS = 4096;

export { MAX_INPUT_CHARS };

const idSchema = z.object({ id: z.string().uuid({ message: 'not a pod record id' }) }).strict();
const sessionIdSchema = z.number().int().positive({ message: 'not a session id' });
const dimension = (what: string) =>
  z
    .number()
    .int({ message: `${what} must be a whole number` })
    .min(1, { message: `${what} must be at least 1` })
    .max(MAX_TERMINAL_DIMENSION, { message: `${what} must be at most ${MAX_TERMINAL_DIMENSION}` });

export const terminalSizeSchema = z.object({ cols: dimension('cols'), rows: dimension('rows') }).strict();
export type TerminalSize = z.infer<typeof terminalSizeSchema>;

export const HOST_KEY_DECISIONS = ['acceptOnce', 'acceptAndRemember', 'cancel'] as const;
export type HostKeyDecision = (typeof HOST_KEY_DECISIONS)[number];

/** A request's schema and (phantom) result type. */
interface RequestSpec<Schema extends z.ZodType, Result> {
  input: Schema;
  /** Never read at run time: carries the result type. */
  result?: Result;
}
const request = <Result>() => ({
  with: <Schema extends z.ZodType>(input: Schema): RequestSpec<Schema, Result> => ({ input }),
});

export interface AppInfo {
  version: string;
  /** Which transport this renderer is talking through. */
  mode: 'electron' | 'web';
  dataDir: string;
}

/** What Refresh found about a pod. */
export interface PodInfoView {
  /** Pending, Running, Succeeded, Failed, Unknown (or '' when the server gave none). */
  phase: string;
  containers: string[];
  /** The kubectl.kubernetes.io/default-container annotation, when it names one of the containers. */
  defaultContainer: string | null;
  /** Running with every container ready, as `kubectl get pods` shows n/n (main/core/kube/api/podReadiness.ts). */
  ready: boolean;
  nodeName: string | null;
  podIP: string | null;
}

export interface PodRefreshResult {
  /** The pod exists and was read. False when it is gone, or when no method could read it. */
  found: boolean;
  /** The access that read it (or that said it is gone). */
  method: ConnectionMethod | null;
  /** "context dev from ~/.kube/config", … */
  access: string | null;
  pod: PodInfoView | null;
  /** One line for people: what was found, or why not. */
  message: string;
  /** Each method tried, in order. */
  checked: Array<{
    method: ConnectionMethod;
    /** The method as the user knows it for this record ("imported context sandbox"), when that is not its name. */
    label?: string;
    outcome: 'found' | 'notFound' | 'failed' | 'skipped';
    detail: string;
  }>;
  /** The record after storing what was resolved (unchanged when the pod was not found). */
  record: PodView;
}

/** A pod field the form may leave empty, required here: the same rules, and a message when it is missing. */
const requiredField = <Input>(field: z.ZodType<string | null | undefined, Input>, missing: string) =>
  field.transform((value, ctx) => {
    if (value != null) return value;
    ctx.addIssue({ code: 'custom', message: missing });
    return z.NEVER;
  });

/**
 * `clusters.savePod`: a pod the cluster browser shows, or the workload it belongs to (followed by label selector), as
 * a saved record in that context and namespace. The fields pass the pod form's own rules.
 */
export const clusterSavePodSchema = z
  .object({
    context: clusterContextRefSchema,
    namespace: clusterPodsSchema.shape.namespace,
    target: z.discriminatedUnion('kind', [
      z
        .object({ kind: z.literal('pod'), podName: requiredField(podFieldsSchema.shape.podName, 'give the pod name') })
        .strict(),
      z
        .object({
          kind: z.literal('workload'),
          labelSelector: requiredField(podFieldsSchema.shape.labelSelector, 'give the label selector'),
          /** The record's name ("api workload"). */
          name: podFieldsSchema.shape.name,
        })
        .strict(),
    ]),
  })
  .strict();
export type ClusterSavePodRequest = z.output<typeof clusterSavePodSchema>;

export interface ClusterSavePodResult {
  /** The record with that target (pod or selector, namespace, context): the one already saved, else a new one. */
  record: PodView;
  created: boolean;
}

export const requests = {
  'app.info': request<AppInfo>().with(z.object({}).strict()),
  'pods.list': request<PodView[]>().with(
    z.object({ query: z.string().max(200, { message: 'search text is at most 200 characters' }).optional() }).strict(),
  ),
  'pods.get': request<PodView>().with(idSchema),
  'pods.save': request<PodView>().with(podSaveSchema),
  'pods.delete': request<{ deleted: boolean }>().with(idSchema),
  /**
   * The original design's pod management step: resolve the record's Kubernetes access, store the cluster host (and the
   * kubeconfig or token where they came from the machine), read the pod and report what was found.
   */
  'pods.refresh': request<PodRefreshResult>().with(idSchema),
  /**
   * Copies a record, secrets included, as "<name> (copy)". Done in main because secrets never reach the renderer, so
   * it could not save a copy with them itself.
   */
  'pods.duplicate': request<PodView>().with(idSchema),
  /** What ~/.ssh/config supplies for the form's SSH host (common/sshSettings.ts), each setting with its source. */
  'ssh.settings': request<SshSettingsView>().with(sshSettingsRequestSchema),
  /** The cluster browser: every context of the default kubeconfig and every imported one, plus sources that failed. */
  'clusters.contexts': request<ClusterContextList>().with(z.object({}).strict()),
  /** A context's namespaces, sorted. Fails with the access module's message (401, 403, unreachable, …). */
  'clusters.namespaces': request<string[]>().with(clusterNamespacesSchema),
  /** A namespace's pods with phase, ready containers, restarts and age, sorted by name. */
  'clusters.pods': request<ClusterPodView[]>().with(clusterPodsSchema),
  /**
   * Saves a browsed pod (or its workload) to the sidebar, reusing the record that already has that target: found or
   * created in one store transaction, so two quick clicks make one record.
   */
  'clusters.savePod': request<ClusterSavePodResult>().with(clusterSavePodSchema),
  /** Starts connecting at once and returns; progress, prompts, bytes and the end arrive on the session's stream. */
  'sessions.open': request<{ sessionId: number }>().with(
    z
      .object({
        podId: z.string().uuid({ message: 'not a pod record id' }),
        size: terminalSizeSchema,
        /** Overrides the record's container for this session (the tab's container picker). */
        container: z
          .string()
          .max(63, { message: 'a container name is at most 63 characters' })
          .regex(DNS_LABEL_PATTERN, { message: 'not a container name' })
          .optional(),
      })
      .strict(),
  ),
  'sessions.close': request<{ closed: boolean }>().with(z.object({ sessionId: sessionIdSchema }).strict()),
  'sessions.answerHostKey': request<{ accepted: boolean }>().with(
    z
      .object({ sessionId: sessionIdSchema, promptId: z.string().min(1).max(64), decision: z.enum(HOST_KEY_DECISIONS) })
      .strict(),
  ),
  /**
   * The user's answers to the SSH server's questions (keyboard-interactive: a password, a one-time code), in prompt
   * order; null cancels. Secrets: never logged, never stored.
   */
  'sessions.answerAuth': request<{ accepted: boolean }>().with(
    z
      .object({
        sessionId: sessionIdSchema,
        promptId: z.string().min(1).max(64),
        answers: z
          .array(z.string().max(MAX_AUTH_ANSWER_CHARS, { message: 'an answer is at most 4096 characters' }))
          .max(MAX_AUTH_PROMPTS, { message: 'too many answers' })
          .nullable(),
      })
      .strict(),
  ),
  /**
   * Starts writing the session's OUTPUT to an asciicast v2 file in <dataDir>/recordings (keystrokes are never
   * recorded, so a password typed at a prompt that does not echo it is not in the file). Answers the file's path.
   */
  'sessions.startRecording': request<{ path: string }>().with(z.object({ sessionId: sessionIdSchema }).strict()),
  /**
   * Stops the recording and flushes the file; answers its path, or an error saying why it could not be written (never
   * the path of a file without output).
   */
  'sessions.stopRecording': request<{ path: string }>().with(z.object({ sessionId: sessionIdSchema }).strict()),
  /** Every terminal and appearance setting, defaults filled in. */
  'settings.get': request<TerminalSettings>().with(z.object({}).strict()),
  /** Stores the given settings (any subset) and answers the full result. */
  'settings.save': request<TerminalSettings>().with(settingsSaveSchema),
  /** Parses and validates dropped, picked or pasted kubeconfigs; stores nothing. Per file: its contexts or its errors. */
  'kubeconfigs.preview': request<KubeconfigPreviewResult>().with(kubeconfigPreviewSchema),
  /** Validates the files again and stores the chosen contexts (a file with errors is skipped whole). */
  'kubeconfigs.import': request<KubeconfigImportResult>().with(kubeconfigImportSchema),
  'kubeconfigs.list': request<KubeconfigView[]>().with(z.object({}).strict()),
  /** Records that used the context keep their other settings and lose only the link. */
  'kubeconfigs.remove': request<{ removed: boolean }>().with(z.object({ id: importedKubeconfigIdSchema }).strict()),
} as const;

/** Compile-time proof that requestKeys.ts lists exactly the keys of this table (an error here names the odd one out). */
type MissingFromList = Exclude<keyof typeof requests, RequestKey>;
type MissingFromTable = Exclude<RequestKey, keyof typeof requests>;
const keysAgree: [MissingFromList, MissingFromTable] extends [never, never] ? true : never = true;
void keysAgree;
export type RequestInput<K extends RequestKey> = z.input<(typeof requests)[K]['input']>;
export type RequestPayload<K extends RequestKey> = z.output<(typeof requests)[K]['input']>;
export type RequestResult<K extends RequestKey> = NonNullable<(typeof requests)[K]['result']>;

/** The typed client: `api.pods.list({})`, derived from the request table. */
type Namespace<K> = K extends `${infer NS}.${string}` ? NS : never;
type Method<K, NS extends string> = K extends `${NS}.${infer M}` ? M : never;
export type ContractApi = {
  [NS in Namespace<RequestKey>]: {
    [M in Method<RequestKey, NS>]: `${NS}.${M}` extends infer K extends RequestKey
      ? (input: RequestInput<K>) => Promise<RequestResult<K>>
      : never;
  };
};

/** Builds a `ContractApi` from one function that sends a validated key and payload. */
export function buildContractApi(
  invoke: <K extends RequestKey>(key: K, input: RequestInput<K>) => Promise<RequestResult<K>>,
): ContractApi {
  return byNamespace((key) => (input: unknown) => invoke(key, input as never)) as unknown as ContractApi;
}

// ---------------------------------------------------------------------------------------------------------------------
// Session streams: one per open session (a MessagePort in Electron, multiplexed frames on the browser-mode WebSocket).

/** One try of one connection method, as the tab's attempt log shows it. */
export interface ConnectionAttempt {
  method: ConnectionMethod;
  /** Epoch ms. */
  startedAt: number;
  /** Null while the attempt is still running. */
  durationMs: number | null;
  outcome: 'running' | 'opened' | 'failed' | 'skipped';
  /** Why it failed or was skipped, in words a person can act on. */
  detail?: string;
  /**
   * The method as the user knows it for this record, when that is more than the method's name: the imported
   * context's name ("imported context sandbox") for the record's kubeconfig method.
   */
  label?: string;
  /** What happened inside the attempt: SSH's jump hosts, each with its time, and notes (a keyword not used). */
  steps?: AttemptStep[];
}

/** One step inside an attempt: a hop of an SSH route (running, done, failed, with its time), or a note. */
export interface AttemptStep {
  /** "jump host 1 of 2, bastion (ops@10.0.0.1:22)", or the note's text. */
  label: string;
  /** Which hop of the SSH route, counting from 0 (the target last); absent for a note. */
  hopIndex?: number;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number | null;
  outcome: 'running' | 'done' | 'failed' | 'note';
  /** Why it failed. */
  detail?: string;
}

/** An SSH host key Podterm has not seen before, waiting for the user's decision. No credential is sent until then. */
export interface HostKeyPrompt {
  promptId: string;
  host: string;
  port: number;
  keyType: string;
  /** OpenSSH style: "SHA256:" + unpadded base64. */
  fingerprint: string;
  /** Which jump host asks ("jump host 1 of 2, bastion"); absent for the target itself. */
  hop?: string;
  /**
   * Keys of other types already trusted for this host. Not empty means the host is known, but the server did not show
   * any of those keys this time: its keys were replaced, or this is not the same server. OpenSSH warns about it too.
   */
  otherKnownKeys: KnownHostKeyView[];
}

/** A trusted host key, for people: type, fingerprint and where it is recorded. */
export interface KnownHostKeyView {
  keyType: string;
  fingerprint: string;
  /** "~/.ssh/known_hosts (line 3)" or "Podterm's known hosts". */
  source: string;
}

/** Where a Kubernetes exec session landed, so the tab can offer the pod's other containers. */
export interface KubeSessionTarget {
  namespace: string;
  pod: string;
  container: string;
  /** Every container of the pod (one entry for a single-container pod). */
  containers: string[];
}

/**
 * The SSH server asks the user something before it lets them in (keyboard-interactive authentication): the account
 * password when Podterm has none saved, a one-time code after the key was accepted, a PAM question.
 */
export interface AuthPrompt {
  promptId: string;
  /** "alice@bastion.example.com:22". */
  target: string;
  /** The server's name for the exchange, else a generic title ("Password", "Keyboard-interactive"). */
  title: string;
  /** The server's instructions, possibly empty. */
  instructions: string;
  /** One input each; echo false means the answer is secret (shown as dots). At most MAX_AUTH_PROMPTS. */
  prompts: Array<{ prompt: string; echo: boolean }>;
}

export type SessionPhase = 'connecting' | 'awaitingHostKey' | 'awaitingAuth' | 'connected' | 'ended';

export interface SessionStatus {
  phase: SessionPhase;
  attempts: ConnectionAttempt[];
  /** The method that opened the shell, once one has. */
  method: ConnectionMethod | null;
  /** Where it is connected, e.g. "root@10.0.0.5:22" or "prod/api-7d9f (container app)". */
  target: string | null;
  hostKeyPrompt: HostKeyPrompt | null;
  authPrompt: AuthPrompt | null;
  /** Set once a Kubernetes exec session opened. */
  kube: KubeSessionTarget | null;
}

/** How a session ended. */
export type SessionEnd =
  /** The remote shell exited (code null when it died by a signal). Not a connection failure. */
  | { kind: 'exited'; code: number | null; signal: string | null; message?: string }
  /**
   * No method could open a shell; the attempt log says why each failed. `finishedPod`: the pod has finished (phase
   * Succeeded or Failed), so trying again cannot work; the tab offers a running pod instead.
   */
  | { kind: 'failed'; message: string; finishedPod?: boolean }
  /** An open shell lost its connection. */
  | { kind: 'lost'; message: string }
  /** The user closed it. */
  | { kind: 'closed' };

/**
 * main → renderer on a session stream. `recordingFailed`: the tab's recording could not be written (disk full, no
 * permission) and has stopped; `message` says why and whether a file with the output so far was kept.
 */
export type SessionEvent =
  | { type: 'data'; data: Uint8Array }
  | { type: 'status'; status: SessionStatus }
  | { type: 'end'; end: SessionEnd }
  | { type: 'recordingFailed'; message: string };

/**
 * renderer → main on a session stream. `ack` reports bytes xterm.js has parsed (from its write callback), which is what
 * drives flow control: main pauses the remote when too many bytes are unacknowledged.
 */
export const sessionCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('write'), data: z.string().min(1).max(MAX_INPUT_CHARS) }).strict(),
  z.object({ type: z.literal('resize'), size: terminalSizeSchema }).strict(),
  z.object({ type: z.literal('ack'), bytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict(),
]);
export type SessionCommand = z.infer<typeof sessionCommandSchema>;

/** What the renderer holds for an open session, whichever transport carries it. */
export interface SessionChannel {
  readonly sessionId: number;
  /** Events queued before the first listener are delivered to it, so nothing is lost between open and attach. */
  onEvent(listener: (event: SessionEvent) => void): () => void;
  send(command: SessionCommand): void;
  /** Stops listening; does not end the session (use `api.sessions.close`). */
  detach(): void;
}

// ---------------------------------------------------------------------------------------------------------------------
// App events (common/requestKeys.ts: AppEvent): main → every connected renderer (every Electron window, every
// browser-mode tab), whoever caused the change, so no list a window shows goes stale until a reload.

/** The renderer's whole view of the main process. Electron's preload and the browser-mode client both implement it. */
export interface PodtermClient {
  api: ContractApi;
  /** Opens a session and returns its stream. */
  openSession(input: RequestInput<'sessions.open'>): Promise<SessionChannel>;
  /** Calls the listener for every app event main pushes; returns the unsubscribe. */
  onAppEvent(listener: (event: AppEvent) => void): () => void;
}

// ---------------------------------------------------------------------------------------------------------------------
// The Electron bridge. The preload exposes one function per request key under `window.podterm` (never ipcRenderer),
// each resolving to a ResultEnvelope, because Electron flattens errors thrown across invoke into bare strings.

export type ResultEnvelope<T> = { ok: true; result: T } | { ok: false; error: ContractErrorShape };

export type BridgeApi = {
  [NS in keyof ContractApi]: {
    [M in keyof ContractApi[NS]]: ContractApi[NS][M] extends (input: infer I) => Promise<infer R>
      ? (input: I) => Promise<ResultEnvelope<R>>
      : never;
  };
};

// ---------------------------------------------------------------------------------------------------------------------
// Errors

/** Error codes a request can fail with; the message is for people, the code for code. */
export type ContractErrorCode = 'invalidPayload' | 'notFound' | 'forbidden' | 'unknownRequest' | 'internal';

export interface ContractErrorShape {
  code: ContractErrorCode;
  message: string;
  /** For invalidPayload: the field path → message, so forms can show each under its field. */
  fieldErrors?: Record<string, string>;
}

export class ContractError extends Error implements ContractErrorShape {
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ContractError';
  }

  toJSON(): ContractErrorShape {
    return { code: this.code, message: this.message, ...(this.fieldErrors ? { fieldErrors: this.fieldErrors } : {}) };
  }

  static fromShape(shape: ContractErrorShape): ContractError {
    return new ContractError(shape.code, shape.message, shape.fieldErrors);
  }
}

/** Turns a zod failure into one message naming each bad field, and a field map for forms. */
export function describeValidationError(what: string, error: z.ZodError): ContractError {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(payload)';
    fieldErrors[path] ??= issue.message;
  }
  const summary = Object.entries(fieldErrors)
    .map(([path, message]) => `${path}: ${message}`)
    .join('; ');
  return new ContractError('invalidPayload', `Invalid ${what}: ${summary}`, fieldErrors);
}

/** Parses a payload against a request's schema or throws a ContractError that names every bad field. */
export function parseRequest<K extends RequestKey>(key: K, payload: unknown): RequestPayload<K> {
  const result = requests[key].input.safeParse(payload);
  if (!result.success) throw describeValidationError(`${key} payload`, result.error);
  return result.data as RequestPayload<K>;
}

/** Parses a renderer → main stream message. */
export function parseSessionCommand(message: unknown): SessionCommand {
  const result = sessionCommandSchema.safeParse(message);
  if (!result.success) throw describeValidationError('session message', result.error);
  return result.data;
}
