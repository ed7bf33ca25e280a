/**
 * @kubernetes/client-node (what Podterm's main process uses) against the test API server: a kubeconfig loaded from
 * text, a pod list, and an exec with its status callback. No Podterm code: this pins the server to the library.
 */
import { PassThrough, Writable } from 'node:stream';
import { CoreV1Api, Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';

let server: KubeApiServer | null = null;
beforeAll(async () => {
  server = await startKubeApiServer();
});
afterAll(async () => {
  await server?.stop();
});

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

describe('client-node against the test API server', () => {
  for (const user of ['token', 'cert'] as const) {
    it(`lists pods as the ${user} user`, async (context) => {
      if (!server) return context.skip();
      const config = new KubeConfig();
      config.loadFromString(server.kubeconfig({ user, namespace: 'prod' }));
      const pods = await config.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'prod' });
      expect(pods.items.map((pod) => pod.metadata?.name)).toEqual(['api-0', 'api-canary-1', 'api-canary-2']);
      expect(pods.items[0]?.status?.containerStatuses?.[0]).toMatchObject({ name: 'api', ready: true });
    });
  }

  it('execs with stdin, gets the exit code from the status callback', async (context) => {
    if (!server) return context.skip();
    const config = new KubeConfig();
    config.loadFromString(server.kubeconfig({ user: 'token', caFile: true }));
    const stdout = collector();
    const stderr = collector();
    const stdin = new PassThrough();
    const status = new Promise<V1Status>((resolve) => {
      void new Exec(config).exec(
        'default',
        'shell-pod',
        'main',
        ['sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 5'],
        stdout.stream,
        stderr.stream,
        stdin,
        false,
        resolve,
      );
    });
    stdin.write('podterm\n');
    const result = await status;
    expect(stdout.text()).toBe('got podterm\n');
    expect(stderr.text()).toBe('oops\n');
    expect(result.reason).toBe('NonZeroExitCode');
    expect(result.details?.causes?.find((cause) => cause.reason === 'ExitCode')?.message).toBe('5');
    expect(server.execRequests.at(-1)?.protocol).toBe('v5.channel.k8s.io');
  });
});
