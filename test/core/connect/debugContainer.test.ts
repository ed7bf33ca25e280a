/**
 * "Debug with an ephemeral container" through the real core against the test API server: the container is added
 * aimed at the record's container, its states show in the attempt log, the tab attaches to its shell (which sees the
 * target's processes), a reconnect re-attaches to the same one, and each refusal says what is wrong and how to fix it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodFieldsInput } from '../../../common/pods';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { startKubeApiServer, targetCommandLine, type KubeApiServer } from '../../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../../harness/skipReasons';

let kube: KubeApiServer | null = null;
const cores: TestCore[] = [];

beforeAll(async () => {
  kube = await startKubeApiServer();
});
afterAll(async () => {
  for (const core of cores) await core.cleanup();
  await kube?.stop();
});

async function newCore(): Promise<TestCore> {
  const core = await createTestCore();
  cores.push(core);
  return core;
}

/** A token-auth record for a pod of the test server. */
async function tokenRecord(core: TestCore, fields: Partial<PodFieldsInput>) {
  return core.request('pods.save', {
    fields: { name: 'pod', clusterHost: kube!.url, clusterCaData: kube!.caPem, ...fields },
    secrets: { token: kube!.users.token.token },
  });
}

async function open(core: TestCore, podId: string, debug?: { reattach?: string }, client = new RecordingClient()) {
  const { sessionId } = await core.request(
    'sessions.open',
    { podId, size: { cols: 100, rows: 30 }, ...(debug ? { debug } : {}) },
    client,
  );
  const settled = await core.settle(client, sessionId, { timeoutMs: 30_000 });
  return { client, sessionId, ...settled };
}

/** Every detail the session's attempts showed, in order, de-duplicated: the progress the attempt log went through. */
function detailsSeen(client: RecordingClient, sessionId: number): string[] {
  const seen: string[] = [];
  for (const event of client.events.get(sessionId) ?? []) {
    if (event.type !== 'status') continue;
    for (const attempt of event.status.attempts) {
      if (attempt.detail && !seen.includes(attempt.detail)) seen.push(attempt.detail);
    }
  }
  return seen;
}

async function run(client: RecordingClient, sessionId: number, command: string, expected: RegExp) {
  client.send(sessionId, { type: 'write', data: `${command}\r` });
  return client.waitFor(() => expected.exec(client.output(sessionId)));
}

const skip = () => (kube ? null : NO_KUBE_API_SERVER);

describe('debug containers', () => {
  it('a pod without a shell says so and offers one; the debug shell sees the target container process', async (context) => {
    if (skip()) return context.skip(skip()!);
    const core = await newCore();
    const pod = await tokenRecord(core, { podName: 'distroless' });

    const plain = await open(core, pod.id);
    expect(plain.end?.end).toMatchObject({ kind: 'failed', noShell: true });

    const patchesBefore = kube!.debugContainers.requests.length;
    // Held in ContainerCreating until the attempt log has shown it.
    kube!.debugContainers.controls.holdWaiting = true;
    const client = new RecordingClient();
    const { sessionId } = await core.request(
      'sessions.open',
      { podId: pod.id, size: { cols: 100, rows: 30 }, debug: {} },
      client,
    );
    await client.waitFor(() =>
      detailsSeen(client, sessionId).some((detail) => detail.endsWith(': waiting (ContainerCreating)')),
    );
    kube!.debugContainers.releaseWaiting();
    const { status, end } = await core.settle(client, sessionId, { timeoutMs: 30_000 });
    expect(end).toBeUndefined();
    expect(status.kube).toMatchObject({
      namespace: 'default',
      pod: 'distroless',
      container: 'app',
      debugContainer: { name: expect.stringMatching(/^podterm-debug-[a-z0-9]{5}$/), image: 'busybox' },
    });
    const name = status.kube!.debugContainer!.name;
    expect(status.target).toContain(`debug container ${name}`);
    // The progress: added, waiting, running, attached; each state as the pod status said it.
    const details = detailsSeen(client, sessionId);
    expect(details).toEqual(
      expect.arrayContaining([
        `adding debug container ${name} (image busybox, target container app)`,
        `debug container ${name}: waiting (ContainerCreating)`,
        `debug container ${name}: running`,
      ]),
    );
    // One strategic merge patch, as kubectl debug sends it.
    const patches = kube!.debugContainers.requests.slice(patchesBefore);
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({
      method: 'PATCH',
      contentType: 'application/strategic-merge-patch+json',
      code: 200,
      body: {
        spec: { ephemeralContainers: [{ name, image: 'busybox', targetContainerName: 'app', stdin: true, tty: true }] },
      },
    });
    expect(kube!.debugContainers.attachRequests.at(-1)).toMatchObject({ container: name, stdin: true, tty: true });

    await run(client, sessionId, 'ps -eo pid,args', new RegExp(targetCommandLine('distroless', 'app')));
    const target = await kube!.debugContainers.targetOf('default', 'distroless', 'app');
    if (target?.isolated) expect(client.output(sessionId)).toMatch(/^\s*1 distroless\/app-main-process/m);
  });

  it('reconnecting re-attaches to the same debug container while it runs, and adds a new one once it ended', async (context) => {
    if (skip()) return context.skip(skip()!);
    const core = await newCore();
    const pod = await tokenRecord(core, { podName: 'shell-pod' });
    const first = await open(core, pod.id, {});
    const name = first.status.kube!.debugContainer!.name;
    const [, pid] = (await run(first.client, first.sessionId, 'echo "pid-$$"', /pid-(\d+)\r?\n/))!;
    // The tab closes (or its connection drops): the container's shell keeps running.
    await core.request('sessions.close', { sessionId: first.sessionId }, first.client);
    expect(kube!.debugContainers.processOf('default', 'shell-pod', name)?.running).toBe(true);

    const patchesBefore = kube!.debugContainers.requests.length;
    const again = await open(core, pod.id, { reattach: name });
    expect(again.end).toBeUndefined();
    expect(again.status.kube?.debugContainer?.name).toBe(name);
    expect(detailsSeen(again.client, again.sessionId)).toContain(`re-attaching to debug container ${name} (running)`);
    expect(kube!.debugContainers.requests.length).toBe(patchesBefore);
    await run(again.client, again.sessionId, 'echo "again-$$"', new RegExp(`again-${pid}\\r?\\n`));

    // Its shell exits: the container ends, and the next reconnect adds a new one.
    again.client.send(again.sessionId, { type: 'write', data: 'exit\r' });
    const ended = await again.client.waitFor(() => again.client.endOf(again.sessionId));
    expect(ended.end).toMatchObject({ kind: 'exited', code: 0 });
    await again.client.waitFor(() => kube!.debugContainers.processOf('default', 'shell-pod', name)?.running === false);
    const third = await open(core, pod.id, { reattach: name });
    expect(third.end).toBeUndefined();
    expect(third.status.kube?.debugContainer?.name).not.toBe(name);
    expect(detailsSeen(third.client, third.sessionId).join('\n')).toMatch(
      new RegExp(`debug container ${name} has terminated \\(exit code 0, Completed\\); adding a new one`),
    );
  });

  it('takes the image of the record context from the settings', async (context) => {
    if (skip()) return context.skip(skip()!);
    const core = await newCore();
    await core.request('settings.save', { debugImage: 'busybox:1.37', debugImageByContext: { test: 'busybox:1.36' } });
    const pod = await core.request('pods.save', {
      fields: { name: 'pod', podName: 'shell-pod' },
      secrets: { kubeconfig: kube!.kubeconfig({ user: 'token' }) },
    });
    const { status } = await open(core, pod.id, {});
    expect(status.kube?.debugContainer?.image).toBe('busybox:1.36');
  });

  describe('refusals, each with its fix', () => {
    it('RBAC: names the verb and the resource', async (context) => {
      if (skip()) return context.skip(skip()!);
      kube!.debugContainers.controls.refuse = 'forbidden';
      try {
        const core = await newCore();
        const pod = await tokenRecord(core, { podName: 'distroless' });
        const { end } = await open(core, pod.id, {});
        expect(end?.end.kind).toBe('failed');
        const message = (end?.end as { message: string }).message;
        expect(message).toContain('cannot patch resource "pods/ephemeralcontainers"');
        expect(message).toContain(
          'Ask the cluster admin for RBAC permission to patch pods/ephemeralcontainers (verb "patch", resource "pods/ephemeralcontainers") in namespace "default"',
        );
        expect(message).not.toContain(kube!.users.token.token);
        // The record's own shell is not in question: its status stays unchecked rather than turning red.
        expect((await core.request('pods.get', { id: pod.id })).lastStatus).toBeNull();
      } finally {
        kube!.debugContainers.controls.refuse = null;
      }
    });

    it('a cluster too old to have the subresource', async (context) => {
      if (skip()) return context.skip(skip()!);
      kube!.debugContainers.controls.refuse = 'absent';
      try {
        const core = await newCore();
        const pod = await tokenRecord(core, { podName: 'distroless' });
        const { end } = await open(core, pod.id, {});
        expect((end?.end as { message: string }).message).toMatch(
          /has no ephemeral containers \(404 on pods\/ephemeralcontainers\): the cluster is too old.*Kubernetes 1\.23 or newer/,
        );
      } finally {
        kube!.debugContainers.controls.refuse = null;
      }
    });

    it('an image that cannot be pulled: the waiting reason, and where to change the image', async (context) => {
      if (skip()) return context.skip(skip()!);
      kube!.debugContainers.controls.unpullableImages.add('registry.invalid/tools:1');
      const core = await newCore();
      await core.request('settings.save', { debugImage: 'registry.invalid/tools:1' });
      const pod = await tokenRecord(core, { podName: 'distroless' });
      const { end } = await open(core, pod.id, {});
      const message = (end?.end as { message: string }).message;
      expect(message).toMatch(
        /^The debug image "registry\.invalid\/tools:1" cannot be pulled \((ErrImagePull|ImagePullBackOff): /,
      );
      expect(message).toContain('Check the debug image setting');
    });

    it('a pod that is not running', async (context) => {
      if (skip()) return context.skip(skip()!);
      const core = await newCore();
      const pod = await tokenRecord(core, { podName: 'api-canary-2', namespace: 'prod' });
      const before = kube!.debugContainers.requests.length;
      const { end } = await open(core, pod.id, {});
      expect((end?.end as { message: string }).message).toContain(
        'Pod prod/api-canary-2 is not running (phase Pending): a debug container can only join a running pod.',
      );
      expect(kube!.debugContainers.requests.length).toBe(before);
    });
  });
});
