/**
 * The connect chain's building blocks. A ConnectionMethodHandler is one way to reach a pod (the default kubeconfig,
 * the record's kubeconfig, token auth, in-cluster config, SSH); the chain in connect.ts tries them in order.
 */
import type {
  AttemptStep,
  AuthPrompt,
  ConnectionAttempt,
  HostKeyDecision,
  HostKeyPrompt,
  KubeSessionTarget,
  TerminalSize,
} from '../../../common/contract';
import type { ConnectionMethod } from '../../../common/pods';
import type { KubeAccessMethod, ResolvedAccess } from '../kube/access';
import type { PodInfo, UnreachableServers } from '../kube/api';
import type { PodConnectRecord } from '../store';
import type { TerminalSession } from '../terminal';

/** What a method needs from the session that is connecting. */
export interface ConnectContext {
  /** The terminal's size now (it may change while connecting). */
  size(): TerminalSize;
  /** The container the user picked for this session (the tab's picker), overriding the record's. */
  containerOverride: string | null;
  /** Aborted when the user closes the tab while connecting. */
  signal: AbortSignal;
  /**
   * Set for "Debug with an ephemeral container" (sessions.open's `debug`): the Kubernetes methods add (or re-attach
   * to, `reattach`) a debug container instead of opening an exec shell.
   */
  debug?: { reattach: string | null } | null;
  /** Shows how the running attempt is getting on (a debug container's state) in the attempt log; connect() sets it. */
  progress?(detail: string): void;
  /** Asks the user about an unknown SSH host key; resolves with their decision (cancel when the tab closes). */
  promptHostKey(prompt: Omit<HostKeyPrompt, 'promptId'>): Promise<HostKeyDecision>;
  /** Asks the user the SSH server's login questions; resolves with the answers, or null (cancelled, tab closed). */
  promptAuth(prompt: Omit<AuthPrompt, 'promptId'>): Promise<string[] | null>;
  /** The running attempt's steps (SSH hops, notes), shown in the attempt log; set by connect() for each attempt. */
  reportSteps?(steps: AttemptStep[]): void;
}

export interface OpenedSession {
  session: TerminalSession;
  /** Where the shell is, for the tab: "root@10.0.0.5:22", "prod/api-7d9f (container app)". */
  target: string;
  /** For Kubernetes exec sessions: the pod and container, so the tab can offer the other containers. */
  kube?: KubeSessionTarget;
}

/** What one walk down the chain has learnt for the methods after it. */
export interface ChainRun {
  readonly unreachableServers: UnreachableServers;
}

export interface ConnectionMethodHandler {
  readonly method: ConnectionMethod;
  /** Null when the method applies to this record; otherwise why it is skipped ("no SSH host in the record"). */
  skipReason(record: PodConnectRecord): string | null;
  /** The method's name for this record in the attempt log, when it has a better one than the method's label. */
  labelFor?(record: PodConnectRecord): string | null;
  /** Opens a shell or throws an Error whose message says why, in words a person can act on. */
  open(record: PodConnectRecord, context: ConnectContext, run: ChainRun): Promise<OpenedSession>;
}

/** The pod a record connects to; `matched` counts what its label selector matched, when it has one. */
export interface RecordPod extends PodInfo {
  matched?: number;
}

/** What one Kubernetes method learnt looking the record's pod up, before any shell is opened. */
export type PodLookup =
  /** The method does not apply to the record, or its server was found unreachable earlier in this run. */
  | { outcome: 'skipped'; detail: string }
  /** The pod, read (or picked by the record's selector) with this access. */
  | { outcome: 'found'; access: ResolvedAccess; pod: RecordPod }
  /**
   * Resolving the access failed (`access` null: a broken kubeconfig, a failed plugin), or reading the pod did (it is
   * gone, no pod is ready, the server refused or did not answer; an unreachable server is noted in the run).
   */
  | { outcome: 'failed'; access: ResolvedAccess | null; error: unknown };

/** One Kubernetes method: it opens a shell in the chain, and looks the pod up alone for Refresh. */
export interface KubeMethodHandler extends ConnectionMethodHandler {
  readonly method: KubeAccessMethod;
  /** Resolves this method's access and reads the record's pod, as open() does before the exec. Never throws. */
  lookUp(record: PodConnectRecord, run: ChainRun): Promise<PodLookup>;
}

export type AttemptListener = (attempts: readonly ConnectionAttempt[]) => void;
