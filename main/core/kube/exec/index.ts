/**
 * kube/exec: a shell in a container over the Kubernetes exec WebSocket (v5, then v4): the session, the protocol's
 * frames and status messages, and the wording of its failures.
 */
export { KubeExecError } from './execErrors';
export { type KubeAttachOptions, openKubeAttachSession, openKubeExecSession, shellCommand } from './execSession';
export { openKubeExecCommand, type KubeExecCommandOptions } from './execCommand';
