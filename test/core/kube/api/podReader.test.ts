/**
 * readPod against the real test Kubernetes API server (test/harness/kubeApiServer), with access resolved by the real
 * resolver from every method: the pod facts the connect chain needs, and each failure mapped to a message that says
 * what to fix (not found, 401, 403, untrusted TLS, unreachable, timeout). 403 and a 401 with a reason come from a
 * plain-HTTP server that answers like kube-apiserver, since the test server lets every user read pods.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { apiConnectFailure, PodNotFoundError, PodReadError, readPod } from '../../../../main/core/kube/api/podReader';
import { createAccessResolver } from '../../../../main/core/kube/access/resolve';
import type { AccessResolution, AccessResolver, ResolvedAccess } from '../../../../main/core/kube/access/types';
import type { PodConnectRecord } from '../../../../main/core/store/types';
import { startKubeApiServer, type KubeApiServer } from '../../../harness/kubeApiServer';
import { cleanup, environment, podRecord, put, tempDir } from '../access/helpers';

let kube: KubeApiServer | null = null;
/**
 * The token the fake server answers "token has expired" for. Not a word of that message: messages are scrubbed of the
 * token the request sent, so a token spelled "expired" would hide the server's reason.
 */
const EXPIRED_TOKEN = 'tok-expired-6b21';
beforeAll(async () => {
  kube = await startKubeApiServer();
});
afterAll(async () => {
  await kube?.stop();
});

let home: string;
beforeEach(async () => {
  home = await tempDir('podterm-podreader-');
});
afterEach(async () => {
  await cleanup(home);
});

async function resolved(
  resolver: AccessResolver,
  method: Parameters<AccessResolver['resolve']>[0],
  record: PodConnectRecord,
): Promise<ResolvedAccess> {
  const resolution: AccessResolution = await resolver.resolve(method, record);
  if ('skip' in resolution) throw new Error(`skipped: ${resolution.skip}`);
  return resolution.access;
}

/** Access through ~/.kube/config holding the test server's kubeconfig for a user. */
async function defaultAccess(
  server: KubeApiServer,
  user: 'token' | 'cert' | 'badToken' = 'token',
): Promise<ResolvedAccess> {
  await put(join(home, '.kube', 'config'), server.kubeconfig({ user }));
  return resolved(createAccessResolver(environment(home)), 'defaultKubeconfig', podRecord());
}

async function failure(promise: Promise<unknown>): Promise<PodReadError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PodReadError) return error;
    throw error;
  }
  throw new Error('expected readPod to fail');
}

describe('readPod against the test API server', () => {
  it('reads a running pod', async (context) => {
    if (!kube) return context.skip();
    const access = await defaultAccess(kube);
    expect(await readPod(access, 'default', 'shell-pod')).toEqual({
      name: 'shell-pod',
      namespace: 'default',
      phase: 'Running',
      containers: ['main'],
      defaultContainer: null,
      ready: true,
      nodeName: 'podterm-test-node',
      podIP: '10.244.0.11',
    });
  });

  it('reports the default-container annotation and a finished pod', async (context) => {
    if (!kube) return context.skip();
    const access = await defaultAccess(kube);
    expect(await readPod(access, 'default', 'multi')).toMatchObject({
      containers: ['app', 'sidecar'],
      defaultContainer: 'sidecar',
      ready: true,
    });
    expect(await readPod(access, 'default', 'finished')).toMatchObject({ phase: 'Succeeded', ready: false });
  });

  it('says a pod is not found, with the namespace, as a PodNotFoundError', async (context) => {
    if (!kube) return context.skip();
    const access = await defaultAccess(kube);
    const error = await failure(readPod(access, 'prod', 'shell-pod'));
    expect(error).toBeInstanceOf(PodNotFoundError);
    expect(error.reason).toBe('notFound');
    expect(error.message).toBe(
      `pod "shell-pod" not found in namespace "prod" (${kube.url}, context test from ~/.kube/config). Check the pod name and namespace; a pod made by a Deployment gets a new name each time it is replaced.`,
    );
  });

  it('says the credentials were refused (401)', async (context) => {
    if (!kube) return context.skip();
    const access = await defaultAccess(kube, 'badToken');
    const error = await failure(readPod(access, 'default', 'shell-pod'));
    expect(error.reason).toBe('unauthorized');
    expect(error.message).toBe(
      `the API server at ${kube.url} did not accept the credentials of context test from ~/.kube/config (401 Unauthorized). The token or certificate may have expired or been revoked: get a new one.`,
    );
  });

  it("reads with a client certificate from the record's kubeconfig", async (context) => {
    if (!kube) return context.skip();
    const record = podRecord({}, { kubeconfig: kube.kubeconfig({ user: 'cert', contextName: 'mine' }) });
    const access = await resolved(createAccessResolver(environment(home)), 'podKubeconfig', record);
    expect(access.description).toBe("the record's kubeconfig (context mine)");
    expect((await readPod(access, 'default', 'shell-pod')).name).toBe('shell-pod');
  });

  it('reads with the token of an exec plugin run from the login PATH', async (context) => {
    if (!kube) return context.skip();
    const bin = join(home, 'login-bin');
    await put(
      join(bin, 'podterm-test-credential'),
      `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}' '${kube.users.token.token}'\n`,
      { executable: true },
    );
    const config = kube
      .kubeconfig({ user: 'token' })
      .replace(
        /^ {4}token: .*$/m,
        '    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: podterm-test-credential\n      interactiveMode: Never',
      );
    expect(config).toContain('command: podterm-test-credential');
    await put(join(home, '.kube', 'config'), config);
    const resolver = createAccessResolver(
      environment(home, { env: { PATH: '/usr/bin:/bin' }, loginEnv: async () => ({ PATH: `${bin}:/usr/bin:/bin` }) }),
    );
    const access = await resolved(resolver, 'defaultKubeconfig', podRecord());
    expect((await readPod(access, 'default', 'multi')).defaultContainer).toBe('sidecar');
  });

  it("verifies TLS for token auth against the record's CA, or the system store, skipping only when asked", async (context) => {
    if (!kube) return context.skip();
    const resolver = createAccessResolver(environment(home));
    const token = { token: kube.users.token.token };
    const withCa = podRecord({ clusterHost: kube.url, clusterCaData: kube.caPem }, token);
    expect((await readPod(await resolved(resolver, 'token', withCa), 'default', 'shell-pod')).phase).toBe('Running');

    const withoutCa = podRecord({ clusterHost: kube.url }, token);
    const error = await failure(readPod(await resolved(resolver, 'token', withoutCa), 'default', 'shell-pod'));
    expect(error.reason).toBe('tls');
    expect(error.message).toMatch(
      new RegExp(
        `^the API server's certificate at ${kube.url} is not trusted \\([A-Z_]+; token auth to ${kube.url}\\)\\. Give the cluster's CA certificate`,
      ),
    );

    const insecure = podRecord({ clusterHost: kube.url, insecureSkipTlsVerify: true }, token);
    expect((await readPod(await resolved(resolver, 'token', insecure), 'default', 'shell-pod')).phase).toBe('Running');
  });

  it('reads with in-cluster config from a service-account directory', async (context) => {
    if (!kube) return context.skip();
    const dir = join(home, 'serviceaccount');
    await put(join(dir, 'token'), `${kube.users.token.token}\n`);
    await put(join(dir, 'ca.crt'), kube.caPem);
    await put(join(dir, 'namespace'), 'default');
    const resolver = createAccessResolver(
      environment(home, {
        env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(kube.port) },
        serviceAccountDir: dir,
      }),
    );
    const access = await resolved(resolver, 'inCluster', podRecord({ namespace: 'prod' }));
    expect((await readPod(access, 'prod', 'api-0')).containers).toEqual(['api']);
  });
});

describe('readPod failures that need no Kubernetes', () => {
  let httpServer: HttpServer;
  let silentServer: NetServer;
  const silentSockets = new Set<Socket>();
  let httpUrl: string;
  let silentUrl: string;

  beforeAll(async () => {
    // Answers the way kube-apiserver does for a refused token and an RBAC denial.
    httpServer = createHttpServer((request, response) => {
      const status = (code: number, reason: string, message: string) => {
        response.writeHead(code, { 'Content-Type': 'application/json' });
        response.end(
          JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }),
        );
      };
      if (request.headers.authorization === `Bearer ${EXPIRED_TOKEN}`)
        return status(401, 'Unauthorized', 'token has expired');
      // Reached, but never answers: an API server stuck behind an overloaded etcd.
      if (request.url?.endsWith('/pods/stuck')) return;
      return status(
        403,
        'Forbidden',
        'pods "web" is forbidden: User "system:serviceaccount:ci:deployer" cannot get resource "pods" in API group "" in the namespace "shop"',
      );
    });
    // Accepts connections and never answers: a black-holed API server behind a broken load balancer.
    silentServer = createNetServer((socket) => {
      silentSockets.add(socket);
      socket.on('close', () => silentSockets.delete(socket));
    });
    await Promise.all([
      new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve)),
    ]);
    httpUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    silentUrl = `https://127.0.0.1:${(silentServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    httpServer.closeAllConnections();
    await Promise.all([
      new Promise((resolve) => httpServer.close(resolve)),
      new Promise((resolve) => silentServer.close(resolve)),
    ]);
  });

  const tokenAccess = (host: string, token = 'tok') =>
    resolved(createAccessResolver(environment(home)), 'token', podRecord({ clusterHost: host }, { token }));

  it('shows the Status message of a 403 and of a 401 with a reason', async () => {
    const forbidden = await failure(readPod(await tokenAccess(httpUrl), 'shop', 'web'));
    expect(forbidden.reason).toBe('forbidden');
    expect(forbidden.message).toBe(
      `token auth to ${httpUrl} may not read pod "web" in namespace "shop" (403 Forbidden: pods "web" is forbidden: User "system:serviceaccount:ci:deployer" cannot get resource "pods" in API group "" in the namespace "shop"). Ask for RBAC permission to get pods and create pods/exec there, or use other credentials.`,
    );
    const expired = await failure(readPod(await tokenAccess(httpUrl, EXPIRED_TOKEN), 'shop', 'web'));
    expect(expired.reason).toBe('unauthorized');
    expect(expired.message).toContain('(401 Unauthorized: token has expired)');
  });

  it('says the server cannot be reached', async () => {
    // A port that was just free: nothing listens there.
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const error = await failure(readPod(await tokenAccess(`https://127.0.0.1:${port}`), 'default', 'x'));
    expect(error.reason).toBe('unreachable');
    expect(error.message).toMatch(
      /^cannot reach the API server at https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED; token auth to /,
    );
  });

  it('gives up on a server it cannot reach after the short reach deadline, not the whole request timeout', async () => {
    const started = Date.now();
    const error = await failure(
      readPod(await tokenAccess(silentUrl), 'default', 'x', { timeoutMs: 20_000, reachTimeoutMs: 300 }),
    );
    expect(error.reason).toBe('unreachable');
    expect(error.message).toBe(
      `cannot reach the API server at ${silentUrl}: no connection within 0.3 s (token auth to ${silentUrl}). Check the address, the VPN or the firewall.`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('waits the whole request timeout for a server it reached, then says it did not answer', async () => {
    const started = Date.now();
    const error = await failure(
      readPod(await tokenAccess(httpUrl), 'shop', 'stuck', { timeoutMs: 1_000, reachTimeoutMs: 100 }),
    );
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(
      `the API server at ${httpUrl} did not answer within 1 s (token auth to ${httpUrl}). Check the address, the VPN or the firewall.`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

describe('apiConnectFailure: what a socket error means for a read of the API server', () => {
  it('anything that kept the server from being reached, a refused port and a timeout included, is unreachable', () => {
    for (const kind of ['dns', 'refused', 'unreachable', 'timeout', 'reset'] as const) {
      expect([kind, apiConnectFailure(kind)]).toEqual([kind, 'unreachable']);
    }
  });

  it('tells an untrusted certificate from other TLS failures, and leaves the client key and the rest to the message', () => {
    expect(apiConnectFailure('untrustedCertificate')).toBe('untrustedCertificate');
    expect(apiConnectFailure('invalidCertificate')).toBe('tls');
    expect(apiConnectFailure('tlsHandshake')).toBe('tls');
    expect(apiConnectFailure('clientCredentials')).toBeNull();
    expect(apiConnectFailure('other')).toBeNull();
  });
});
