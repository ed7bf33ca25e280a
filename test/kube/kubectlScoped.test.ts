/**
 * The real kubectl against the test API server's namespace-scoped RBAC, SelfSubjectAccessReview, pod watches and
 * chunked lists (issue 15): each answer is the one kubectl expects from a real cluster, in the real server's words.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startKubeApiServer,
  TEAM_NAMESPACE,
  TEAM_READONLY_NAMESPACE,
  type KubeApiServer,
} from '../harness/kubeApiServer';
import { createKubectlHarness, KUBECTL, kubectlMissingReason, type KubectlHarness } from './kubectl';
import { waitFor } from '../harness/wait';

const missing = await kubectlMissingReason();
if (missing) console.warn(`kubectl scoped tests skipped: ${missing}`);

describe.skipIf(missing !== null)('kubectl against the test API server: RBAC, access reviews, watch, chunks', () => {
  let server: KubeApiServer | null = null;
  let kubectl: KubectlHarness;

  beforeAll(async () => {
    server = await startKubeApiServer();
    if (!server) return;
    kubectl = await createKubectlHarness(server);
    server.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'team-api-0' });
    server.changes.addPod({ namespace: TEAM_READONLY_NAMESPACE, name: 'report-0' });
  });
  afterAll(async () => {
    await kubectl?.cleanup();
    await server?.stop();
  });

  it('a namespace-scoped user may list pods in its namespace but not namespaces or other namespaces', async (context) => {
    if (!server) return context.skip();
    const pods = await kubectl.run('namespaced', ['get', 'pods']);
    expect(pods.code).toBe(0);
    expect(pods.stdout).toMatch(/^team-api-0\s+1\/1\s+Running/m);
    const namespaces = await kubectl.run('namespaced', ['get', 'ns']);
    expect(namespaces.code).toBe(1);
    expect(namespaces.stderr).toContain(
      'Error from server (Forbidden): namespaces is forbidden: User "team-user" cannot list resource "namespaces" ' +
        'in API group "" at the cluster scope',
    );
    const prod = await kubectl.run('namespaced', ['get', 'pods', '-n', 'prod']);
    expect(prod.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "team-user" cannot list resource "pods" in API group "" ' +
        'in the namespace "prod"',
    );
    const readonlyExec = await kubectl.run('namespaced', [
      'exec',
      '-n',
      TEAM_READONLY_NAMESPACE,
      'report-0',
      '--',
      'true',
    ]);
    expect(readonlyExec.stderr).toContain(
      'pods "report-0" is forbidden: User "team-user" cannot create resource "pods/exec" in API group "" in the ' +
        'namespace "team-readonly"',
    );
    const exec = await kubectl.run('namespaced', ['exec', 'team-api-0', '--', 'sh', '-c', 'echo in-team']);
    expect(exec.stdout).toBe('in-team\n');
  });

  it('auth can-i create pods --subresource=exec answers yes in the team namespace and no elsewhere (SelfSubjectAccessReview)', async (context) => {
    if (!server) return context.skip();
    const canI = (...args: string[]) => kubectl.run('namespaced', ['auth', 'can-i', ...args]);
    const yes = await canI('create', 'pods', '--subresource=exec');
    expect({ code: yes.code, stdout: yes.stdout.trim() }).toEqual({ code: 0, stdout: 'yes' });
    const no = await canI('create', 'pods', '--subresource=exec', '-n', TEAM_READONLY_NAMESPACE);
    expect({ code: no.code, stdout: no.stdout.trim() }).toEqual({ code: 1, stdout: 'no' });
    expect((await canI('list', 'pods', '-n', TEAM_READONLY_NAMESPACE)).stdout.trim()).toBe('yes');
    expect((await canI('list', 'namespaces')).stdout.trim()).toBe('no');
    // kubectl reads "pods/exec" as TYPE/NAME (the pod named exec), not a subresource: creating pods is not allowed.
    expect((await canI('create', 'pods/exec')).stdout.trim()).toBe('no');
    const reviews = server.requests.filter((request) => request.path.includes('selfsubjectaccessreviews'));
    expect(reviews.map((request) => [request.method, request.code])).toEqual(Array(5).fill(['POST', 201]));
  });

  it('get pods --chunk-size=500 reads a 1,200-pod namespace in three chunks and prints every pod once', async (context) => {
    if (!server) return context.skip();
    server.changes.addPods('bulk', 1200, 'bulk');
    const before = server.requests.length;
    const result = await kubectl.run('token', ['get', 'pods', '-n', 'bulk', '--chunk-size=500', '--no-headers']);
    expect(result.code).toBe(0);
    const names = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toHaveLength(1200);
    expect(new Set(names).size).toBe(1200);
    expect(names.at(-1)).toBe('bulk-1200');
    const lists = server.requests
      .slice(before)
      .filter((request) => request.path.startsWith('/api/v1/namespaces/bulk/pods'));
    expect(lists).toHaveLength(3);
    expect(lists[0]?.path).toContain('limit=500');
    expect(lists[1]?.path).toContain('continue=');
  });

  it('get pods -w sees a pod added and a pod deleted on the server', async (context) => {
    if (!server) return context.skip();
    const config = await kubectl.configFor('namespaced');
    const child = spawn(KUBECTL, ['--kubeconfig', config, 'get', 'pods', '-w', '--output-watch-events'], {
      env: kubectl.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    try {
      await waitFor(
        'the first list',
        () => out.includes('team-api-0'),
        () => out + err,
      );
      const watches = () => server!.requests.filter((request) => request.path.includes('watch=true'));
      await waitFor('the watch request', () => watches().length > 0);
      server.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'team-worker-1' });
      await waitFor(
        'the added pod',
        () => /ADDED\s+team-worker-1\s+1\/1\s+Running/.test(out),
        () => out + err,
      );
      server.changes.deletePod(TEAM_NAMESPACE, 'team-worker-1');
      await waitFor(
        'the deleted pod',
        () => /DELETED\s+team-worker-1/.test(out),
        () => out + err,
      );
      expect(watches()[0]?.path).toMatch(/resourceVersion=\d+/);
    } finally {
      child.kill();
    }
  });

  it('a watch sends BOOKMARKs when allowed, and ERROR 410 Expired "too old resource version" from a compacted version', async (context) => {
    if (!server) return context.skip();
    const firstVersion = Number(
      server.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'old-0' }).metadata.resourceVersion,
    );
    const lines = await watchLines(`resourceVersion=${firstVersion}&allowWatchBookmarks=true`, (seen) =>
      seen.some((line) => line.includes('BOOKMARK')),
    );
    expect(JSON.parse(lines.find((line) => line.includes('BOOKMARK'))!)).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } },
    });
    server.changes.forgetHistory();
    const expired = await watchLines(`resourceVersion=${firstVersion}`, (seen) => seen.length > 0);
    expect(JSON.parse(expired[0]!)).toEqual({
      type: 'ERROR',
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: expect.stringMatching(new RegExp(`^too old resource version: ${firstVersion} \\(\\d+\\)$`)),
        reason: 'Expired',
        code: 410,
      },
    });
  });

  /** Reads a pod watch in the team namespace as team-user, line by line, until `enough` says so. */
  function watchLines(query: string, enough: (lines: string[]) => boolean): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${server!.url}/api/v1/namespaces/${TEAM_NAMESPACE}/pods?watch=true&${query}`);
      const call = request(
        url,
        { ca: server!.caPem, headers: { authorization: `Bearer ${server!.users.namespaced.token}` } },
        (response) => {
          expect(response.statusCode).toBe(200);
          expect(response.headers['transfer-encoding']).toBe('chunked');
          let text = '';
          const lines = () => text.split('\n').filter((line) => line !== '');
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (enough(lines())) {
              call.destroy();
              resolve(lines());
            }
          });
          response.on('end', () => resolve(lines()));
        },
      );
      call.on('error', (error) => {
        if (!call.destroyed) reject(error);
      });
      call.end();
    });
  }
});
