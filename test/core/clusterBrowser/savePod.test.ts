/**
 * `clusters.savePod` against a real store (SQLite file, AES-GCM secret box): the record for a browsed pod or its
 * workload, found or created in one transaction (two quick clicks make one record), which records count as the same
 * target, a link to an imported context, and the payload checks through the core.
 */
import { describe, expect, it } from 'vitest';
import { ContractError, type ClusterSavePodRequest } from '../../../common/contract';
import type { ClusterContextRef } from '../../../common/clusters';
import { savePodRecord } from '../../../main/core/clusterBrowser';
import { createTestCore, RecordingClient } from '../../harness/core';
import { useStore } from '../../harness/dataDir';

const data = useStore('podterm-save-pod-');

const dev: ClusterContextRef = { source: 'default', name: 'dev' };
const pod = (podName: string, context: ClusterContextRef = dev, namespace = 'default'): ClusterSavePodRequest => ({
  context,
  namespace,
  target: { kind: 'pod', podName },
});
const workload = (labelSelector: string, name: string, namespace = 'prod'): ClusterSavePodRequest => ({
  context: dev,
  namespace,
  target: { kind: 'workload', labelSelector, name },
});

async function importContext(name: string): Promise<string> {
  const { imported } = await data.store.importedKubeconfigs.importAll([
    {
      name,
      originalName: name,
      fileName: `${name}.yaml`,
      server: 'https://10.0.0.1:6443',
      namespace: null,
      user: null,
      authKind: 'token',
      content: 'apiVersion: v1\nkind: Config\n',
    },
  ]);
  return imported[0]!.id;
}

describe('savePodRecord', () => {
  it('names the record after the first 100 characters of a longer pod name, and keeps the pod name whole', async () => {
    const longName = `${'a'.repeat(60)}-${'b'.repeat(60)}`;
    const saved = await savePodRecord(data.store.pods, pod(longName));
    expect(saved.record).toMatchObject({ name: longName.slice(0, 100), podName: longName });
  });

  it('creates the record for a pod in a default kubeconfig context, then finds it again', async () => {
    const first = await savePodRecord(data.store.pods, pod('multi'));
    expect(first.created).toBe(true);
    expect(first.record).toMatchObject({
      name: 'multi',
      namespace: 'default',
      podName: 'multi',
      labelSelector: null,
      kubeContext: 'dev',
      kubeconfigId: null,
    });
    expect(await savePodRecord(data.store.pods, pod('multi'))).toEqual({ record: first.record, created: false });
    expect(data.store.pods.list()).toHaveLength(1);
  });

  it('makes one record when the same pod is saved twice at once (Save, then Open, quickly)', async () => {
    const [one, two] = await Promise.all([
      savePodRecord(data.store.pods, pod('shell-pod')),
      savePodRecord(data.store.pods, pod('shell-pod')),
    ]);
    expect([one.created, two.created].sort()).toEqual([false, true]);
    expect(one.record.id).toBe(two.record.id);
    expect(data.store.pods.list()).toHaveLength(1);
  });

  it('reuses only a record with the same target: pod or selector, namespace, context', async () => {
    const original = (await savePodRecord(data.store.pods, pod('api-0', dev, 'prod'))).record;
    // A record saved by hand with the same pod, namespace and context counts, whatever its name or other fields.
    const byHand = await data.store.pods.save({
      fields: {
        name: 'my api',
        namespace: 'default',
        podName: 'shell-pod',
        kubeContext: 'dev',
        sshHost: 'h.example.com',
        sshUser: 'me',
        insecureSkipTlsVerify: false,
        sshAllowProxyCommand: false,
        sshPort: 22,
        sshAuthKind: 'password',
      },
      secrets: {},
    });
    expect(await savePodRecord(data.store.pods, pod('shell-pod'))).toEqual({ record: byHand, created: false });

    const others = [
      pod('api-0', dev, 'default'),
      pod('api-0', { source: 'default', name: 'staging' }, 'prod'),
      workload('app=api', 'api workload'),
    ];
    for (const request of others) {
      const { record, created } = await savePodRecord(data.store.pods, request);
      expect(created).toBe(true);
      expect(record.id).not.toBe(original.id);
    }
    const follows = data.store.pods.list().find((record) => record.labelSelector === 'app=api')!;
    expect(follows).toMatchObject({ name: 'api workload', namespace: 'prod', podName: null, kubeContext: 'dev' });
    expect(await savePodRecord(data.store.pods, workload('app=api', 'renamed workload'))).toEqual({
      record: follows,
      created: false,
    });
    expect(data.store.pods.list()).toHaveLength(5);
  });

  it('links a pod of an imported context by its id, and says so when that context was removed', async () => {
    const id = await importContext('prod-import');
    const imported: ClusterContextRef = { source: 'imported', id };
    const { record } = await savePodRecord(data.store.pods, pod('api-0', imported, 'prod'));
    expect(record).toMatchObject({ podName: 'api-0', kubeconfigId: id, kubeContext: null });
    // The same pod through the default kubeconfig is another target.
    expect((await savePodRecord(data.store.pods, pod('api-0', dev, 'prod'))).created).toBe(true);
    expect(await savePodRecord(data.store.pods, pod('api-0', imported, 'prod'))).toEqual({ record, created: false });

    const gone = await importContext('gone-import');
    data.store.importedKubeconfigs.remove(gone);
    const before = data.store.pods.list();
    const failure = savePodRecord(data.store.pods, pod('api-0', { source: 'imported', id: gone }, 'prod'));
    await expect(failure).rejects.toBeInstanceOf(ContractError);
    await expect(failure).rejects.toMatchObject({ code: 'invalidPayload', message: /was removed/ });
    expect(data.store.pods.list()).toEqual(before);
  });
});

describe('clusters.savePod through the core', () => {
  it('answers the record, and refuses a payload the pod form would refuse, naming the field', async () => {
    const test = await createTestCore();
    try {
      const client = new RecordingClient();
      const saved = await test.core.dispatch('clusters.savePod', pod('multi'), client);
      expect(saved).toMatchObject({ ok: true, result: { created: true, record: { podName: 'multi' } } });
      const listed = await test.core.dispatch('pods.list', {}, client);
      expect(listed.ok && listed.result).toHaveLength(1);

      expect(await test.core.dispatch('clusters.savePod', pod('Not_A_Pod'), client)).toMatchObject({
        ok: false,
        error: { code: 'invalidPayload', fieldErrors: { 'target.podName': expect.stringMatching(/lowercase/) } },
      });
      expect(await test.core.dispatch('clusters.savePod', pod(''), client)).toMatchObject({
        ok: false,
        error: { code: 'invalidPayload', fieldErrors: { 'target.podName': 'give the pod name' } },
      });
      expect(await test.core.dispatch('clusters.savePod', workload('app in (api)', 'x'), client)).toMatchObject({
        ok: false,
        error: { code: 'invalidPayload', fieldErrors: { 'target.labelSelector': expect.any(String) } },
      });
      const extra = { ...pod('multi'), fields: { sshHost: 'h' } };
      expect(await test.core.dispatch('clusters.savePod', extra, client)).toMatchObject({
        ok: false,
        error: { code: 'invalidPayload' },
      });
    } finally {
      await test.cleanup();
    }
  });
});
