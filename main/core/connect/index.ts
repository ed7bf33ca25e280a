/**
 * connect/: the access chain. `connect` walks a list of methods in order, one attempt recorded per method, and
 * returns the first shell that opened; kubeMethod.ts and sshMethod.ts are the methods. The session manager runs it
 * for a tab; Refresh runs the Kubernetes methods' lookup without opening a shell. debugContainer.ts is the Kubernetes
 * methods' other way in: a debug (ephemeral) container attached instead of an exec.
 */
export { connect, ConnectAbortedError, ConnectFailedError, newChainRun, recordScrubber } from './connect';
export { FinishedPodError, isNoShellFailure, kubeMethods } from './kubeMethod';
export { isUnreachableFailure, type LearnedStatus, statusOfConnectFailure, statusOfLostSession } from './outcomeStatus';
export { sshMethod } from './sshMethod';
export { sshSettingsView } from './sshSettings';
export type { ConnectionMethodHandler, KubeMethodHandler } from './types';
