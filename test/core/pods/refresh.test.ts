/**
 * Refresh on its own: refreshPod and planRefresh over a real store (SQLite file, AES-GCM secret box) with the chain's
 * Kubernetes methods against the test API server. What it returns, what it stores (and, planned, does not store), a
 * record linked to an imported context, and an unknown id. The chain test covers its walk past silent servers.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../../common/contract';
import { kubeMethods } from '../../../main/core/connect';
import { createAccessResolver } from '../../../main/core/kube/access';
import { planRefresh, refreshPod } from '../../../main/core/pods';
import { createTestCore, RecordingClient } from '../../harness/core';
import { useStore } from '../../harness/dataDir';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kubeApiServer';
import { missingServer } from '../../harness/skipReasons';

let kube: KubeApiServer | null = null;
beforeAll(async () => {
  kube = await startKubeApiServer();
});
afterAll(async () => {
  await kube?.stop();
});
const skipReason = () => missingServer({ kube });

const data = useStore('podterm-refresh-');

/** The chain's Kubernetes methods with a default kubeconfig at `kubeconfigText` (none when null). */
async function methods(kubeconfigText: string | null) {
  const env: NodeJS.ProcessEnv = {};
  if (kubeconfigText !== null) {
    env.KUBECONFIG = join(data.scratch.dir, 'kubeconfig');
    await writeFile(env.KUBECONFIG, kubeconfigText);
  }
  const resolver = createAccessResolver(
    {
      env,
      homeDir: data.scratch.home,
      serviceAccountDir: join(data.scratch.dir, 'no-service-account'),
      loginEnv: async () => env,
    },
    { importedKubeconfigs: data.store.importedKubeconfigs },
  );
  return { resolver, methods: kubeMethods({ resolver }) };
}

const base = {
  namespace: 'default',
  insecureSkipTlsVerify: false,
  sshAllowProxyCommand: false,
  sshPort: 22,
  sshAuthKind: 'password' as const,
};

describe('planRefresh', () => {
  it('returns what Refresh would store, and stores nothing', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const { resolver } = await methods(kube!.kubeconfig({ user: 'token', contextName: 'test-ctx' }));
    const pod = await data.store.pods.save({ fields: { ...base, name: 'multi', podName: 'multi' }, secrets: {} });
    const { result, update } = await planRefresh(pod.id, data.store.pods, resolver);
    expect(result).toMatchObject({
      found: true,
      method: 'defaultKubeconfig',
      access: expect.stringContaining('context test-ctx'),
      pod: { phase: 'Running', containers: ['app', 'sidecar'], defaultContainer: 'sidecar' },
      record: pod,
    });
    expect(result.message).toMatch(/^Found default\/multi: Running, containers app, sidecar \(default sidecar\)/);
    expect(update).toMatchObject({ id: pod.id, fields: { name: 'multi', clusterHost: kube!.url } });
    expect(update!.secrets.kubeconfig).toContain(kube!.url);
    expect(data.store.pods.get(pod.id)).toEqual(pod);
  });

  it('plans nothing for a pod that is gone', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const { resolver } = await methods(kube!.kubeconfig({ user: 'token' }));
    const pod = await data.store.pods.save({ fields: { ...base, name: 'gone', podName: 'replaced-pod' }, secrets: {} });
    const { result, update } = await planRefresh(pod.id, data.store.pods, resolver);
    expect(update).toBeNull();
    expect(result.found).toBe(false);
    expect(result.checked.map((entry) => `${entry.method}:${entry.outcome}`)).toEqual(['defaultKubeconfig:notFound']);
  });
});

describe('refreshPod', () => {
  it('looks a record linked to an imported context up through it, and stores that cluster host', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const {
      imported: [linked],
    } = await data.store.importedKubeconfigs.importAll([
      {
        name: 'imported-test',
        originalName: 'test',
        fileName: 'test.yaml',
        server: kube!.url,
        namespace: 'default',
        user: 'token-user',
        authKind: 'token',
        content: kube!.kubeconfig({ user: 'token', contextName: 'imported-test' }),
      },
    ]);
    const pod = await data.store.pods.save({
      fields: { ...base, name: 'linked', podName: 'shell-pod', kubeconfigId: linked!.id },
      secrets: {},
    });
    // No default kubeconfig: only the import can read the pod.
    const result = await refreshPod(pod.id, data.store.pods, (await methods(null)).methods, () => 1234);
    expect(result).toMatchObject({
      found: true,
      method: 'podKubeconfig',
      access: "the record's kubeconfig (context imported-test)",
    });
    expect(result.record).toMatchObject({
      clusterHost: kube!.url,
      kubeconfigId: linked!.id,
      storedSecrets: { kubeconfig: false },
      lastStatus: 'running',
      lastStatusAt: 1234,
    });
    expect(data.store.pods.get(pod.id)).toEqual(result.record);
  });

  it('answers notFound for a record that does not exist, directly and through the core', async () => {
    const missing = '0b7e3a9c-1d2e-4f5a-8b6c-7d8e9f0a1b2c';
    const failure = refreshPod(missing, data.store.pods, (await methods(null)).methods);
    await expect(failure).rejects.toBeInstanceOf(ContractError);
    await expect(failure).rejects.toMatchObject({ code: 'notFound' });
    const test = await createTestCore();
    try {
      expect(await test.core.dispatch('pods.refresh', { id: missing }, new RecordingClient())).toEqual({
        ok: false,
        error: { code: 'notFound', message: `No pod record with id ${missing}; it may have been deleted.` },
      });
    } finally {
      await test.cleanup();
    }
  });
});
