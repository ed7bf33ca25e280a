/**
 * ssh/: the SSH transport. A shell over ssh2 (the only file importing ssh2 is sshSession.ts), the login's decisions as
 * a state machine without I/O (sshLogin.ts), and the host-key check against ~/.ssh/known_hosts and Podterm's own
 * table. The connect chain's SSH method (connect/sshMethod.ts) uses it.
 */
export { createHostKeyVerifier, knownHostKeyTypes } from './hostKeys';
export { openSshSession, privateKeyProblem, type SshSessionOptions } from './sshSession';
