/**
 * The sidebar's status dot and Duplicate, through the real store and core: the status a Refresh stores (against the
 * test API server) and a connection stores, duplicating a record with its secrets, and pods.list over ten thousand
 * records. Migration 0060 has its own test (test/core/store/migrations/0060-add-pod-status.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PodRefreshResult } from '../../../common/contract';
import { podSaveSchema, type PodSummary, type PodView } from '../../../common/pods';
import type { Store } from '../../../main/core/store/index';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { makeScratch, openDataDir, type Scratch } from '../../harness/dataDir';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kubeApiServer';
import { findFreePort } from '../../harness/sshd';

const T0 = 1_700_000_000_000;
const SECRETS = {
  kubeconfig: 'apiVersion: v1\nkind: Config\n',
  token: 'eyJhbGciOiJSUzI1NiJ9.token',
  sshPassword: 'hunter2',
  sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
  sshPassphrase: 'open sesame',
};

const scratches: Scratch[] = [];
afterEach(async () => {
  for (const scratch of scratches.splice(0)) await scratch.cleanup();
});

async function newStore(now: () => number = () => T0): Promise<Store> {
  const scratch = await makeScratch('podterm-status-');
  scratches.push(scratch);
  return openDataDir(scratch.dataDir, { now });
}

describe('status in the repository', () => {
  it('stores a refresh status and a connection as running, without touching updatedAt', async () => {
    const store = await newStore();
    const { id } = await store.pods.save(podSaveSchema.parse({ fields: { name: 'api', podName: 'api-0' } }));
    store.pods.recordStatus(id, 'gone', 'pod default/api-0 not found', T0 + 10);
    expect(store.pods.get(id)).toMatchObject({
      lastStatus: 'gone',
      lastStatusAt: T0 + 10,
      lastStatusDetail: 'pod default/api-0 not found',
      updatedAt: T0,
    });
    store.pods.recordConnection(id, 'ssh', T0 + 20);
    expect(store.pods.get(id)).toMatchObject({
      lastStatus: 'running',
      lastStatusAt: T0 + 20,
      lastConnectedAt: T0 + 20,
    });
    // A long error message is cut for the tooltip; a deleted record is nothing to report.
    store.pods.recordStatus(id, 'error', 'x'.repeat(5_000), T0 + 30);
    expect(store.pods.get(id)?.lastStatusDetail).toHaveLength(500);
    expect(() => store.pods.recordStatus('0b7e3a9c-1d2e-4f5a-8b6c-7d8e9f0a1b2c', 'running', null, T0)).not.toThrow();
    store.close();
  });
});

describe('duplicate', () => {
  it('copies every field and secret under a new id and a "(copy)" name, with no history', async () => {
    let clock = T0;
    const store = await newStore(() => clock);
    const original = await store.pods.save(
      podSaveSchema.parse({
        fields: {
          name: 'prod api',
          namespace: 'prod',
          podName: 'api-0',
          container: 'app',
          kubeContext: 'prod',
          clusterHost: 'https://10.0.0.1:6443',
          sshHost: 'bastion',
          sshUser: 'ops',
          sshAuthKind: 'privateKeyText',
          notes: 'on call',
        },
        secrets: SECRETS,
      }),
    );
    store.pods.recordConnection(original.id, 'ssh', T0 + 5);
    clock = T0 + 1_000;

    const copy = store.pods.duplicate(original.id)!;
    expect(copy.id).not.toBe(original.id);
    const { id: _a, name: _b, createdAt: _c, updatedAt: _d, ...sameFields } = original;
    expect(copy).toMatchObject({
      ...sameFields,
      name: 'prod api (copy)',
      createdAt: T0 + 1_000,
      updatedAt: T0 + 1_000,
      lastConnectedAt: null,
      lastConnectionMethod: null,
      lastStatus: null,
    });
    expect((await store.pods.getForConnect(copy.id))?.secrets).toEqual(SECRETS);
    // The copy is its own record: changing it leaves the original alone.
    await store.pods.save(podSaveSchema.parse({ id: copy.id, fields: { name: 'other', podName: 'x' } }));
    expect(store.pods.get(original.id)?.podName).toBe('api-0');

    expect(store.pods.duplicate(original.id)?.name).toBe('prod api (copy)');
    expect(store.pods.duplicate(original.id)?.name).toBe('prod api (copy 2)');
    expect(store.pods.duplicate('0b7e3a9c-1d2e-4f5a-8b6c-7d8e9f0a1b2c')).toBeNull();
    store.close();
  });

  it('keeps a long name within the contract limit', async () => {
    const store = await newStore();
    const long = await store.pods.save(podSaveSchema.parse({ fields: { name: 'n'.repeat(100), podName: 'a' } }));
    const copy = store.pods.duplicate(long.id)!;
    expect(copy.name).toHaveLength(100);
    expect(copy.name.endsWith(' (copy)')).toBe(true);
    store.close();
  });

  it('answers pods.duplicate through the core, and notFound for an unknown id', async () => {
    const test = await createTestCore();
    try {
      const client = new RecordingClient();
      const saved = await test.core.dispatch('pods.save', { fields: { name: 'a', podName: 'a' } }, client);
      const id = (saved as { result: PodView }).result.id;
      expect(await test.core.dispatch('pods.duplicate', { id }, client)).toMatchObject({
        ok: true,
        result: { name: 'a (copy)', podName: 'a' },
      });
      expect(
        await test.core.dispatch('pods.duplicate', { id: '0b7e3a9c-1d2e-4f5a-8b6c-7d8e9f0a1b2c' }, client),
      ).toMatchObject({ ok: false, error: { code: 'notFound' } });
      expect(await test.core.dispatch('pods.duplicate', { id: 'nope' }, client)).toMatchObject({
        ok: false,
        error: { code: 'invalidPayload' },
      });
    } finally {
      await test.cleanup();
    }
  });
});

describe('Refresh stores the status', () => {
  let kube: KubeApiServer | null = null;
  let core: TestCore | null = null;
  beforeAll(async () => {
    kube = await startKubeApiServer();
    core = await createTestCore();
  });
  afterAll(async () => {
    await core?.cleanup();
    await kube?.stop();
  });

  async function refreshed(podName: string, kubeconfig: string): Promise<PodRefreshResult> {
    const { id } = await core!.request('pods.save', { fields: { name: podName, podName }, secrets: { kubeconfig } });
    return core!.request('pods.refresh', { id });
  }

  it('running, notReady, gone, error and unreachable', async (context) => {
    if (!kube) return context.skip('the test API server needs openssl');
    const good = kube.kubeconfig({ user: 'token' });
    const before = Date.now();
    const running = (await refreshed('shell-pod', good)).record;
    expect(running).toMatchObject({ lastStatus: 'running', lastStatusDetail: 'Running, ready' });
    expect(running.lastStatusAt).toBeGreaterThanOrEqual(before);
    expect((await refreshed('finished', good)).record).toMatchObject({
      lastStatus: 'notReady',
      lastStatusDetail: 'Succeeded',
    });
    expect((await refreshed('no-such-pod', good)).record).toMatchObject({
      lastStatus: 'gone',
      lastStatusDetail: expect.stringMatching(/no longer exists/),
    });
    expect((await refreshed('shell-pod', kube.kubeconfig({ user: 'badToken' }))).record).toMatchObject({
      lastStatus: 'error',
      lastStatusDetail: expect.stringMatching(/401|credentials/i),
    });
    const closedPort = `https://127.0.0.1:${await findFreePort()}`;
    expect((await refreshed('shell-pod', kube.kubeconfig({ user: 'token', server: closedPort }))).record).toMatchObject(
      {
        lastStatus: 'unreachable',
      },
    );
  });
});

describe('ten thousand records', () => {
  it('pods.list with a query answers the matching summaries through the core', async () => {
    // How fast is B7 of `npm run bench` (issue 11: no timing assertion in the tests); this checks what it answers.
    const test = await createTestCore();
    try {
      await seedPods(test.core.store, 10_000);
      const client = new RecordingClient();
      const reply = await test.core.dispatch('pods.list', { query: 'api-77' }, client);
      const names = reply.ok ? (reply.result as PodSummary[]).map((pod) => pod.name) : [];
      // api-77, api-770…api-779, api-7700…api-7799: 111 records, sorted by name.
      expect(names).toHaveLength(111);
      expect(names.slice(0, 3)).toEqual(['api-77', 'api-770', 'api-7700']);
      // Summaries: what the sidebar shows, not whole records.
      expect(reply.ok && (reply.result as Array<Record<string, unknown>>)[0]).not.toHaveProperty('createdAt');
    } finally {
      await test.cleanup();
    }
  });
});

async function seedPods(store: Pick<Store, 'pods'>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await store.pods.save(
      podSaveSchema.parse({ fields: { name: `api-${i}`, namespace: `ns-${i % 20}`, podName: `api-${i}` } }),
    );
  }
}
