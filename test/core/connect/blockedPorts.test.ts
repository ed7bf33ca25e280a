/**
 * An API server on a port that the Fetch standard blocks (browsers' "bad ports": 6000, 6665–6669, 10080, …) is reached
 * like any other, as kubectl reaches it: the pod read, the exec and Refresh. The test first proves that fetch itself
 * refuses the port, so it keeps meaning something if the list changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kubeApiServer';
import { missingServer } from '../../harness/skipReasons';

/** Ports on undici's (the Fetch standard's) bad-port list, tried in turn until one is free on this machine. */
const FETCH_BLOCKED_PORTS = [10080, 6666, 6667, 6668, 6669, 6665, 6000];

let kube: KubeApiServer | null = null;
let core: TestCore | null = null;
let portNote = '';

beforeAll(async () => {
  for (const port of FETCH_BLOCKED_PORTS) {
    try {
      kube = await startKubeApiServer({ port });
      break;
    } catch (error) {
      portNote += `${port}: ${(error as Error).message}; `;
    }
  }
  core = await createTestCore();
});
afterAll(async () => {
  await core?.cleanup();
  await kube?.stop();
});

const skipReason = () => missingServer({ kube }) ?? (kube ? null : `no fetch-blocked port was free here (${portNote})`);

describe('an API server on a port fetch blocks', () => {
  it('is refused by fetch itself', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const refused = await fetch(kube!.url).then(
      () => null,
      (error: unknown) => error as Error & { cause?: Error },
    );
    expect(refused?.cause?.message).toBe('bad port');
  });

  it('opens a shell (pod read, then the exec WebSocket) and Refresh reads the pod', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const pod = await core!.request('pods.save', {
      fields: { name: 'blocked-port', podName: 'shell-pod', clusterHost: kube!.url, clusterCaData: kube!.caPem },
      secrets: { token: kube!.users.token.token },
    });
    const client = new RecordingClient();
    const { sessionId } = await core!.request('sessions.open', { podId: pod.id, size: { cols: 80, rows: 24 } }, client);
    const status = await core!.connected(client, sessionId, { timeoutMs: 20_000 });
    expect(status.method).toBe('token');
    expect(kube!.requests.some((entry) => entry.path.startsWith('/api/v1/namespaces/default/pods/shell-pod'))).toBe(
      true,
    );
    client.send(sessionId, { type: 'write', data: 'echo $((6*7))\n' });
    await client.waitFor(() => /^42\r?$/m.test(client.output(sessionId)));

    const refreshed = await core!.request('pods.refresh', { id: pod.id });
    expect(refreshed.found).toBe(true);
    expect(refreshed.pod?.phase).toBe('Running');
  });
});
