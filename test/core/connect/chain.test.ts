/**
 * The access chain through the real core: each Kubernetes method alone against the test API server, their order, and
 * the fallback to a real sshd when no Kubernetes method can open a shell. Also Refresh.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionAttempt, PodRefreshResult } from '../../../common/contract';
import type { PodFieldsInput, PodSecretsInput } from '../../../common/pods';
import { DEFAULT_POD_READ_TIMEOUT_MS } from '../../../main/core/kube/api/podReader';
import { DEFAULT_REACH_TIMEOUT_MS } from '../../../main/core/kube/api/requestDeadline';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kubeApiServer';
import { missingServer } from '../../harness/skipReasons';
import { findFreePort, startSshd, type SshdHarness } from '../../harness/sshd';

let kube: KubeApiServer | null = null;
let sshd: SshdHarness | null = null;
const cores: TestCore[] = [];

beforeAll(async () => {
  kube = await startKubeApiServer();
  sshd = await startSshd();
});
afterAll(async () => {
  for (const core of cores) await core.cleanup();
  await sshd?.stop();
  await kube?.stop();
});

async function newCore(
  env: NodeJS.ProcessEnv = {},
  serviceAccountDir?: string,
  overrides: Parameters<typeof createTestCore>[1] = {},
): Promise<TestCore> {
  const core = await createTestCore(env, { ...(serviceAccountDir ? { serviceAccountDir } : {}), ...overrides });
  cores.push(core);
  return core;
}

const summary = (attempts: ConnectionAttempt[]) => attempts.map((attempt) => `${attempt.method}:${attempt.outcome}`);

async function save(core: TestCore, fields: Partial<PodFieldsInput>, secrets: PodSecretsInput = {}) {
  return core.request('pods.save', { fields: { name: 'pod', ...fields }, secrets });
}

const sshFields = () => ({
  sshHost: sshd!.host,
  sshPort: sshd!.port,
  sshUser: sshd!.keyUser,
  sshAuthKind: 'privateKeyPath' as const,
  sshPrivateKeyPath: sshd!.clientKeyPath,
});

/** Opens a session and waits until it is connected (accepting an SSH host key once) or ended. */
async function openAndSettle(core: TestCore, podId: string, client = new RecordingClient(), container?: string) {
  const { sessionId } = await core.request(
    'sessions.open',
    { podId, size: { cols: 90, rows: 25 }, ...(container ? { container } : {}) },
    client,
  );
  const settled = await core.settle(client, sessionId, { answerHostKey: 'acceptOnce', timeoutMs: 30_000 });
  return { client, sessionId, ...settled };
}

async function run(client: RecordingClient, sessionId: number, command: string, expected: RegExp) {
  client.send(sessionId, { type: 'write', data: `${command}\n` });
  await client.waitFor(() => expected.test(client.output(sessionId)));
}

const skipReason = () => missingServer({ kube, sshd });

describe('each Kubernetes method alone', () => {
  it('default kubeconfig: several KUBECONFIG files merged the way kubectl does', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const dir = join(core.home, 'kube');
    await mkdir(dir, { recursive: true });
    // The first file's current-context wins; the second file's duplicate "test" context is ignored, not an error.
    const first = join(dir, 'first.yaml');
    const second = join(dir, 'second.yaml');
    await writeFile(first, kube!.kubeconfig({ user: 'token', contextName: 'test' }));
    await writeFile(second, kube!.kubeconfig({ user: 'badToken', contextName: 'test' }));
    const merged = await newCore({ KUBECONFIG: [first, join(dir, 'missing.yaml'), second].join(':') });
    const pod = await save(merged, { podName: 'shell-pod' });
    const { client, sessionId, status } = await openAndSettle(merged, pod.id);
    expect(status.method).toBe('defaultKubeconfig');
    expect(summary(status.attempts)).toEqual(['defaultKubeconfig:opened']);
    await run(client, sessionId, 'echo $((6*7))', /^42\r?$/m);
  });

  it("the record's own kubeconfig, after a skipped default kubeconfig", async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const pod = await save(core, { podName: 'shell-pod' }, { kubeconfig: kube!.kubeconfig({ user: 'cert' }) });
    const { status } = await openAndSettle(core, pod.id);
    expect(summary(status.attempts)).toEqual(['defaultKubeconfig:skipped', 'podKubeconfig:opened']);
    expect(status.kube).toEqual({ namespace: 'default', pod: 'shell-pod', container: 'main', containers: ['main'] });
  });

  it('token auth with the cluster CA; resize reaches the pod; exit 3 is an exit, not a fallback', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const pod = await save(
      core,
      { podName: 'shell-pod', clusterHost: kube!.url, clusterCaData: kube!.caPem, ...sshFields() },
      { token: kube!.users.token.token },
    );
    const { client, sessionId, status } = await openAndSettle(core, pod.id);
    expect(summary(status.attempts)).toEqual(['defaultKubeconfig:skipped', 'podKubeconfig:skipped', 'token:opened']);
    await run(client, sessionId, 'stty size', /^25 90\r?$/m);
    client.send(sessionId, { type: 'resize', size: { cols: 132, rows: 43 } });
    await run(client, sessionId, 'stty size', /^43 132\r?$/m);
    client.send(sessionId, { type: 'write', data: 'exit 3\n' });
    const end = await client.waitFor(() => client.endOf(sessionId));
    expect(end.end).toEqual({ kind: 'exited', code: 3, signal: null });
    // No SSH attempt was made although the record has SSH details.
    expect(summary(client.statusOf(sessionId)!.attempts)).not.toContain('ssh:running');
    expect(client.statusOf(sessionId)!.attempts.map((a) => a.method)).not.toContain('ssh');
  });

  it('in-cluster config from a service-account directory and the environment', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const probe = await newCore();
    const serviceAccount = join(probe.home, 'serviceaccount');
    await mkdir(serviceAccount, { recursive: true });
    await writeFile(join(serviceAccount, 'token'), kube!.users.token.token);
    await writeFile(join(serviceAccount, 'ca.crt'), kube!.caPem);
    await writeFile(join(serviceAccount, 'namespace'), 'default');
    const port = new URL(kube!.url).port;
    const core = await newCore({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, serviceAccount);
    const pod = await save(core, { podName: 'shell-pod' });
    const { status } = await openAndSettle(core, pod.id);
    expect(status.method).toBe('inCluster');
    expect(summary(status.attempts)).toEqual([
      'defaultKubeconfig:skipped',
      'podKubeconfig:skipped',
      'token:skipped',
      'inCluster:opened',
    ]);
  });

  it('opens the default container of a multi-container pod, or the one picked', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const pod = await save(core, { podName: 'multi' }, { kubeconfig: kube!.kubeconfig({ user: 'token' }) });
    const first = await openAndSettle(core, pod.id);
    expect(first.status.kube).toMatchObject({ container: 'sidecar', containers: ['app', 'sidecar'] });
    const picked = await openAndSettle(core, pod.id, new RecordingClient(), 'app');
    expect(picked.status.kube?.container).toBe('app');
    expect(kube!.execRequests.at(-1)).toMatchObject({ pod: 'multi', container: 'app' });
  });
});

describe('fallback to SSH', () => {
  it('when the API server is down: the attempt says refused, SSH opens, the record keeps every field', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const deadPort = await findFreePort();
    const pod = await save(
      core,
      { podName: 'shell-pod', clusterHost: `https://127.0.0.1:${deadPort}`, ...sshFields() },
      { token: 'some-token' },
    );
    const started = Date.now();
    const { status } = await openAndSettle(core, pod.id);
    const took = Date.now() - started;
    expect(status.method).toBe('ssh');
    expect(summary(status.attempts)).toEqual([
      'defaultKubeconfig:skipped',
      'podKubeconfig:skipped',
      'token:failed',
      'inCluster:skipped',
      'ssh:opened',
    ]);
    expect(status.attempts[2]!.detail).toMatch(/refused/i);
    // A refused connection costs milliseconds, not a timeout.
    expect(took).toBeLessThan(5_000);
    const after = await core.core.dispatch('pods.get', { id: pod.id }, new RecordingClient());
    expect(after).toMatchObject({
      ok: true,
      result: { clusterHost: `https://127.0.0.1:${deadPort}`, storedSecrets: { token: true } },
    });
  });

  it('from a silent cluster after the short reach deadline, waiting for it only once', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    // A black hole on loopback: accepts TCP, never speaks TLS (like a host behind a dropping firewall).
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      // The default bounds: nothing here shortens them.
      const core = await newCore();
      // Two methods aim at the same silent server: the record's kubeconfig and its token.
      const pod = await save(
        core,
        { podName: 'shell-pod', clusterHost: silentUrl, clusterCaData: kube!.caPem, ...sshFields() },
        { token: 'some-token', kubeconfig: kube!.kubeconfig({ user: 'token' }).replaceAll(kube!.url, silentUrl) },
      );
      const started = Date.now();
      const { status } = await openAndSettle(core, pod.id);
      const took = Date.now() - started;
      expect(summary(status.attempts)).toEqual([
        'defaultKubeconfig:skipped',
        'podKubeconfig:failed',
        'token:skipped',
        'inCluster:skipped',
        'ssh:opened',
      ]);
      const [, podKubeconfig, token] = status.attempts;
      expect(podKubeconfig!.detail).toMatch(
        new RegExp(
          `^cannot reach the API server at ${silentUrl}: no connection within ${DEFAULT_REACH_TIMEOUT_MS / 1000} s`,
        ),
      );
      expect(podKubeconfig!.durationMs).toBeGreaterThanOrEqual(DEFAULT_REACH_TIMEOUT_MS - 50);
      expect(token!.detail).toBe(
        `the API server at ${silentUrl} could not be reached a moment ago (pod's kubeconfig); not waiting for it again`,
      );
      // One reach deadline, then SSH: well inside one pod-read timeout, which is what a silent host used to cost.
      expect(took).toBeLessThan(DEFAULT_POD_READ_TIMEOUT_MS);

      // Refresh walks the same methods and waits for the silent server only once too.
      const { checked } = await core.request('pods.refresh', { id: pod.id });
      expect(checked.map((entry) => `${entry.method}:${entry.outcome}`)).toEqual([
        'defaultKubeconfig:skipped',
        'podKubeconfig:failed',
        'token:skipped',
        'inCluster:skipped',
      ]);
      expect(checked[2]!.detail).toBe(token!.detail);
    } finally {
      silent.close();
    }
  });

  it('when the token is rejected (401), with a message that says so', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const pod = await save(
      core,
      { podName: 'shell-pod', clusterHost: kube!.url, clusterCaData: kube!.caPem, ...sshFields() },
      { token: 'not-a-valid-token' },
    );
    const { status } = await openAndSettle(core, pod.id);
    expect(status.method).toBe('ssh');
    const token = status.attempts.find((attempt) => attempt.method === 'token')!;
    expect(token.outcome).toBe('failed');
    expect(token.detail).toMatch(/401|rejected|Unauthorized/i);
    expect(token.detail).not.toContain('not-a-valid-token');
  });

  it('when the pod is gone', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const pod = await save(
      core,
      { podName: 'replaced-pod', ...sshFields() },
      { kubeconfig: kube!.kubeconfig({ user: 'token' }) },
    );
    const { status } = await openAndSettle(core, pod.id);
    expect(status.method).toBe('ssh');
    expect(status.attempts.find((attempt) => attempt.method === 'podKubeconfig')!.detail).toMatch(
      /pod "replaced-pod" not found in namespace "default"/,
    );
  });

  it('not when there is nothing to fall back to: the session fails with every reason', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const pod = await save(core, { podName: 'distroless' }, { kubeconfig: kube!.kubeconfig({ user: 'token' }) });
    const { end } = await openAndSettle(core, pod.id);
    expect(end?.end.kind).toBe('failed');
    if (end?.end.kind === 'failed') expect(end.end.message).toMatch(/no shell/i);
  });
});

describe('Refresh', () => {
  it('reads the pod through the default kubeconfig and stores the cluster host and that kubeconfig', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const probe = await newCore();
    await mkdir(probe.home, { recursive: true });
    const file = join(probe.home, 'config.yaml');
    await writeFile(file, kube!.kubeconfig({ user: 'token' }));
    const core = await newCore({ KUBECONFIG: file });
    const pod = await save(core, { podName: 'multi' });
    const reply = await core.core.dispatch('pods.refresh', { id: pod.id }, new RecordingClient());
    expect(reply.ok).toBe(true);
    const result = (reply as { result: PodRefreshResult }).result;
    expect(result).toMatchObject({
      found: true,
      method: 'defaultKubeconfig',
      pod: { phase: 'Running', containers: ['app', 'sidecar'], defaultContainer: 'sidecar' },
    });
    expect(result.record.clusterHost).toBe(kube!.url);
    expect(result.record.storedSecrets.kubeconfig).toBe(true);
  });

  it('says a pod is gone and changes nothing', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const pod = await save(
      core,
      { podName: 'gone-pod', notes: 'keep me' },
      { kubeconfig: kube!.kubeconfig({ user: 'token' }) },
    );
    const result = await core.request('pods.refresh', { id: pod.id });
    expect(result.found).toBe(false);
    expect(result.message).toMatch(/no longer exists/);
    // Every field as it was; only the status dot learned that the pod is gone.
    expect(await core.request('pods.get', { id: pod.id })).toEqual({
      ...pod,
      lastStatus: 'gone',
      lastStatusAt: expect.any(Number),
      lastStatusDetail: expect.stringMatching(/no longer exists/),
    });
  });
});
