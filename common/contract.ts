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
  clusterShownNamespacesSchema,
  clusterUnwatchPodsSchema,
  importedKubeconfigIdSchema,
  type ClusterContextList,
  type ClusterExecAccess,
  type ClusterNamespaceList,
  type ClusterPodView,
} from './clusters';
import {
  DNS_LABEL_PATTERN,
  podFieldsSchema,
  podSaveSchema,
  type ConnectionMethod,
  type PodSummary,
  type PodView,
} from './pods';
import { MAX_DROPPED_ITEMS, MAX_INPUT_CHARS, MAX_PODS_LIST_IDS, MAX_TRANSFER_PATH_CHARS } from './limits';
import { byNamespace, type AppEvent, type RequestKey } from './requestKeys';
import { settingsSaveSchema, type TerminalSettings } from './settings';
import {
  recordsExportSchema,
  recordsImportSchema,
  type BackfillLine,
  type RecordsExportResult,
  type RecordsImportResult,
  type RecordsPreview,
} from './records';
import { sshSettingsRequestSchema, type SshSettingsView } from './sshSettings';

export {
  APP_EVENT_CHANNEL,
  APP_EVENT_TYPES,
  ELECTRON_BRIDGE_GLOBAL,
  isAppEvent,
  appEventOnly,
  CLUSTER_PODS_EVENT,
  type AppEvent,
  type AppEventType,
  type ClusterPodsEvent,
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

/** File transfers (issue 12; the types are with FILE_TRANSFER_FAILURES below). */
function fileTransferRequests() {
  const path = (what: string) =>
    z
      .string()
      .max(MAX_TRANSFER_PATH_CHARS, { message: `${what} is at most ${MAX_TRANSFER_PATH_CHARS} characters` })
      .refine((text) => !text.includes('\0'), { message: `${what} cannot contain a NUL character` });
  const localPaths = z
    .array(path('a local path').pipe(z.string().min(1, { message: 'a local path cannot be empty' })))
    .max(MAX_DROPPED_ITEMS, { message: `at most ${MAX_DROPPED_ITEMS} items in one upload` });
  /** Chosen by the renderer (a UUID), so progress events can name the transfer before the request answers. */
  const transferId = z.string().uuid({ message: 'not a transfer id' });
  const sessionId = z.number().int().positive({ message: 'not a session id' });
  return {
    'files.planUpload': request<FileUploadPlan>().with(
      z.object({ sessionId, paths: localPaths, destination: path('the destination') }).strict(),
    ),
    'files.upload': request<FileTransferResult>().with(
      z.object({ sessionId, transferId, paths: localPaths.min(1), destination: path('the destination') }).strict(),
    ),
    'files.download': request<FileTransferResult>().with(
      z
        .object({
          sessionId,
          transferId,
          remotePath: path('the remote path').pipe(
            z.string().trim().min(1, { message: 'name a remote file or folder' }),
          ),
        })
        .strict(),
    ),
    'files.cancel': request<{ cancelled: boolean }>().with(z.object({ transferId }).strict()),
  } as const;
}

export const requests = {
  'app.info': request<AppInfo>().with(z.object({}).strict()),
  /** The sidebar's records: summaries (a full record is pods.get), sorted by name, matching `query` when given. */
  'pods.list': request<PodSummary[]>().with(
    z
      .object({
        query: z.string().max(200, { message: 'search text is at most 200 characters' }).optional(),
        /** Only these records (those a podsChanged event names); an id with no record is left out of the answer. */
        ids: z
          .array(z.string().max(100))
          .max(MAX_PODS_LIST_IDS, { message: `at most ${MAX_PODS_LIST_IDS} ids at once` })
          .optional(),
      })
      .strict(),
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
  /**
   * A context's namespaces, sorted; when listing them is forbidden, the ones Podterm knows of that the user may list
   * pods in, and why the list is partial. Fails with the access module's message (401, unreachable, …).
   */
  'clusters.namespaces': request<ClusterNamespaceList>().with(clusterNamespacesSchema),
  /** Whether the user may open a shell in the namespace's pods (SelfSubjectAccessReview, cached briefly). */
  'clusters.execAccess': request<ClusterExecAccess>().with(clusterPodsSchema),
  /**
   * Follows a namespace's pods for this window: chunks of the list, then the watch's changes, pushed as `clusterPods`
   * app events with the returned id until clusters.unwatchPods or the window goes away.
   */
  'clusters.watchPods': request<{ watchId: number }>().with(clusterPodsSchema),
  'clusters.unwatchPods': request<{ stopped: boolean }>().with(clusterUnwatchPodsSchema),
  /** The context's "namespaces to show": listed when the cluster's namespace list is forbidden. */
  'clusters.shownNamespaces': request<string[]>().with(clusterNamespacesSchema),
  'clusters.setShownNamespaces': request<string[]>().with(clusterShownNamespacesSchema),
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
        /**
         * Open a debug container instead of an exec shell: an ephemeral container (image from the debugImage settings)
         * targeting the container the session would have opened, attached with stdin and a TTY. `reattach` names the
         * debug container this tab had: attached to again while it runs, instead of adding another.
         */
        debug: z
          .object({
            reattach: z
              .string()
              .max(63, { message: 'a container name is at most 63 characters' })
              .regex(DNS_LABEL_PATTERN, { message: 'not a container name' })
              .optional(),
          })
          .strict()
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
  /** Reads a records file (Podterm's JSON or CSV, Django dumpdata) with the mapping chosen; stores nothing. */
  'records.preview': request<RecordsPreview>().with(recordsImportSchema),
  /** Reads and checks the file again and writes every row or none, in one transaction, secrets sealed. */
  'records.import': request<RecordsImportResult>().with(recordsImportSchema),
  /** Every record as a JSON file's text; secrets only when asked (the page confirms first). */
  'records.export': request<RecordsExportResult>().with(recordsExportSchema),
  /** Refresh all, one record at a time (the page runs a few at once): the CLI's `pods backfill` for this record. */
  'records.backfill': request<BackfillLine>().with(idSchema),
  ...fileTransferRequests(),
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
  /**
   * Set when the tab is attached to a debug container: the ephemeral container's name and image. `container` is then
   * the container it targets (whose processes it sees).
   */
  debugContainer?: { name: string; image: string };
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
   * Succeeded or Failed), so trying again cannot work; the tab offers a running pod instead. `noShell`: the container
   * has no shell (a distroless image); the tab offers a debug container instead.
   */
  | { kind: 'failed'; message: string; finishedPod?: boolean; noShell?: boolean }
  /** An open shell lost its connection. */
  | { kind: 'lost'; message: string }
  /** The user closed it. */
  | { kind: 'closed' };

/**
 * main → renderer on a session stream. `recordingFailed`: the tab's recording could not be written (disk full, no
 * permission) and has stopped; `message` says why and whether a file with the output so far was kept.
 * `interruptSeen`: main has passed on a `write` holding an interrupt (^C, ^\, ^Z; common/flowControl.ts), one event per
 * such write; the data before it was received before the interrupt, and a tab that was behind drops it undrawn.
 */
export type SessionEvent =
  | { type: 'data'; data: Uint8Array }
  /** A file transfer on this session's connection moved on (files.upload / files.download, by their transferId). */
  | { type: 'transfer'; transferId: string; progress: FileTransferProgress }
  | { type: 'status'; status: SessionStatus }
  | { type: 'end'; end: SessionEnd }
  | { type: 'recordingFailed'; message: string }
  | { type: 'interruptSeen' };

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
// File transfers (issue 12): files in and out of the machine a tab's shell runs on, over that tab's own connection
// (SFTP for SSH, tar over a second exec for Kubernetes). main/core/files does the work.

/** Why a transfer failed; the message says what to do. */
export const FILE_TRANSFER_FAILURES = [
  /** A name would write outside the chosen folder (.., absolute, a slash), or cannot cross the tar script. */
  'badName',
  /** The container has no tar (or no sh to run it): the message names a debug container as the way. */
  'noTar',
  /** The remote or local path is not there. */
  'notFound',
  /** A folder is where a file would go, or the other way round. */
  'conflict',
  'cancelled',
  /** The remote side failed (permission, disk full, connection lost); the message carries its words. */
  'remote',
  /** The local side failed. */
  'local',
  /** The tab's connection cannot move files (it is not open, or its transport has no file channel). */
  'unsupported',
] as const;
export type FileTransferFailure = (typeof FILE_TRANSFER_FAILURES)[number];

/** main → renderer while a transfer runs, a few times a second; the renderer works out rate and time left. */
export interface FileTransferProgress {
  bytesDone: number;
  bytesTotal: number;
  /** True when the total came from `du` (Kubernetes downloads): rounded to KiB, a little off. */
  totalIsEstimate: boolean;
  /** The file being copied now, relative to the chosen folder. */
  currentName: string;
}

/** What an upload would do, shown before it starts. */
export interface FileUploadPlan {
  /** The destination as an absolute remote path. */
  destination: string;
  files: number;
  folders: number;
  bytesTotal: number;
  /** Remote paths (relative to destination) an upload would replace. */
  overwrites: string[];
  /** Paths where a file meets a folder of the same name: the upload would fail there. */
  conflicts: string[];
  /** Local paths not sent (symlinks and special files, as `kubectl cp` skips them). */
  skipped: string[];
}

export interface FileTransferResult {
  bytes: number;
  /** Where the result went: the remote destination, or the local path of a download. */
  savedAs: string;
  /** Paths not copied (symlinks, special files). */
  skipped: string[];
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
