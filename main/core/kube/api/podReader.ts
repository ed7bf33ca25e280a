/**
 * Reads one pod through the API server before an exec: it proves the access works (server reachable, TLS trusted,
 * credentials accepted, pod there) with one cheap GET whose errors can be told apart, which the exec upgrade cannot do
 * (client-node reports every refused upgrade as "Unexpected server response: 401" and drops the body). It also gives
 * the containers, the default container and whether the pod can run an exec at all.
 *
 * It owns the one way kube/api calls client-node's CoreV1Api (withApiCall) and words its failures (describeApiError);
 * lists.ts lists through both. The exec upgrade (kube/exec) is a WebSocket of its own.
 */
import type { PodInfoView } from '../../../../common/contract';
import type {
  ApiException,
  CoreV1Api,
  ObservableMiddleware,
  RequestContext,
  ResponseContext,
  V1Pod,
} from '@kubernetes/client-node';
import { makeCoreV1Api } from './httpLibrary';
import { readinessOf } from './podReadiness';
import { DEFAULT_REACH_TIMEOUT_MS, startRequestDeadline, type ExpiredDeadline } from './requestDeadline';
import { accessScrubber, kubernetesClient, type AccessWithSecrets, type ResolvedAccess } from '../access';
import { classifySocketError, deepestMessage, proxyErrorOf, proxyFailureFix, type SocketErrorKind } from '../../net';

/**
 * How long the pod read may take. A healthy API server answers in milliseconds (a busy one in about a second); 10 s
 * reports an address that drops packets while the user is still watching the tab, like the SSH connect timeout.
 */
export const DEFAULT_POD_READ_TIMEOUT_MS = 10_000;
/** kubectl's annotation naming the container `kubectl exec` uses when none is given. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';
/** Enough of an error body to show its message; API server Status bodies are a few hundred bytes. */
const MAX_ERROR_BODY_CHARS = 2_000;

/** What the connect chain needs to know about a pod: the view Refresh shows, plus where the pod is. */
export interface PodInfo extends PodInfoView {
  name: string;
  namespace: string;
}

export const POD_READ_FAILURES = [
  'notFound',
  'unauthorized',
  'forbidden',
  'tls',
  'unreachable',
  'timeout',
  'server',
  'other',
] as const;
export type PodReadFailure = (typeof POD_READ_FAILURES)[number];

/** Reading the pod failed. `reason` is for code (every one of them means "try the next method"); the message is for people. */
export class PodReadError extends Error {
  constructor(
    readonly reason: PodReadFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PodReadError';
  }
}

/** The API server says there is no such pod (404). */
export class PodNotFoundError extends PodReadError {
  constructor(
    readonly namespace: string,
    readonly podName: string,
    message: string,
  ) {
    super('notFound', message);
    this.name = 'PodNotFoundError';
  }
}

/** Reads the pod with the access's credentials. Throws PodReadError (PodNotFoundError for a 404). */
export async function readPod(
  access: ResolvedAccess,
  namespace: string,
  name: string,
  options: ApiRequestTimeouts = {},
): Promise<PodInfo> {
  return withApiCall(
    access,
    { timeoutMs: options.timeoutMs ?? DEFAULT_POD_READ_TIMEOUT_MS, reachTimeoutMs: options.reachTimeoutMs },
    async (api, middleware) => podInfo(await api.readNamespacedPod({ name, namespace }, middleware), namespace, name),
    (error, errorBody) => describeError(error, { access, namespace, name, errorBody }),
  );
}

/** The per-call options CoreV1Api methods take: here, the middleware withApiCall adds. */
export type ApiCallOptions = Parameters<CoreV1Api['listNamespace']>[1];

/**
 * One CoreV1Api call with the access's credentials, bounded by the request deadlines (requestDeadline.ts) and keeping
 * the body of an error answer. A deadline that ended the call is reported as such (deadlineError); any other failure
 * goes through `describe`, with the error body when there was one. Shared by the pod read and the list calls.
 */
export async function withApiCall<T>(
  access: Pick<ResolvedAccess, 'kubeConfig' | 'server' | 'description' | 'proxyEnv'>,
  timeouts: { timeoutMs: number; reachTimeoutMs?: number | undefined },
  call: (api: CoreV1Api, options: ApiCallOptions) => Promise<T>,
  describe: (error: unknown, errorBody: string | null) => Error,
): Promise<T> {
  return withApi(access, timeouts, makeCoreV1Api, call, describe);
}

/** withApiCall for any of the generated API classes (accessReview.ts uses AuthorizationV1Api). */
export async function withApi<Api, T>(
  access: Pick<ResolvedAccess, 'kubeConfig' | 'server' | 'description' | 'proxyEnv'>,
  timeouts: { timeoutMs: number; reachTimeoutMs?: number | undefined },
  makeApi: (kubeConfig: ResolvedAccess['kubeConfig'], proxyEnv: ResolvedAccess['proxyEnv']) => Api,
  call: (api: Api, options: ApiCallOptions) => Promise<T>,
  describe: (error: unknown, errorBody: string | null) => Error,
): Promise<T> {
  const deadline = startRequestDeadline(access.server, {
    answerTimeoutMs: timeouts.timeoutMs,
    reachTimeoutMs: timeouts.reachTimeoutMs,
  });
  const errorBody: { text: string | null } = { text: null };
  try {
    const api = makeApi(access.kubeConfig, access.proxyEnv);
    return await call(api, {
      middleware: [abortAndKeepErrorBody(deadline.signal, errorBody)],
      middlewareMergeStrategy: 'append',
    });
  } catch (error) {
    throw (
      deadlineError(deadline.expired, access, { answerMs: timeouts.timeoutMs, reachMs: timeouts.reachTimeoutMs }) ??
      describe(error, errorBody.text)
    );
  } finally {
    deadline.dispose();
  }
}

/** Bounds for one request to the API server (requestDeadline.ts): reaching it, and its whole answer. */
export interface ApiRequestTimeouts {
  /** The whole request; each caller has its own default. */
  timeoutMs?: number | undefined;
  /** Reaching the server (TCP, TLS, the request sent); defaults to DEFAULT_REACH_TIMEOUT_MS. */
  reachTimeoutMs?: number | undefined;
}

/**
 * The error for a request that a deadline aborted, or null when none did. "Not reached" is 'unreachable' (the host
 * drops packets: nothing else aimed at it will do better); "no answer in time" is 'timeout'.
 */
export function deadlineError(
  expired: ExpiredDeadline | null,
  access: Pick<ResolvedAccess, 'server' | 'description'>,
  timeouts: { answerMs: number; reachMs: number | undefined },
): PodReadError | null {
  const { server, description: via } = access;
  if (expired === 'reach') {
    const reachMs = Math.min(timeouts.reachMs ?? DEFAULT_REACH_TIMEOUT_MS, timeouts.answerMs);
    return new PodReadError(
      'unreachable',
      `cannot reach the API server at ${server}: no connection within ${reachMs / 1000} s (${via}). Check the address, the VPN or the firewall.`,
    );
  }
  if (expired === 'answer') {
    return new PodReadError(
      'timeout',
      `the API server at ${server} did not answer within ${timeouts.answerMs / 1000} s (${via}). Check the address, the VPN or the firewall.`,
    );
  }
  return null;
}

/**
 * Sets the abort signal on the request, and keeps the body of an error answer: the generated client throws a 401 with
 * no body at all, and the Status message ("token has expired", "pods is forbidden: User … cannot get …") is what
 * tells people what to fix.
 */
function abortAndKeepErrorBody(signal: AbortSignal, keep: { text: string | null }): ObservableMiddleware {
  const { Observable, ResponseContext } = kubernetesClient();
  return {
    pre(request: RequestContext) {
      request.setSignal(signal);
      return new Observable(Promise.resolve(request));
    },
    post(response: ResponseContext) {
      if (response.httpStatusCode < 400) return new Observable(Promise.resolve(response));
      const buffered = response.body.text().then(
        (text) => {
          keep.text = text.slice(0, MAX_ERROR_BODY_CHARS);
          return new ResponseContext(response.httpStatusCode, response.headers, {
            text: () => Promise.resolve(text),
            binary: () => Promise.resolve(Buffer.from(text, 'utf8')),
            stream: () => null,
          });
        },
        () => response,
      );
      return new Observable(buffered);
    },
  };
}

function podInfo(pod: V1Pod, namespace: string, name: string): PodInfo {
  const containers = (pod.spec?.containers ?? []).map((container) => container.name);
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION] ?? null;
  return {
    name: pod.metadata?.name ?? name,
    namespace: pod.metadata?.namespace ?? namespace,
    phase: pod.status?.phase ?? '',
    containers,
    defaultContainer: annotated !== null && containers.includes(annotated) ? annotated : null,
    ready: readinessOf(pod).ready,
    nodeName: pod.spec?.nodeName ?? null,
    podIP: pod.status?.podIP ?? null,
  };
}

interface ErrorContext {
  access: ResolvedAccess;
  namespace: string;
  name: string;
  errorBody: string | null;
}

/** How a read of the API server takes a failure to connect; null when the error is not one (see apiConnectFailure). */
export type ApiConnectFailure = 'untrustedCertificate' | 'tls' | 'unreachable';

/**
 * What a socket or TLS error means for a read of the API server (the pod read and the lists). Whatever kept us from
 * reaching a server (a name that does not resolve, a refused port, no route, a timeout, a cut connection) makes it
 * unreachable for this walk of the chain (UnreachableServers), a refused port as much as a silent one. Our own client
 * certificate or key failing is left to the error's own message.
 */
export function apiConnectFailure(kind: SocketErrorKind): ApiConnectFailure | null {
  switch (kind) {
    case 'untrustedCertificate':
      return 'untrustedCertificate';
    case 'invalidCertificate':
    case 'tlsHandshake':
      return 'tls';
    case 'dns':
    case 'refused':
    case 'unreachable':
    case 'timeout':
    case 'reset':
      return 'unreachable';
    case 'clientCredentials':
    case 'other':
      return null;
  }
}

function describeError(error: unknown, context: ErrorContext): PodReadError {
  const { access, namespace, name } = context;
  const pod = `pod "${name}" in namespace "${namespace}"`;
  if (isApiException(error) && error.code === 404) {
    return new PodNotFoundError(
      namespace,
      name,
      `pod "${name}" not found in namespace "${namespace}" (${access.server}, ${access.description}). Check the pod name and namespace; a pod made by a Deployment gets a new name each time it is replaced.`,
    );
  }
  return describeApiError(error, access, context.errorBody, {
    what: `read ${pod}`,
    forbiddenFix: 'Ask for RBAC permission to get pods and create pods/exec there, or use other credentials.',
    trustFix:
      "Give the cluster's CA certificate (certificate-authority-data in a kubeconfig, or the record's cluster CA); skip verification only for a throwaway test cluster.",
    answered: (code, said) => `the API server at ${access.server} answered ${code} when reading ${pod}${said}.`,
    failed: (text) => `reading ${pod} at ${access.server} failed: ${text}`,
  });
}

/** What one kind of API call says in its messages where the calls differ; the rest is worded once, below. */
export interface ApiErrorWording {
  /** What the call was doing, for a 403: "read pod "api-0" in namespace "prod"", "list namespaces". */
  what: string;
  /** The advice after a 403. */
  forbiddenFix: string;
  /** The advice after a certificate that is not trusted. */
  trustFix: string;
  /** Any other HTTP status; `said` is ": <the server's message>" or empty. */
  answered(code: number, said: string): string;
  /** Anything that is neither an HTTP status nor a failure to connect. */
  failed(text: string): string;
}

/**
 * A failed API call (the pod read, the lists) as a PodReadError: 401 and 403 with the server's own reason, a failure
 * to connect as net/ classifies it, and the caller's wording where the calls differ. The server's reason and a
 * library's error text are scrubbed of the access's secrets: a server may echo the Authorization header, and undici
 * repeats a header value it refuses.
 */
export function describeApiError(
  error: unknown,
  access: Pick<ResolvedAccess, 'server' | 'description'> & AccessWithSecrets,
  errorBody: string | null,
  wording: ApiErrorWording,
): PodReadError {
  const { server, description: via } = access;
  const scrubber = accessScrubber(access);
  if (isApiException(error)) {
    const serverSaid = statusMessage(errorBody ?? bodyText(error.body));
    const message = serverSaid === null ? null : scrubber.scrub(serverSaid);
    // "401 Unauthorized: Unauthorized" says nothing twice; a real reason ("token has expired") is worth showing.
    const said = message !== null && !/^(unauthorized|forbidden)$/i.test(message) ? `: ${message}` : '';
    if (error.code === 401) {
      return new PodReadError(
        'unauthorized',
        `the API server at ${server} did not accept the credentials of ${via} (401 Unauthorized${said}). The token or certificate may have expired or been revoked: get a new one.`,
      );
    }
    if (error.code === 403) {
      return new PodReadError(
        'forbidden',
        `${via} may not ${wording.what} (403 Forbidden${said}). ${wording.forbiddenFix}`,
      );
    }
    return new PodReadError('server', wording.answered(error.code, said));
  }

  // The proxy failed, not the API server: say which and why (net/proxySocket.ts words both).
  const proxyError = proxyErrorOf(error);
  if (proxyError !== null) {
    const reason =
      proxyError.kind === 'proxyUnreachable' || proxyError.kind === 'targetRefused' ? 'unreachable' : 'other';
    return new PodReadError(
      reason,
      scrubber.scrub(`${proxyError.message} (${via}). ${proxyFailureFix(proxyError, server)}`),
      { cause: error },
    );
  }
  const { kind, code } = classifySocketError(error);
  switch (apiConnectFailure(kind)) {
    case 'untrustedCertificate':
      return new PodReadError(
        'tls',
        `the API server's certificate at ${server} is not trusted (${code}; ${via}). ${wording.trustFix}`,
        { cause: error },
      );
    case 'tls':
      return new PodReadError(
        'tls',
        `the TLS connection to ${server} failed (${code}; ${via}). ${code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'The certificate is not for this address: use the name or IP the certificate was issued for (or set tls-server-name).' : 'Check the server certificate and the system clock.'}`,
        { cause: error },
      );
    case 'unreachable':
      return new PodReadError(
        'unreachable',
        `cannot reach the API server at ${server} (${code}; ${via}). Check the address and that the cluster is up; a VPN or proxy may be needed.`,
        { cause: error },
      );
    case null:
      break;
  }
  const text = error instanceof Error ? deepestMessage(error, (raw) => scrubber.scrub(raw)) : scrubber.messageOf(error);
  return new PodReadError('other', wording.failed(text), { cause: error });
}

/** The `message` of a Kubernetes Status body, else the body text itself when short; null when there is nothing. */
function statusMessage(body: string | null): string | null {
  if (body === null || body.trim() === '') return null;
  try {
    const parsed: unknown = JSON.parse(body);
    const message = (parsed as { message?: unknown } | null)?.message;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // Not JSON: a proxy's HTML page or plain text.
  }
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length <= 200 ? flat : `${flat.slice(0, 200)}…`;
}

function bodyText(body: unknown): string | null {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (typeof body === 'object' && body !== null) return JSON.stringify(body);
  return null;
}

/** client-node's error for an answer it got (a status code and body); it can exist only once the package is loaded. */
export function isApiException(error: unknown): error is ApiException<unknown> {
  return error instanceof kubernetesClient().ApiException;
}
