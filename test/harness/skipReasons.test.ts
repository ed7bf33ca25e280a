// The CI switch: a missing test peer skips on a developer's machine and fails under PODTERM_REQUIRE_TEST_PEERS=1, with
// the same reason, wherever the harness finds it missing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { missingPeer, missingServer, NO_KUBE_API_SERVER, NO_SSHD, REQUIRE_TEST_PEERS_ENV } from './skipReasons';

const REASON = 'no sshd on this machine (apt-get install openssh-server)';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('missingPeer', () => {
  it('hands the reason back to skip with, when the switch is off', () => {
    expect(missingPeer(REASON, {})).toBe(REASON);
    expect(missingPeer(REASON, { [REQUIRE_TEST_PEERS_ENV]: '0' })).toBe(REASON);
    expect(missingPeer(REASON, { [REQUIRE_TEST_PEERS_ENV]: '' })).toBe(REASON);
  });

  it('throws the same reason, naming the switch and both ways out, when it is on', () => {
    expect(() => missingPeer(REASON, { [REQUIRE_TEST_PEERS_ENV]: '1' })).toThrow(
      `${REASON}. PODTERM_REQUIRE_TEST_PEERS=1 (set by .ci/run) makes a missing test peer a failure, not a skip: ` +
        `install it (.ci/run's package step), or unset PODTERM_REQUIRE_TEST_PEERS to skip these tests.`,
    );
  });

  it('reads the process environment by default', () => {
    vi.stubEnv(REQUIRE_TEST_PEERS_ENV, '1');
    expect(() => missingPeer(REASON)).toThrow(REASON);
  });
});

describe('the harness functions tests call', () => {
  it('missingServer skips without the switch and fails with it', () => {
    vi.stubEnv(REQUIRE_TEST_PEERS_ENV, '');
    expect(missingServer({ kube: null, sshd: {} })).toBe(NO_KUBE_API_SERVER);
    expect(missingServer({ sshd: null })).toBe(NO_SSHD);
    expect(missingServer({ kube: {}, sshd: {} })).toBeNull();
    vi.stubEnv(REQUIRE_TEST_PEERS_ENV, '1');
    expect(() => missingServer({ kube: null })).toThrow(NO_KUBE_API_SERVER);
    expect(() => missingServer({ sshd: null })).toThrow(NO_SSHD);
    expect(missingServer({ kube: {}, sshd: {} })).toBeNull();
  });

  it('a Chromium that is not there: the e2e skip reason, or a failure under the switch', async () => {
    vi.stubEnv('PODTERM_CHROMIUM', '/nonexistent/chromium');
    vi.stubEnv(REQUIRE_TEST_PEERS_ENV, '');
    const { e2eUnavailableReason } = await import('./webApp');
    expect(e2eUnavailableReason()).toBe('no Chromium at /nonexistent/chromium (apt-get install chromium)');
    vi.stubEnv(REQUIRE_TEST_PEERS_ENV, '1');
    expect(() => e2eUnavailableReason()).toThrow(
      /^no Chromium at \/nonexistent\/chromium .*PODTERM_REQUIRE_TEST_PEERS=1/,
    );
  });
});
