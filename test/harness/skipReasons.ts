/**
 * Why a test is skipped when a test server cannot start on this machine, in one wording for every file.
 */

/** startKubeApiServer() answered null: it needs openssl for its per-run CA. */
export const NO_KUBE_API_SERVER = 'the test Kubernetes API server could not start (openssl missing?)';
/** startSshd() answered null: no OpenSSH server here. */
export const NO_SSHD = 'no sshd on this machine (apt-get install openssh-server)';

/** Why a test that needs the servers given cannot run here (the first that did not start), or null when all did. */
export function missingServer(servers: { kube?: object | null; sshd?: object | null }): string | null {
  if ('kube' in servers && !servers.kube) return NO_KUBE_API_SERVER;
  if ('sshd' in servers && !servers.sshd) return NO_SSHD;
  return null;
}
