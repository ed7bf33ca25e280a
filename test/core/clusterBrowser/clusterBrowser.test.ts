/**
 * The cluster browser and selector records through the real core, against the test API server, with a default
 * kubeconfig of two contexts: one whose token works and one the server refuses (401).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterContextList } from '../../../common/clusters';
import type { PodFieldsInput, PodView } from '../../../common/pods';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { devAndExpiredKubeconfig, startKubeApiServer, type KubeApiServer } from '../../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../../harness/skipReasons';

let kube: KubeApiServer | null = null;
let core: TestCore;
let scratch: string;
const client = new RecordingClient();

beforeAll(async () => {
  kube = await startKubeApiServer();
  if (!kube) return;
  scratch = await mkdtemp(join(tmpdir(), 'podterm-clusters-'));
  const file = join(scratch, 'kubeconfig.yaml');
  await writeFile(file, devAndExpiredKubeconfig(kube));
  core = await createTestCore({ KUBECONFIG: file });
});
afterAll(async () => {
  await core?.cleanup();
  await kube?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function savePod(fields: Partial<PodFieldsInput>): Promise<PodView> {
  return core.request('pods.save', { fields: { name: 'selector pod', ...fields } }, client);
}

async function openAndSettle(podId: string) {
  const { sessionId } = await core.request('sessions.open', { podId, size: { cols: 80, rows: 24 } }, client);
  return { sessionId, ...(await core.settle(client, sessionId)) };
}

describe('cluster browser', () => {
  it('lists the default kubeconfig contexts with server, namespace, auth kind and the current one', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const list = await core.request('clusters.contexts', {}, client);
    expect(list.problems).toEqual([]);
    expect(list.contexts).toEqual([
      {
        ref: { source: 'default', name: 'dev' },
        name: 'dev',
        server: kube.url,
        namespace: 'default',
        authKind: 'token',
        current: true,
        origin: expect.stringContaining('kubeconfig.yaml'),
      },
      expect.objectContaining({ ref: { source: 'default', name: 'expired' }, namespace: 'prod', current: false }),
    ]);
  });

  it('lists namespaces, then pods with phase, ready containers, restarts and age', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const dev = { source: 'default', name: 'dev' } as const;
    expect(await core.request('clusters.namespaces', { context: dev }, client)).toEqual({
      namespaces: ['default', 'kube-system', 'prod'],
      partial: null,
    });
    const pods = await core.request('clusters.pods', { context: dev, namespace: 'default' }, client);
    const row = (name: string) => pods.find((pod) => pod.name === name)!;
    expect(pods.map((pod) => pod.name)).toEqual(['distroless', 'finished', 'multi', 'shell-pod']);
    expect(row('multi')).toMatchObject({
      phase: 'Running',
      status: 'Running',
      ready: '2/2',
      allReady: true,
      restarts: 2,
      containers: ['app', 'sidecar'],
      defaultContainer: 'sidecar',
      labels: { app: 'multi' },
    });
    expect(row('finished')).toMatchObject({ phase: 'Succeeded', status: 'Completed', ready: '0/1', allReady: false });
    // Created 42 minutes before the server started (the fixture's age), give or take the test's own run time.
    const ageMinutes = (Date.now() - row('shell-pod').createdAt) / 60_000;
    expect(ageMinutes).toBeGreaterThan(41);
    expect(ageMinutes).toBeLessThan(45);

    const prod = await core.request('clusters.pods', { context: dev, namespace: 'prod' }, client);
    expect(prod.map((pod) => [pod.name, pod.status, pod.ready, pod.restarts])).toEqual([
      ['api-0', 'Running', '1/1', 0],
      ['api-canary-1', 'Running', '0/1', 4],
      ['api-canary-2', 'ContainerCreating', '0/1', 0],
    ]);
  });

  it('answers a refused context with the access module message, and keeps the other usable', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const reply = await core.core.dispatch(
      'clusters.namespaces',
      { context: { source: 'default', name: 'expired' } },
      client,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(!reply.ok && reply.error.message).toBe(
      `the API server at ${kube.url} did not accept the credentials of context expired from ${join(scratch, 'kubeconfig.yaml')} (401 Unauthorized). The token or certificate may have expired or been revoked: get a new one.`,
    );
    const missing = await core.core.dispatch(
      'clusters.pods',
      { context: { source: 'default', name: 'nope' }, namespace: 'default' },
      client,
    );
    expect(!missing.ok && missing.error.message).toMatch(/^context "nope" is not defined in/);
    expect(
      (await core.request('clusters.namespaces', { context: { source: 'default', name: 'dev' } }, client)).namespaces,
    ).toHaveLength(3);
  });
});

describe('a broken default kubeconfig', () => {
  it('is reported as a problem naming the file, and the list still answers', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const broken = join(scratch, 'broken.yaml');
    await writeFile(broken, 'clusters: [this is: not valid\n');
    const other = await createTestCore({ KUBECONFIG: broken });
    try {
      const reply = await other.core.dispatch('clusters.contexts', {}, client);
      expect(reply).toMatchObject({ ok: true, result: { contexts: [] } });
      const list = (reply as { result: ClusterContextList }).result;
      expect(list.problems).toHaveLength(1);
      expect(list.problems[0]).toContain(broken);
    } finally {
      await other.cleanup();
    }
  });
});

describe('imported contexts in the cluster browser', () => {
  it('lists an imported context after the default ones and browses it by id', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const text = kube.kubeconfig({ user: 'cert', contextName: 'staging', namespace: 'prod' });
    await core.request(
      'kubeconfigs.import',
      { files: [{ fileName: 'staging.yaml', text }], selected: [['staging']] },
      client,
    );
    const list = await core.request('clusters.contexts', {}, client);
    const imported = list.contexts.find((entry) => entry.ref.source === 'imported');
    expect(imported).toMatchObject({
      name: 'staging',
      server: kube.url,
      namespace: 'prod',
      authKind: 'clientCert',
      current: false,
      origin: 'imported from staging.yaml',
    });
    const pods = await core.request('clusters.pods', { context: imported!.ref, namespace: 'prod' }, client);
    expect(pods.map((pod) => pod.name)).toEqual(['api-0', 'api-canary-1', 'api-canary-2']);
  });
});

describe('records that follow a workload by label selector', () => {
  it('connects to the newest Running, Ready pod the selector matches, and says which', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const record = await savePod({ namespace: 'prod', labelSelector: 'app=api', kubeContext: 'dev' });
    expect(record).toMatchObject({ podName: null, labelSelector: 'app=api' });
    const { status, end } = await openAndSettle(record.id);
    expect(end).toBeUndefined();
    expect(status.target).toBe('prod/api-0 (container api), picked by app=api');
    expect(status.kube).toMatchObject({ namespace: 'prod', pod: 'api-0', container: 'api' });
    expect(kube.execRequests.at(-1)).toMatchObject({ namespace: 'prod', pod: 'api-0', container: 'api' });
  });

  it('fails with the counts when no matching pod is Running and Ready', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const record = await savePod({ namespace: 'prod', labelSelector: 'app=api,track=canary', kubeContext: 'dev' });
    const { end, status } = await openAndSettle(record.id);
    expect(end).toBeDefined();
    const detail = status.attempts.find((attempt) => attempt.method === 'defaultKubeconfig')?.detail;
    expect(detail).toBe(
      'no Running, Ready pod matches app=api,track=canary in namespace prod (2 pods match: 1 Pending, 1 not ready). Wait for the rollout, or look at the pods (kubectl get pods -n prod -l app=api,track=canary).',
    );
    const none = await savePod({ namespace: 'prod', labelSelector: 'app=nothing', kubeContext: 'dev' });
    const nothing = await openAndSettle(none.id);
    expect(nothing.status.attempts[0]?.detail).toMatch(/^no pod matches app=nothing in namespace prod\./);
  });

  it('Refresh reports the pod the selector would pick', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const record = await savePod({ namespace: 'prod', labelSelector: 'app=api', kubeContext: 'dev' });
    const result = await core.request('pods.refresh', { id: record.id }, client);
    expect(result.found).toBe(true);
    expect(result.message).toMatch(/^Found prod\/api-0 \(picked by app=api; 3 matching\): Running, container api/);
    expect(result.record).toMatchObject({ podName: null, labelSelector: 'app=api' });
  });

  it('validates the selector with a message that names the bad term', async () => {
    const reply = await core.core.dispatch(
      'pods.save',
      { fields: { name: 'bad', namespace: 'prod', labelSelector: 'app=api,=web' } },
      client,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalidPayload' } });
    expect(!reply.ok && reply.error.fieldErrors?.['fields.labelSelector']).toBe(
      '"=web": a term needs a label key, e.g. app=api. Use comma-separated key=value, key!=value, key or !key terms (e.g. app=api,tier!=canary)',
    );
    const neither = await core.core.dispatch('pods.save', { fields: { name: 'empty' } }, client);
    expect(!neither.ok && neither.error.fieldErrors?.['fields.podName']).toBe(
      'give a pod name or a label selector (Kubernetes), or an SSH host',
    );
  });
});
