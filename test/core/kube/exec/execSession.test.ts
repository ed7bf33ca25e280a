/**
 * openKubeExecSession against the test Kubernetes API server (test/harness/kubeApiServer): real HTTPS, real token and
 * certificate auth, real processes on a real PTY. Every refusal people can meet (401, 403, 404, 400, no shell, refused,
 * TLS) with the message they see, and the TerminalSession behaviour: size, exit code, close, lost connection,
 * backpressure, keepalive through an idle-cutting proxy.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  KubeExecError,
  openKubeExecSession,
  shellCommand,
  type KubeExecOptions,
} from '../../../../main/core/kube/exec/execSession';
import type { TerminalExit, TerminalSession } from '../../../../main/core/terminal/terminalSession';
import {
  expectOpenFailure,
  expectPauseBlocksTheRemoteWriter,
  isRunning,
  record,
} from '../../../harness/sessionRecorder';
import { eventually, sleep, WAIT_TIMEOUT_MS } from '../../../harness/wait';
import { startIdleProxy } from '../../../harness/idleProxy';
import { startKubeApiServer } from '../../../harness/kubeApiServer';
import { findFreePort } from '../../../harness/sshd';

const kube = await startKubeApiServer();
afterAll(async () => {
  await kube?.stop();
});

const expectOpenError = (opening: Promise<TerminalSession>) => expectOpenFailure(opening, KubeExecError);

describe.skipIf(kube === null)('openKubeExecSession against the test API server', () => {
  // Inside this block the server is known to be running.
  const server = kube!;
  const size = { cols: 80, rows: 24 };
  const kubeConfig = (user: 'token' | 'cert' | 'forbidden' | 'badToken' = 'token', serverUrl?: string) => {
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig({ user, ...(serverUrl ? { server: serverUrl } : {}) }));
    return kc;
  };
  /** The token kubeconfig's cluster with one field changed (CA, server name). */
  const withCluster = (change: { caData?: string; tlsServerName?: string }) => {
    const base = kubeConfig();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: base.clusters.map((cluster) => ({ ...cluster, ...change })),
      users: base.users,
      contexts: base.contexts,
      currentContext: base.currentContext,
    });
    return kc;
  };
  const options = (overrides: Partial<KubeExecOptions> = {}): KubeExecOptions => ({
    kubeConfig: kubeConfig(),
    namespace: 'default',
    pod: 'shell-pod',
    container: 'main',
    command: shellCommand(null),
    size,
    ...overrides,
  });
  const sessions: TerminalSession[] = [];
  const open = async (overrides: Partial<KubeExecOptions> = {}) => {
    const session = await openKubeExecSession(options(overrides));
    sessions.push(session);
    return session;
  };
  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.close()));
  });

  it('opens the best shell over v5 and runs commands; reports how long the first prompt took', async () => {
    const started = performance.now();
    const firstByte = { ms: null as number | null };
    const session = await open();
    const openedMs = performance.now() - started;
    session.onData(() => (firstByte.ms ??= performance.now() - started));
    const out = record(session);
    session.write('echo "HELLO-$((6*7)) SHELL:$0 TERM:$TERM"\n');
    const match = await out.waitFor(/HELLO-42 SHELL:(\S+) TERM:(\S+)/);
    // The probe picked bash (installed on the test machine, which plays the container).
    expect(match[1]).toMatch(/bash$/);
    expect(match[2]).toBe('xterm-256color');
    const exec = server.execRequests.at(-1)!;
    expect(exec).toMatchObject({ pod: 'shell-pod', container: 'main', protocol: 'v5.channel.k8s.io', tty: true });
    expect(exec.command).toEqual(shellCommand(null));
    // The prompt, not the grace period, opened the session.
    expect(openedMs).toBeLessThan(1_500);
    console.info(
      `kube exec: open (TLS + upgrade + shell prompt) in ${openedMs.toFixed(0)} ms; first byte delivered at ${firstByte.ms?.toFixed(0)} ms`,
    );
  });

  it('authenticates with a client certificate', async () => {
    const session = await open({ kubeConfig: kubeConfig('cert') });
    const out = record(session);
    session.write('echo "CERT-$((2*3))"\n');
    await out.waitFor(/CERT-6/);
    expect(server.execRequests.at(-1)!.user).toBe('cert-user');
  });

  it('opens the PTY at the requested size and follows resize()', async () => {
    const session = await open({ size: { cols: 100, rows: 30 } });
    const out = record(session);
    session.write('echo "SIZE1:$(stty size)"\n');
    expect((await out.waitFor(/SIZE1:(\d+ \d+)/))[1]).toBe('30 100');
    session.resize(132, 43);
    session.write('echo "SIZE2:$(stty size)"\n');
    expect((await out.waitFor(/SIZE2:(\d+ \d+)/))[1]).toBe('43 132');
    expect(() => session.resize(0, 10)).toThrow(RangeError);
  });

  it('reports the exit code after the output, and a late subscriber still learns it', async () => {
    const session = await open();
    const out = record(session);
    session.write('echo BYE-NOW; exit 3\n');
    expect(await out.exited).toEqual({ code: 3, signal: null });
    expect(out.text).toContain('BYE-NOW');
    expect(out.error).toBeNull();
    const late = await new Promise<TerminalExit>((resolve) => session.onExit(resolve));
    expect(late).toEqual({ code: 3, signal: null });
  });

  it('a command that exits at once still opens, then reports exit 0', async () => {
    const session = await open({ command: ['sh', '-c', 'echo QUICK'] });
    const out = record(session);
    expect(await out.exited).toEqual({ code: 0, signal: null });
    expect(out.text).toContain('QUICK');
  });

  it('speaks v4 when that is all that is offered (no stdin close frame; the close still ends the shell)', async () => {
    const session = await open({
      createWebSocket: (url, _protocols, wsOptions) => new WebSocket(url, ['v4.channel.k8s.io'], wsOptions),
    });
    const out = record(session);
    session.write('echo "V4-$((3*3))"\n');
    await out.waitFor(/V4-9/);
    const exec = server.execRequests.at(-1)!;
    expect(exec.protocol).toBe('v4.channel.k8s.io');
    await session.close();
    await eventually('the v4 shell to end', async () => ((await isRunning(exec.pid!)) ? undefined : true));
  });

  it('lets the server pick the container of a single-container pod', async () => {
    const session = await open({ container: null });
    const out = record(session);
    session.write('echo "NOCONTAINER-OK"\n');
    await out.waitFor(/NOCONTAINER-OK/);
    expect(server.execRequests.at(-1)!.container).toBe('main');
  });

  it('401: says the credentials were rejected, without the token', async () => {
    const error = await expectOpenError(openKubeExecSession(options({ kubeConfig: kubeConfig('badToken') })));
    expect(error.reason).toBe('unauthorized');
    expect(error.httpStatus).toBe(401);
    expect(error.message).toBe(
      `The API server at ${server.url} rejected the credentials (401 Unauthorized): the token or certificate is invalid or expired.`,
    );
    const badToken = kubeConfig('badToken').getCurrentUser()!.token!;
    expect(error.message).not.toContain(badToken);
  });

  it('403: repeats the server (pods/exec) and says which permission to ask for', async () => {
    const error = await expectOpenError(openKubeExecSession(options({ kubeConfig: kubeConfig('forbidden') })));
    expect(error.reason).toBe('forbidden');
    expect(error.httpStatus).toBe(403);
    expect(error.message).toBe(
      'Exec into pod default/shell-pod is forbidden (403): pods "shell-pod" is forbidden: User "forbidden-user" cannot create resource "pods/exec" in API group "" in the namespace "default". To fix it, ask the cluster admin for RBAC permission to create pods/exec in namespace "default".',
    );
    expect(error.message).not.toContain(server.users.forbidden.token);
  });

  it('404: names the pod and the namespace', async () => {
    const error = await expectOpenError(openKubeExecSession(options({ pod: 'no-such-pod' })));
    expect(error.reason).toBe('notFound');
    expect(error.message).toBe(
      'Pod "no-such-pod" not found in namespace "default" (404: pods "no-such-pod" not found). Check the names; a pod replaced by its controller gets a new name.',
    );
    const elsewhere = await expectOpenError(openKubeExecSession(options({ namespace: 'prod' })));
    expect(elsewhere.message).toMatch(/^Pod "shell-pod" not found in namespace "prod"/);
  });

  it('400: a container the pod does not have, a multi-container pod without one, a completed pod', async () => {
    const badContainer = await expectOpenError(openKubeExecSession(options({ pod: 'multi', container: 'nope' })));
    expect(badContainer.reason).toBe('badRequest');
    expect(badContainer.message).toBe(
      'The API server refused the exec into pod default/multi (400 Bad Request): container nope is not valid for pod multi.',
    );
    const unnamed = await expectOpenError(openKubeExecSession(options({ pod: 'multi', container: null })));
    expect(unnamed.reason).toBe('badRequest');
    expect(unnamed.message).toContain('a container name must be specified for pod multi');
    const finished = await expectOpenError(openKubeExecSession(options({ pod: 'finished', container: null })));
    expect(finished.reason).toBe('badRequest');
    expect(finished.message).toContain('cannot exec into a container in a completed pod; current phase is Succeeded');
  });

  it('a distroless container: no shell, said clearly', async () => {
    const started = performance.now();
    const error = await expectOpenError(openKubeExecSession(options({ pod: 'distroless', container: 'app' })));
    expect(error.reason).toBe('noShell');
    expect(error.message).toBe(
      'The container "app" of pod default/distroless has no shell (sh was not found): distroless images ship without one. Use "Debug with an ephemeral container" (on this card, or in the record\'s or the tab\'s menu), or set a shell override.',
    );
    // Reported as soon as the status arrives, not after the grace period.
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('nothing listening: refused', async () => {
    const port = await findFreePort();
    const error = await expectOpenError(
      openKubeExecSession(options({ kubeConfig: kubeConfig('token', `https://127.0.0.1:${port}`) })),
    );
    expect(error.reason).toBe('refused');
    expect(error.message).toBe(
      `Connecting to the API server at https://127.0.0.1:${port} was refused: nothing is listening there.`,
    );
  });

  it('a CA that did not sign the server certificate, or none at all: tls, saying which and why', async () => {
    // The client certificate is a valid PEM certificate but not the server's issuer.
    const wrongCa = Buffer.from(server.users.cert.certPem).toString('base64');
    const error = await expectOpenError(openKubeExecSession(options({ kubeConfig: withCluster({ caData: wrongCa }) })));
    expect(error.reason).toBe('tls');
    // The server sends its CA along with its certificate, so OpenSSL sees a chain ending in an untrusted root.
    expect(error.message).toBe(
      `TLS with the API server at ${server.url} failed: the API server's certificate chain ends in a self-signed CA other than the one in the kubeconfig (SELF_SIGNED_CERT_IN_CHAIN); check certificate-authority-data, or set insecure-skip-tls-verify only if you trust the network.`,
    );
    const noCa = new KubeConfig();
    const base = kubeConfig();
    noCa.loadFromOptions({
      clusters: base.clusters.map(({ name, server: url, skipTLSVerify }) => ({ name, server: url, skipTLSVerify })),
      users: base.users,
      contexts: base.contexts,
      currentContext: base.currentContext,
    });
    const none = await expectOpenError(openKubeExecSession(options({ kubeConfig: noCa })));
    expect(none.reason).toBe('tls');
    expect(none.message).toContain('the kubeconfig has no certificate-authority-data');
  });

  it('a server name the certificate does not list: tls', async () => {
    const error = await expectOpenError(
      openKubeExecSession(options({ kubeConfig: withCluster({ tlsServerName: 'wrong.example' }) })),
    );
    expect(error.reason).toBe('tls');
    expect(error.message).toContain("the API server's certificate is not issued for the address in the server URL");
    expect(error.message).toContain('wrong.example');
  });

  it('cancelled while connecting: aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await expectOpenError(openKubeExecSession(options({ signal: controller.signal })));
    expect(error.reason).toBe('aborted');
  });

  it('close() ends the remote shell, is idempotent, and fires nothing afterwards', async () => {
    const session = await open();
    const out = record(session);
    session.write('echo "PID:$$"\n');
    const shellPid = Number((await out.waitFor(/PID:(\d+)/))[1]);
    expect(server.execRequests.at(-1)!.pid).toBe(shellPid);
    expect(await isRunning(shellPid)).toBe(true);

    await Promise.all([session.close(), session.close()]);
    await session.close();
    // Like `exit` in a terminal: stdin EOF ends the shell (its background jobs are the container's business then).
    await eventually('the remote shell to end', async () => ((await isRunning(shellPid)) ? undefined : true));
    await sleep(200);
    expect(out.exit).toBeNull();
    expect(out.error).toBeNull();
    // Writing to or resizing a closed session is a no-op, not a crash.
    session.write('echo too late\n');
    session.resize(90, 30);
  });

  it('fires onError once (and no onExit) when the connection drops under an open shell', async () => {
    const session = await open();
    const out = record(session);
    const errors: Error[] = [];
    session.onError((error) => errors.push(error));
    session.write('echo "ALIVE-$((5*5))"\n');
    await out.waitFor(/ALIVE-25/);
    server.dropConnections();
    const lost = await eventually('onError', () => errors[0]);
    expect(lost.message).toMatch(/^Connection to pod default\/shell-pod lost \(WebSocket code 1006/);
    await sleep(200);
    expect(errors).toHaveLength(1);
    expect(out.exit).toBeNull();
  });

  it('pause() stops the data and the remote writer itself; resume() lets it flow again', async () => {
    await expectPauseBlocksTheRemoteWriter(await open(), 'kube exec');
  });

  it('delivers a 20 MB flood completely and measures its throughput', async () => {
    const session = await open();
    const out = record(session);
    session.write('echo READY-FLOOD\n');
    await out.waitFor(/READY-FLOOD\r\n/);
    const before = out.bytes;
    const started = performance.now();
    // No newlines in the flood, so the PTY adds no bytes: exactly 20,000,000 "x" arrive.
    session.write(`head -c 20000000 /dev/zero | tr '\\0' x; echo; echo "FLOOD-DONE-$((40+2))"\n`);
    await out.waitFor(/FLOOD-DONE-42/);
    const seconds = (performance.now() - started) / 1000;
    const received = out.bytes - before;
    expect(received).toBeGreaterThanOrEqual(20_000_000);
    expect(received).toBeLessThan(20_001_000);
    console.info(`kube exec flood: ${(received / 1e6 / seconds).toFixed(1)} MB/s (${received} bytes)`);
  });

  it('sends keepalive pings; they keep a session alive through a proxy that cuts idle connections', async () => {
    const proxy = await startIdleProxy({ target: { host: '127.0.0.1', port: server.port }, idleMs: 1_000 });
    try {
      const through = kubeConfig('token', `https://127.0.0.1:${proxy.port}`);
      // The certificate names 127.0.0.1, which is still the address in the URL: TLS passes through the proxy.
      const pingsBefore = server.pingsReceived;
      const kept = await open({ kubeConfig: through, keepaliveIntervalMs: 300 });
      const keptOut = record(kept);
      const cut = await open({ kubeConfig: through, keepaliveIntervalMs: Number.MAX_SAFE_INTEGER });
      const cutOut = record(cut);
      await sleep(3_000);
      expect(server.pingsReceived - pingsBefore).toBeGreaterThanOrEqual(5);
      kept.write('echo "STILL-HERE-$((7*6))"\n');
      await keptOut.waitFor(/STILL-HERE-42/);
      expect(keptOut.error).toBeNull();
      const lost = await Promise.race([cutOut.failed, sleep(WAIT_TIMEOUT_MS).then(() => null)]);
      expect(lost?.message).toMatch(/^Connection to pod default\/shell-pod lost/);
      expect(cutOut.exit).toBeNull();
      expect(proxy.closedForIdle).toBe(1);
    } finally {
      await proxy.stop();
    }
  });
});
