/**
 * The one definition of "ready" (kube/api/podReadiness.ts) that Refresh, the cluster browser and a selector's pick all
 * use, case by case as `kubectl get pods` shows them; then Refresh and the cluster browser agreeing on the same pods of
 * the real test API server.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readinessOf } from '../../../../main/core/kube/api';
import { createTestCore, type TestCore } from '../../../harness/core';
import { startKubeApiServer, type KubeApiServer } from '../../../harness/kubeApiServer';
import { missingServer } from '../../../harness/skipReasons';

function pod(options: {
  phase?: string;
  ready?: boolean[];
  condition?: 'True' | 'False';
  deleting?: boolean;
  extraStatus?: boolean;
}): V1Pod {
  const ready = options.ready ?? [true];
  return {
    metadata: { name: 'p', ...(options.deleting ? { deletionTimestamp: new Date() } : {}) },
    spec: { containers: ready.map((_, index) => ({ name: `c${index}` })) },
    status: {
      phase: options.phase ?? 'Running',
      ...(options.condition ? { conditions: [{ type: 'Ready', status: options.condition }] } : {}),
      containerStatuses: [
        ...ready.map((isReady, index) => ({
          name: `c${index}`,
          ready: isReady,
          image: 'x',
          imageID: '',
          restartCount: 0,
        })),
        // An init or ephemeral container's status is not one of the pod's containers: kubectl does not count it.
        ...(options.extraStatus ? [{ name: 'debugger', ready: true, image: 'x', imageID: '', restartCount: 0 }] : []),
      ],
    },
  };
}

describe('readinessOf', () => {
  it('is ready when Running with every container ready (2/2), with or without a reported Ready condition', () => {
    expect(readinessOf(pod({ ready: [true, true] }))).toEqual({ readyContainers: 2, totalContainers: 2, ready: true });
    expect(readinessOf(pod({ ready: [true, true], condition: 'True' })).ready).toBe(true);
  });

  it('is not ready with a container not ready (1/2), a Ready condition False, a deletion, or another phase', () => {
    expect(readinessOf(pod({ ready: [true, false], condition: 'True' }))).toEqual({
      readyContainers: 1,
      totalContainers: 2,
      ready: false,
    });
    expect(readinessOf(pod({ ready: [true], condition: 'False' })).ready).toBe(false);
    expect(readinessOf(pod({ deleting: true })).ready).toBe(false);
    expect(readinessOf(pod({ phase: 'Succeeded', ready: [false] })).ready).toBe(false);
    expect(readinessOf(pod({ phase: 'Pending', ready: [true] })).ready).toBe(false);
  });

  it("counts only the pod's own containers, as kubectl's READY column does", () => {
    expect(readinessOf(pod({ ready: [true], extraStatus: true }))).toEqual({
      readyContainers: 1,
      totalContainers: 1,
      ready: true,
    });
  });
});

describe('Refresh and the cluster browser agree', () => {
  let kube: KubeApiServer | null = null;
  let core: TestCore;
  beforeAll(async () => {
    kube = await startKubeApiServer();
    core = await createTestCore();
  });
  afterAll(async () => {
    await core?.cleanup();
    await kube?.stop();
  });

  it('on every pod of the test cluster', async (context) => {
    const reason = missingServer({ kube });
    if (reason) return context.skip(reason);
    const files = [{ fileName: 'agree.yaml', text: kube!.kubeconfig({ user: 'token', contextName: 'agree' }) }];
    const { imported } = await core.request('kubeconfigs.import', { files, selected: [['agree']] });
    const ref = { source: 'imported' as const, id: imported[0]!.id };
    for (const namespace of ['default', 'prod']) {
      const browsed = await core.request('clusters.pods', { context: ref, namespace });
      for (const listed of browsed) {
        const record = await core.request('pods.save', {
          fields: { name: `${namespace}/${listed.name}`, namespace, podName: listed.name, kubeconfigId: ref.id },
          secrets: {},
        });
        const refreshed = await core.request('pods.refresh', { id: record.id });
        expect({ pod: listed.name, ready: refreshed.pod?.ready }).toEqual({ pod: listed.name, ready: listed.allReady });
      }
    }
  });
});
