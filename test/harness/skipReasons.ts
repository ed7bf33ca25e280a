/**
 * Why a test is skipped when a test peer (sshd, openssl for the test Kubernetes API server, Chromium, kubectl, …) is
 * missing on this machine, in one wording for every file; and the one switch that makes such a skip a failure.
 */

/**
 * Set to 1 (as .ci/run does) to make every missing test peer a failure instead of a skip: a developer's machine may
 * lack sshd or Chromium, but CI installs them, so a skip there means an install step broke and tests silently did
 * not run.
 */
export const REQUIRE_TEST_PEERS_ENV = 'PODTERM_REQUIRE_TEST_PEERS';

/**
 * Every harness function that finds a test peer missing passes its reason through here before its callers skip with
 * it: returns the reason unchanged, or, under PODTERM_REQUIRE_TEST_PEERS=1, throws it, so the test (or the file, when
 * the peer is looked for at import) fails with the same words.
 */
export function missingPeer(reason: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env[REQUIRE_TEST_PEERS_ENV] === '1') {
    throw new Error(
      `${reason}. ${REQUIRE_TEST_PEERS_ENV}=1 (set by .ci/run) makes a missing test peer a failure, not a skip: ` +
        `install it (.ci/run's package step), or unset ${REQUIRE_TEST_PEERS_ENV} to skip these tests.`,
    );
  }
  return reason;
}

/** startKubeApiServer() answered null: it needs openssl for its per-run CA. */
export const NO_KUBE_API_SERVER = 'the test Kubernetes API server could not start (openssl missing?)';
/** startSshd() answered null: no OpenSSH server here. */
export const NO_SSHD = 'no sshd on this machine (apt-get install openssh-server)';

/** Why a test that needs the servers given cannot run here (the first that did not start), or null when all did. */
export function missingServer(servers: { kube?: object | null; sshd?: object | null }): string | null {
  if ('kube' in servers && !servers.kube) return missingPeer(NO_KUBE_API_SERVER);
  if ('sshd' in servers && !servers.sshd) return missingPeer(NO_SSHD);
  return null;
}
