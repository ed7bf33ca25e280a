/**
 * How kube/api's CoreV1Api calls reach the API server: through undici's dispatcher (the same pooled, TLS-configured
 * Agent client-node builds from the kubeconfig), not through `fetch`.
 *
 * Why not client-node's default: it sends with undici's `fetch`, which follows the browsers' Fetch standard and refuses
 * the "bad ports" browsers block (6000, 6665–6669, 10080, …) with "fetch failed (bad port)". kubectl has no such list,
 * so an API server kubectl reaches on one of those ports must be reachable here too. The dispatcher's own `request` is
 * the same HTTP client fetch sits on (pooling, TLS, undici's diagnostics channels, which requestDeadline.ts listens to)
 * without the browser's port list.
 *
 * The dispatcher is an undici Agent of our own whose `connect` is net/proxySocket.ts's dialServer: the same dial, proxy
 * and TLS as the exec WebSocket (serverConnection.ts says why client-node's own dispatchers are not used).
 */
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type {
  AuthorizationV1Api,
  Configuration,
  CoreV1Api,
  HttpLibrary,
  KubeConfig,
  RequestContext,
  ResponseContext,
  SecurityAuthentication,
} from '@kubernetes/client-node';
import { kubernetesClient } from '../access';
import { dialServer } from '../../net';
import { serverConnection, type ServerConnection } from './serverConnection';

/** An undici Dispatcher, as client-node's RequestContext carries one. */
type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** What undici's Agent passes its `connect` function, and the callback it expects (undici's buildConnector types). */
type ConnectCallback = (error: Error | null, socket: Socket | null) => void;
type AgentConstructor = new (options: {
  connect: (options: unknown, callback: ConnectCallback) => void;
  connectTimeout?: number;
}) => Dispatcher;

/**
 * undici keeps its default Agent under this global symbol so every copy of undici in a process shares it; client-node's
 * copy sets it when it loads. Its constructor is the Agent class of the undici client-node ships (undici is not a
 * dependency of ours, and a second copy would not share its diagnostics channels with requestDeadline.ts).
 */
const UNDICI_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.2');

/**
 * How long reaching the server (through the proxy, TLS included) may take before the dial gives up: undici's own
 * default connect timeout, so a silent proxy is reported like a silent server (the reach deadline usually ends the
 * request sooner).
 */
const DIAL_TIMEOUT_MS = 10_000;

/** Sent like kubectl's "kubectl/v1.x (linux/amd64)", so API server audit logs say who asked. */
const USER_AGENT = 'podterm';

function defaultDispatcher(): Dispatcher {
  const dispatcher = (globalThis as Record<symbol, unknown>)[UNDICI_GLOBAL_DISPATCHER] as Dispatcher | undefined;
  if (!dispatcher) throw new Error("undici's default dispatcher is missing: @kubernetes/client-node did not load it.");
  return dispatcher;
}

/**
 * One pooled Agent per KubeConfig (an access resolves one, with its proxy environment fixed), so the pod read and the
 * lists of an attempt share the connection. Idle sockets close after undici's keep-alive timeout; the Agent goes with
 * the KubeConfig.
 */
const dispatchers = new WeakMap<KubeConfig, Dispatcher>();

function dispatcherFor(kubeConfig: KubeConfig, connection: ServerConnection): Dispatcher {
  const known = dispatchers.get(kubeConfig);
  if (known) return known;
  const Agent = defaultDispatcher().constructor as AgentConstructor;
  const dispatcher = new Agent({
    connect: (_options, callback) => {
      dialServer({
        server: connection.server,
        route: connection.route,
        tls: connection.tls,
        timeoutMs: DIAL_TIMEOUT_MS,
        alpnProtocols: ['http/1.1'],
      }).then(
        (socket) => callback(null, socket),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
      );
    },
  });
  dispatchers.set(kubeConfig, dispatcher);
  return dispatcher;
}

/** One header value per name, as client-node's ResponseContext expects (repeated headers joined, as fetch does). */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/**
 * Rejects as soon as the signal aborts. undici's request only acts on an abort once its socket connected, so a host
 * that drops packets would hold the request until the connect timeout; fetch rejects at once, and so must we (the
 * reach deadline, requestDeadline.ts, is the abort). A late answer is consumed and dropped.
 */
function settleOnAbort<T extends { body: { dump(): Promise<void> } }>(
  pending: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (!signal) return pending;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('The request was aborted.'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (response) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) void response.body.dump().catch(() => {});
        else resolve(response);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

async function send(request: RequestContext, dispatcher: Promise<Dispatcher>): Promise<ResponseContext> {
  const url = new URL(request.getUrl());
  const body = request.getBody();
  if (body !== undefined && typeof body !== 'string') {
    // CoreV1Api's reads and lists send no body; a form body would be a new use this file must learn first.
    throw new Error('kube/api sends JSON bodies only');
  }
  const headers = { 'user-agent': USER_AGENT, ...request.getHeaders() };
  const signal = request.getSignal();
  const response = await settleOnAbort(
    (await dispatcher).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.getHttpMethod() as 'GET',
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(signal ? { signal } : {}),
    }),
    signal,
  );
  const payload = response.body;
  // Read once, on demand, whichever way client-node asks for it.
  let bytes: Promise<Buffer> | null = null;
  const binary = () => (bytes ??= payload.arrayBuffer().then((buffer) => Buffer.from(buffer)));
  return new (kubernetesClient().ResponseContext)(response.statusCode, flatHeaders(response.headers), {
    binary,
    text: async () => (await binary()).toString('utf8'),
    stream: () => Readable.toWeb(payload) as ReadableStream<Uint8Array>,
  });
}

/** The generated API classes kube/api uses; each is built the same way. */
type ApiClass<Api> = new (configuration: Configuration) => Api;

/**
 * An API object for the kubeconfig's current context, as `kubeConfig.makeApiClient(api)`, without fetch. `proxyEnv`
 * holds the environment's proxy variables (ResolvedAccess.proxyEnv); the kubeconfig's proxy-url wins over them.
 */
function makeApi<Api>(kubeConfig: KubeConfig, api: ApiClass<Api>, proxyEnv: NodeJS.ProcessEnv | undefined): Api {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  const { createConfiguration, Observable, ServerConfiguration } = kubernetesClient();
  // Read once per API object: the kubeconfig's files and auth providers, and the proxy choice.
  const connection = serverConnection(kubeConfig, proxyEnv);
  // Its failure is reported by the first request; until then nobody awaits it.
  connection.catch(() => {});
  const authentication: SecurityAuthentication = {
    getName: () => 'kubeconfig',
    async applySecurityAuthentication(context) {
      for (const [name, value] of Object.entries((await connection).headers)) context.setHeaderParam(name, value);
    },
  };
  const httpApi: HttpLibrary = {
    send: (request) =>
      new Observable(
        send(
          request,
          connection.then((ready) => dispatcherFor(kubeConfig, ready)),
        ),
      ),
  };
  return new api(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: authentication },
      httpApi,
    }),
  );
}

/** A CoreV1Api for the kubeconfig's current context (pods, namespaces), through its proxy and TLS settings. */
export function makeCoreV1Api(kubeConfig: KubeConfig, proxyEnv?: NodeJS.ProcessEnv): CoreV1Api {
  return makeApi(kubeConfig, kubernetesClient().CoreV1Api, proxyEnv);
}

/** An AuthorizationV1Api (SelfSubjectAccessReview), the same way. */
export function makeAuthorizationV1Api(kubeConfig: KubeConfig, proxyEnv?: NodeJS.ProcessEnv): AuthorizationV1Api {
  return makeApi(kubeConfig, kubernetesClient().AuthorizationV1Api, proxyEnv);
}

/** An answer whose body is read as it arrives (a watch), with its status and headers. */
export interface StreamedAnswer {
  status: number;
  body: Readable;
}

/**
 * A GET whose answer is a stream (a watch: one JSON event per line, for minutes), with the kubeconfig's credentials,
 * TLS and proxy, through the same dispatcher as the API classes. The signal ends it.
 */
export async function openApiStream(
  kubeConfig: KubeConfig,
  path: string,
  signal: AbortSignal,
  proxyEnv?: NodeJS.ProcessEnv,
): Promise<StreamedAnswer> {
  const connection = await serverConnection(kubeConfig, proxyEnv);
  const url = new URL(`${connection.server.href.replace(/\/+$/, '')}${path}`);
  const response = await settleOnAbort(
    dispatcherFor(kubeConfig, connection).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...connection.headers },
      signal,
    }),
    signal,
  );
  return { status: response.statusCode, body: response.body };
}
