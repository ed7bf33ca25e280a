/**
 * How kube/api's CoreV1Api calls reach the API server: through undici's dispatcher (the same pooled, TLS-configured
 * Agent client-node builds from the kubeconfig), not through `fetch`.
 *
 * Why not client-node's default: it sends with undici's `fetch`, which follows the browsers' Fetch standard and refuses
 * the "bad ports" browsers block (6000, 6665–6669, 10080, …) with "fetch failed (bad port)". kubectl has no such list,
 * so an API server kubectl reaches on one of those ports must be reachable here too. The dispatcher's own `request` is
 * the same HTTP client fetch sits on (pooling, TLS, undici's diagnostics channels, which requestDeadline.ts listens to)
 * without the browser's port list.
 */
import { Readable } from 'node:stream';
import {
  AuthorizationV1Api,
  CoreV1Api,
  createConfiguration,
  HttpMethod,
  Observable,
  RequestContext as RequestContextClass,
  ResponseContext,
  ServerConfiguration,
  type HttpLibrary,
  type KubeConfig,
  type RequestContext,
} from '@kubernetes/client-node';

/** What client-node's kubeconfig authentication sets on a request: an undici Dispatcher (Agent or ProxyAgent). */
type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * undici keeps its default Agent under this global symbol so every copy of undici in a process shares it; client-node's
 * copy sets it when it loads. A kubeconfig with no TLS settings of its own (a server signed by a public CA, a token)
 * gets no dispatcher from client-node, and fetch would use this one: so do we.
 */
const UNDICI_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.2');

/** Sent like kubectl's "kubectl/v1.x (linux/amd64)", so API server audit logs say who asked. */
const USER_AGENT = 'podterm';

function defaultDispatcher(): Dispatcher {
  const dispatcher = (globalThis as Record<symbol, unknown>)[UNDICI_GLOBAL_DISPATCHER] as Dispatcher | undefined;
  if (!dispatcher) throw new Error("undici's default dispatcher is missing: @kubernetes/client-node did not load it.");
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

async function send(request: RequestContext): Promise<ResponseContext> {
  const url = new URL(request.getUrl());
  const body = request.getBody();
  if (body !== undefined && typeof body !== 'string') {
    // CoreV1Api's reads and lists send no body; a form body would be a new use this file must learn first.
    throw new Error('kube/api sends JSON bodies only');
  }
  const headers = { 'user-agent': USER_AGENT, ...request.getHeaders() };
  const signal = request.getSignal();
  const response = await settleOnAbort(
    (request.getDispatcher() ?? defaultDispatcher()).request({
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
  return new ResponseContext(response.statusCode, flatHeaders(response.headers), {
    binary,
    text: async () => (await binary()).toString('utf8'),
    stream: () => Readable.toWeb(payload) as ReadableStream<Uint8Array>,
  });
}

const dispatcherHttpLibrary: HttpLibrary = {
  send: (request) => new Observable(send(request)),
};

/** The generated API classes kube/api uses; each is built the same way. */
type ApiClass<Api> = new (configuration: ReturnType<typeof createConfiguration>) => Api;

function makeApi<Api>(kubeConfig: KubeConfig, api: ApiClass<Api>): Api {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  return new api(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      httpApi: dispatcherHttpLibrary,
    }),
  );
}

/** A CoreV1Api for the kubeconfig's current context, as `kubeConfig.makeApiClient(CoreV1Api)`, without fetch. */
export function makeCoreV1Api(kubeConfig: KubeConfig): CoreV1Api {
  return makeApi(kubeConfig, CoreV1Api);
}

/** An AuthorizationV1Api (SelfSubjectAccessReview), the same way. */
export function makeAuthorizationV1Api(kubeConfig: KubeConfig): AuthorizationV1Api {
  return makeApi(kubeConfig, AuthorizationV1Api);
}

/** An answer whose body is read as it arrives (a watch), with its status and headers. */
export interface StreamedAnswer {
  status: number;
  body: Readable;
}

/**
 * A GET whose answer is a stream (a watch: one JSON event per line, for minutes), with the kubeconfig's credentials
 * and TLS, through the same dispatcher as the API classes. The signal ends it.
 */
export async function openApiStream(
  kubeConfig: KubeConfig,
  path: string,
  signal: AbortSignal,
): Promise<StreamedAnswer> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  const context = new RequestContextClass(`${cluster.server.replace(/\/+$/, '')}${path}`, HttpMethod.GET);
  await kubeConfig.applySecurityAuthentication(context);
  const url = new URL(context.getUrl());
  const response = await settleOnAbort(
    (context.getDispatcher() ?? defaultDispatcher()).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...context.getHeaders() },
      signal,
    }),
    signal,
  );
  return { status: response.statusCode, body: response.body };
}
