/**
 * The connect chain's building blocks. A ConnectionMethodHandler is one way to reach a pod (the default kubeconfig,
 * the record's kubeconfig, token auth, in-cluster config, SSH); the chain in connect.ts tries them in order.
 */
import type {
  AuthPrompt,
  ConnectionAttempt,
  HostKeyDecision,
  HostKeyPrompt,
  KubeSessionTarget,
  TerminalSize,
} from '../../../common/contract';
import type { ConnectionMethod } from '../../../common/pods';
import type { UnreachableServers } from '../kube/api';
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
  /** Asks the user about an unknown SSH host key; resolves with their decision (cancel when the tab closes). */
  promptHostKey(prompt: Omit<HostKeyPrompt, 'promptId'>): Promise<HostKeyDecision>;
  /** Asks the user the SSH server's login questions; resolves with the answers, or null (cancelled, tab closed). */
  promptAuth(prompt: Omit<AuthPrompt, 'promptId'>): Promise<string[] | null>;
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
  /** Opens a shell or throws an Error whose message says why, in words a person can act on. */
  open(record: PodConnectRecord, context: ConnectContext, run: ChainRun): Promise<OpenedSession>;
}

export type AttemptListener = (attempts: readonly ConnectionAttempt[]) => void;
