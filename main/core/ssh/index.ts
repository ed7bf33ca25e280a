/**
 * ssh/: the SSH transport. A shell over ssh2 (the only file importing ssh2 is sshSession.ts), the login's decisions as
 * a state machine without I/O (sshLogin.ts), the host-key check against known_hosts files and Podterm's own table,
 * ~/.ssh/config (sshConfig.ts) and the plan it gives a record's SSH side (sshPlan.ts), and ProxyCommand. The connect
 * chain's SSH method (connect/sshMethod.ts) uses it.
 */
export { createHostKeyVerifier, knownHostKeyTypes } from './hostKeys';
export { startProxyCommand } from './proxyCommand';
export { planSsh, describeSource, type SshEndpointPlan, type SshPlan, type Setting } from './sshPlan';
export {
  openSshSession,
  privateKeyProblem,
  type SshHopEvent,
  type SshHopOptions,
  type SshSessionOptions,
} from './sshSession';
