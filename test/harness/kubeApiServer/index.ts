/**
 * A small but real Kubernetes API server for tests: HTTPS with a per-run CA, bearer-token and client-certificate auth,
 * discovery, GET/list of fixture pods, and pod exec over the WebSocket channel protocol running real processes on a
 * real PTY. kubectl itself is the judge of its faithfulness (test/kube/). Nothing in here mocks Podterm.
 *
 * Layout: certs.ts (openssl PKI), auth.ts, fixtures.ts (the pods), rest.ts (discovery and reads), exec.ts (one exec
 * session), ephemeral.ts (debug containers: the ephemeralcontainers subresource, a watch of one pod, attach) with
 * attach.ts (a debug container's process), status.ts (metav1.Status bodies), kubeconfig.ts, rbac.ts (a
 * namespace-scoped user and SelfSubjectAccessReview), watch.ts (pod changes and watches), pagination.ts (chunked lists).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { authenticate, authorize, FORBIDDEN_USER, TOKEN_USER } from './auth';
import { CERT_USER_NAME, generatePki, OPENSSL, opensslAvailable } from './certs';
import { containerForExec, makeCluster, type Cluster } from './fixtures';
import { pathWithout } from './hiddenPrograms';
import { buildKubeconfig, type KubeconfigUser } from './kubeconfig';
import { handleRest } from './rest';
import { chooseProtocol, queryBool, runExec, type ExecOutcome, type ExecPlan, type ExecSession } from './exec';
import { ATTACH_PATH, DebugContainers, EPHEMERAL_PATH } from './ephemeral';
import { badRequest, forbidden, notFound, unauthorized, type JsonReply } from './status';
import { ACCESS_REVIEW_PATH, answerAccessReview, NAMESPACED_USER, rbacDenial, TEAM_NAMESPACE } from './rbac';
import { DEFAULT_BOOKMARK_INTERVAL_MS, isWatch, PodChanges, serveWatch } from './watch';
import { podTable, selectByLabels } from './rest';
import { missingPeer } from '../skipReasons';

export type { ExecOutcome } from './exec';
export type { DebugContainers, DebugControls } from './ephemeral';
export { targetCommandLine } from './attach';
export { buildKubeconfig, type KubeconfigEntry } from './kubeconfig';
export { NAMESPACED_USER, TEAM_NAMESPACE, TEAM_NO_WATCH_NAMESPACE, TEAM_READONLY_NAMESPACE } from './rbac';
export type { PodChanges } from './watch';

/** A watch on pods: all of them, or one namespace's. */
const POD_WATCH_PATH = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods\/?$/;
/** A SelfSubjectAccessReview is a few hundred bytes; a body beyond this is not one. */
const MAX_REVIEW_BODY_BYTES = 64 * 1024;

/** The exec subresource path; the only one served over an upgrade. */
const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec\/?$/;
/** What an otherwise valid SPDY exec (kubectl's fallback, a POST) gets: this server only speaks WebSocket exec. */
const SPDY_UNSUPPORTED = 'SPDY is not supported by this test server; use WebSocket exec';
/** kube-apiserver's answer to an exec GET that is not an upgrade at all. */
const UPGRADE_REQUIRED = 'Upgrade request required';
/** Bytes of randomness per bearer token: as unguessable as a real service-account token's signature. */
const TOKEN_BYTES = 32;

export interface KubeApiServerOptions {
  /** Listen on this port instead of a free one (the sandbox uses it to keep a stable address). */
  port?: number;
  /** Called with one line per HTTP request ("GET /api/v1/... 200 token-user"); never given credentials. */
  log?: (line: string) => void;
  /** Programs an image lacks, by "namespace/pod" (e.g. { 'default/shell-pod': ['tar'] }): its execs cannot find them. */
  withoutPrograms?: Record<string, string[]>;
  /** How often an idle pod watch that allows bookmarks gets one (watch.ts DEFAULT_BOOKMARK_INTERVAL_MS). */
  bookmarkIntervalMs?: number;
}

export interface ExecRequestRecord {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  /** The negotiated subprotocol; null when the client offered none we speak (the upgrade was refused with 400). */
  protocol: string | null;
  user: string;
  tty: boolean;
  stdin: boolean;
  /** The process id once started (null if it never started: refused upgrade, no such executable). */
  pid: number | null;
  /** Resolves when the exec is over: process ended (status sent) or killed because the client left. */
  finished: Promise<ExecOutcome>;
}

export interface ResizeRecord {
  /** Index into execRequests. */
  exec: number;
  width: number;
  height: number;
}

export interface RequestRecord {
  method: string;
  /** Path and query, e.g. "/api/v1/namespaces/default/pods/shell-pod". Never holds credentials. */
  path: string;
  user: string | null;
  code: number;
}

export interface KubeApiServer {
  /** https://127.0.0.1:PORT */
  url: string;
  port: number;
  caPem: string;
  caFile: string;
  /** The server's certificate (SANs 127.0.0.1 and localhost, signed by caPem) and key, for a TLS peer the CA vouches for. */
  serverTls: { certPem: string; keyPem: string };
  users: {
    token: { name: 'token-user'; token: string };
    forbidden: { name: 'forbidden-user'; token: string };
    /** A Role in namespace "team" only (rbac.ts): no namespace list, no other namespace. */
    namespaced: { name: 'team-user'; token: string };
    cert: { name: 'cert-user'; certPem: string; keyPem: string; certFile: string; keyFile: string };
  };
  /**
   * A kubeconfig (YAML text) for one of the users; defaults: context/cluster/user names 'test', namespace default, CA
   * inlined as certificate-authority-data. 'badToken' uses a token the server rejects.
   */
  kubeconfig(options: {
    user: 'token' | 'cert' | 'forbidden' | 'badToken' | 'namespaced';
    namespace?: string;
    contextName?: string;
    clusterName?: string;
    userName?: string;
    server?: string;
    caFile?: boolean;
  }): string;
  /** Every exec request that reached the upgrade, for assertions. */
  execRequests: ExecRequestRecord[];
  /** Resize messages applied to a PTY, in order, each naming its exec (index into execRequests). */
  resizes: ResizeRecord[];
  /** Every HTTP request (including upgrades) with the user it authenticated as and the answer's status code. */
  requests: RequestRecord[];
  /** WebSocket pings received on exec sockets (each was answered with a pong). */
  readonly pingsReceived: number;
  /**
   * Ephemeral (debug) containers and attach: their controls (make the subresource refuse, images that cannot be
   * pulled), the requests they got, and the containers' processes.
   */
  debugContainers: DebugContainers;
  /** The cluster's pods as they change: add, delete, restart, forget the watch history (→ 410). Watches follow. */
  changes: PodChanges;
  /** Abruptly destroys every open exec socket (a server or network failure). */
  dropConnections(): void;
  stop(): Promise<void>;
}

function sendJson(response: ServerResponse, reply: JsonReply): void {
  const body = JSON.stringify(reply.body);
  response.writeHead(reply.code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache, private',
  });
  response.end(body);
}

/** An HTTP answer written straight to a socket whose request asked for an upgrade we refuse. */
function sendRawJson(socket: Duplex, reply: JsonReply): void {
  const body = JSON.stringify(reply.body);
  const head = [
    `HTTP/1.1 ${reply.code} ${STATUS_CODES[reply.code] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-cache, private',
    'Connection: close',
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * Checks an exec request the way kube-apiserver orders them: authorization, the pod, the options, the container;
 * plus the completed-pod refusal. Returns the error to answer, or what to run.
 */
function prepareExec(url: URL, user: string, cluster: Cluster): JsonReply | ExecPlan {
  const match = EXEC_PATH.exec(url.pathname);
  const namespace = decodeURIComponent(match?.[1] ?? '');
  const podName = decodeURIComponent(match?.[2] ?? '');
  if (!authorize(user, 'create')) return forbidden(user, 'create', 'pods/exec', namespace, podName);
  const fixture = cluster.pods.find(
    (candidate) => candidate.pod.metadata.namespace === namespace && candidate.pod.metadata.name === podName,
  );
  if (!fixture) return notFound('pods', podName);
  const params = url.searchParams;
  const command = params.getAll('command');
  if (command.length === 0) return badRequest('you must specify at least one command for the container');
  const streams = { stdin: queryBool(params, 'stdin'), stdout: queryBool(params, 'stdout') };
  const stderr = queryBool(params, 'stderr');
  if (!streams.stdin && !streams.stdout && !stderr) {
    return badRequest('you must specify at least 1 of stdin, stdout, stderr');
  }
  const chosen = containerForExec(fixture.pod, params.get('container'));
  if ('error' in chosen) return badRequest(chosen.error);
  const phase = fixture.pod.status.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    return badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  }
  const tty = queryBool(params, 'tty');
  return {
    namespace,
    pod: podName,
    container: chosen.container,
    command,
    ...streams,
    // With a TTY there is no separate stderr: the kubelet drops it and everything arrives on stdout.
    stderr: stderr && !tty,
    tty,
    hasExecutables: fixture.hasExecutables,
  };
}

const isReply = (value: JsonReply | ExecPlan): value is JsonReply => 'code' in value;

/**
 * Starts the server on 127.0.0.1. Returns null (after printing why) when openssl is missing; callers skip their tests
 * with that reason.
 */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer | null> {
  if (!(await opensslAvailable())) {
    console.warn(
      `Kubernetes API server tests skipped: ${missingPeer(`${OPENSSL} is missing (apt-get install -y openssl)`)}`,
    );
    return null;
  }
  const root = await mkdtemp(join(tmpdir(), 'podterm-kube-'));
  try {
    const pkiDir = join(root, 'pki');
    const containerDir = join(root, 'container');
    await Promise.all([mkdir(pkiDir, { mode: 0o700 }), mkdir(containerDir)]);
    const pki = await generatePki(pkiDir);
    const pathByPod = new Map<string, string>();
    for (const [pod, hidden] of Object.entries(options.withoutPrograms ?? {})) {
      pathByPod.set(pod, await pathWithout(root, `path-${pathByPod.size}`, hidden));
    }
    const cluster = makeCluster();
    const debugContainers = new DebugContainers(cluster, containerDir);
    const newToken = () => randomBytes(TOKEN_BYTES).toString('base64url');
    const tokenUserToken = newToken();
    const forbiddenUserToken = newToken();
    const namespacedUserToken = newToken();
    const changes = new PodChanges(cluster);
    /** Never registered: the kubeconfig for 'badToken' carries it so the server answers 401. */
    const badToken = newToken();
    const tokens = new Map([
      [tokenUserToken, TOKEN_USER],
      [forbiddenUserToken, FORBIDDEN_USER],
      [namespacedUserToken, NAMESPACED_USER],
    ]);

    const execRequests: ExecRequestRecord[] = [];
    const resizes: ResizeRecord[] = [];
    const requests: RequestRecord[] = [];
    const sessions = new Set<ExecSession>();
    let pingsReceived = 0;
    let address = '';

    const wss = new WebSocketServer({
      noServer: true,
      // kube-apiserver does not negotiate permessage-deflate on exec streams.
      perMessageDeflate: false,
      handleProtocols: (offered) => chooseProtocol(offered) ?? false,
    });

    const record = (request: IncomingMessage, user: string | null, code: number) => {
      const entry = { method: request.method ?? '', path: request.url ?? '', user, code };
      requests.push(entry);
      options.log?.(`${entry.method} ${entry.path} ${code} ${user ?? '(unauthenticated)'}`);
    };

    const onRequest = (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'https://127.0.0.1');
      const user = authenticate(request, tokens);
      let reply: JsonReply;
      const denied = user ? rbacDenial(user, request.method ?? 'GET', url) : null;
      if (!user) {
        reply = unauthorized();
      } else if (denied) {
        reply = denied;
      } else if (EPHEMERAL_PATH.test(url.pathname)) {
        // The subresource's PATCH and PUT carry a body: read it, then answer.
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const answer = debugContainers.serveSubresource({
            method: request.method ?? 'GET',
            url,
            user,
            contentType: request.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString('utf8'),
          });
          record(request, user, answer.code);
          sendJson(response, answer);
        });
        return;
      } else if (debugContainers.isPodWatch(url) && followsOnePod(url) && request.method === 'GET') {
        // kubectl debug follows its one pod by name; ephemeral.ts streams that pod's debug-container states.
        const refused = debugContainers.serveWatch(url, user, response);
        record(request, user, refused?.code ?? 200);
        if (refused) sendJson(response, refused);
        return;
      } else if (ATTACH_PATH.test(url.pathname)) {
        const prepared = debugContainers.prepareAttach(url, user);
        reply =
          'process' in prepared ? badRequest(request.method === 'GET' ? UPGRADE_REQUIRED : SPDY_UNSUPPORTED) : prepared;
      } else if (request.method === 'POST' && url.pathname === ACCESS_REVIEW_PATH) {
        return void readBody(request).then((body) => {
          const answer = body === null ? badRequest('request body too large') : answerAccessReview(user, body);
          record(request, user, answer.code);
          sendJson(response, answer);
        });
      } else if (request.method === 'GET' && POD_WATCH_PATH.test(url.pathname) && isWatch(url.searchParams)) {
        const selected = selectByLabels(url.searchParams.get('labelSelector'));
        if ('error' in selected) return sendJson(response, badRequest(selected.error));
        const namespace = POD_WATCH_PATH.exec(url.pathname)?.[1];
        const wantsTable = (request.headers.accept ?? '').includes('as=Table');
        record(request, user, 200);
        return serveWatch(
          response,
          {
            namespace: namespace ? decodeURIComponent(namespace) : null,
            params: url.searchParams,
            matches: (pod) => selected.matches(pod.metadata.labels),
            render: (pod) => (wantsTable ? podTable([pod], pod.metadata.resourceVersion, Date.now()) : pod),
            bookmarkIntervalMs: options.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS,
          },
          changes,
          cluster,
        );
      } else if (EXEC_PATH.test(url.pathname)) {
        const prepared = prepareExec(url, user, cluster);
        reply = isReply(prepared)
          ? prepared
          : badRequest(request.method === 'GET' ? UPGRADE_REQUIRED : SPDY_UNSUPPORTED);
      } else {
        reply = handleRest(
          { method: request.method ?? 'GET', url, accept: request.headers.accept ?? '', user, serverAddress: address },
          cluster,
        );
      }
      record(request, user, reply.code);
      sendJson(response, reply);
    };

    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined); // a client that resets mid-handshake is not the server's failure
      const url = new URL(request.url ?? '/', 'https://127.0.0.1');
      const user = authenticate(request, tokens);
      const refuse = (reply: JsonReply) => {
        record(request, user, reply.code);
        sendRawJson(socket, reply);
      };
      if (!user) return refuse(unauthorized());
      const denied = rbacDenial(user, request.method ?? 'GET', url);
      if (denied) return refuse(denied);
      if (ATTACH_PATH.test(url.pathname)) {
        const plan = debugContainers.prepareAttach(url, user);
        if (!('process' in plan)) return refuse(plan);
        if (request.method !== 'GET' || request.headers.upgrade?.toLowerCase() !== 'websocket') {
          return refuse(badRequest(SPDY_UNSUPPORTED));
        }
        const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((name) => name.trim());
        const protocol = chooseProtocol(offered);
        if (!protocol) {
          return refuse(badRequest(`unable to upgrade connection: none of the offered subprotocols is supported`));
        }
        record(request, user, 101);
        wss.handleUpgrade(request, socket, head, (ws) => debugContainers.attach(ws, protocol, plan, user));
        return;
      }
      if (!EXEC_PATH.test(url.pathname)) {
        return refuse(
          handleRest(
            {
              method: request.method ?? 'GET',
              url,
              accept: request.headers.accept ?? '',
              user,
              serverAddress: address,
            },
            cluster,
          ),
        );
      }
      const plan = prepareExec(url, user, cluster);
      if (isReply(plan)) return refuse(plan);
      // kubectl's fallback after a refused WebSocket upgrade is a SPDY POST (Upgrade: SPDY/3.1).
      if (request.method !== 'GET' || request.headers.upgrade?.toLowerCase() !== 'websocket') {
        return refuse(badRequest(SPDY_UNSUPPORTED));
      }
      const offered = (request.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((protocol) => protocol.trim())
        .filter(Boolean);
      const protocol = chooseProtocol(offered);
      let resolveFinished!: (outcome: ExecOutcome) => void;
      const entry: ExecRequestRecord = {
        namespace: plan.namespace,
        pod: plan.pod,
        container: plan.container,
        command: plan.command,
        protocol,
        user,
        tty: plan.tty,
        stdin: plan.stdin,
        pid: null,
        finished: new Promise((resolve) => (resolveFinished = resolve)),
      };
      const index = execRequests.push(entry) - 1;
      if (!protocol) {
        resolveFinished({ status: null, exitCode: null, killedBecauseClientLeft: false });
        return refuse(
          badRequest(
            `unable to upgrade connection: none of the offered subprotocols [${offered.join(', ')}] is supported; ` +
              'this server speaks v5.channel.k8s.io and v4.channel.k8s.io',
          ),
        );
      }
      record(request, user, 101);
      wss.handleUpgrade(request, socket, head, (ws) => {
        const path = pathByPod.get(`${plan.namespace}/${plan.pod}`);
        const session = runExec(ws, protocol, path === undefined ? plan : { ...plan, path }, {
          containerDir,
          onResize: (width, height) => resizes.push({ exec: index, width, height }),
          onPing: () => pingsReceived++,
          onStart: (pid) => (entry.pid = pid),
        });
        sessions.add(session);
        void session.finished.then((outcome) => {
          sessions.delete(session);
          resolveFinished(outcome);
        });
      });
    };

    const server = createServer(
      {
        key: pki.server.keyPem,
        cert: pki.server.certPem,
        ca: pki.ca.certPem,
        // Ask for a client certificate but let token users in without one; auth.ts checks socket.authorized.
        requestCert: true,
        rejectUnauthorized: false,
      },
      onRequest,
    );
    server.on('upgrade', onUpgrade);
    server.on('tlsClientError', () => undefined); // e.g. a client that rejects our CA: its failure, not ours
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    address = `127.0.0.1:${port}`;
    const url = `https://${address}`;

    const users: KubeApiServer['users'] = {
      token: { name: TOKEN_USER, token: tokenUserToken },
      forbidden: { name: FORBIDDEN_USER, token: forbiddenUserToken },
      namespaced: { name: NAMESPACED_USER, token: namespacedUserToken },
      cert: {
        name: CERT_USER_NAME,
        certPem: pki.client.certPem,
        keyPem: pki.client.keyPem,
        certFile: pki.client.certFile,
        keyFile: pki.client.keyFile,
      },
    };

    const kubeconfig: KubeApiServer['kubeconfig'] = (config) => {
      const user: KubeconfigUser =
        config.user === 'cert'
          ? { kind: 'cert', certPem: users.cert.certPem, keyPem: users.cert.keyPem }
          : {
              kind: 'token',
              token: {
                token: tokenUserToken,
                forbidden: forbiddenUserToken,
                namespaced: namespacedUserToken,
                badToken,
              }[config.user],
            };
      return buildKubeconfig([
        {
          contextName: config.contextName ?? 'test',
          clusterName: config.clusterName ?? 'test',
          userName: config.userName ?? 'test',
          namespace: config.namespace ?? (config.user === 'namespaced' ? TEAM_NAMESPACE : 'default'),
          server: config.server ?? url,
          ca: config.caFile ? { file: pki.ca.certFile } : { pem: pki.ca.certPem },
          user,
        },
      ]);
    };

    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await Promise.all([...sessions].map((session) => session.stop()));
      await debugContainers.stop();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(root, { recursive: true, force: true });
    };

    return {
      url,
      port,
      caPem: pki.ca.certPem,
      caFile: pki.ca.certFile,
      serverTls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem },
      users,
      kubeconfig,
      execRequests,
      resizes,
      requests,
      debugContainers,
      changes,
      get pingsReceived() {
        return pingsReceived;
      },
      dropConnections: () => {
        for (const session of sessions) session.drop();
      },
      stop,
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** A request's body, or null when it is larger than any access review. */
async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REVIEW_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A kubeconfig with two contexts on this server: "dev" (current; token-user, namespace default), which works, and
 * "expired" (namespace prod), whose token the server never issued, so it answers 401. For tests of per-context errors.
 */
export function devAndExpiredKubeconfig(server: KubeApiServer): string {
  const ca = { pem: server.caPem };
  const context = (contextName: string, namespace: string, token: string) => ({
    contextName,
    clusterName: 'test',
    userName: `${contextName}-user`,
    namespace,
    server: server.url,
    ca,
    user: { kind: 'token' as const, token },
  });
  return buildKubeconfig(
    [
      context('dev', 'default', server.users.token.token),
      context('expired', 'prod', 'a-token-the-server-never-issued'),
    ],
    'dev',
  );
}

/** A watch of one pod by name (fieldSelector metadata.name=…), as kubectl debug and `kubectl get pod NAME -w` make. */
function followsOnePod(url: URL): boolean {
  return /(^|,)metadata\.name=/.test(url.searchParams.get('fieldSelector') ?? '');
}
