/**
 * Why a Kubernetes exec could not open, in words a person can act on. Every failure the exec session reports while
 * connecting goes through here: a refused upgrade (with the API server's own Status message, which client-node drops),
 * a socket or TLS error (classified by net/), a failure status right after the upgrade (no shell in the image), a
 * timeout.
 *
 * No message ever includes a token or key: they are built from the server URL, the pod's names, HTTP statuses, the
 * server's Status message and Node error codes, never from request headers; and every text that came from the server
 * or a library (which may echo what it was sent) goes through the context's scrubber first.
 */
import { EXEC_SUBPROTOCOLS, parseApiStatus } from './execProtocol';
import { classifySocketError, proxyErrorOf, proxyFailureFix, type SocketErrorKind } from '../../net';

/**
 * Why opening failed, for code (fall back or not, which icon). `config` and `execFailed` extend the original list:
 * the kubeconfig cannot be used as it is (no cluster, an http:// server without insecure-skip-tls-verify), and the API
 * server accepted the exec but could not start the command for a reason other than a missing executable.
 */
export const KUBE_EXEC_FAILURES = [
  'unauthorized',
  'forbidden',
  'notFound',
  'badRequest',
  'tls',
  'unreachable',
  'refused',
  'timeout',
  'upgradeRefused',
  'noShell',
  'execFailed',
  'protocol',
  'config',
  'aborted',
  'proxy',
] as const;
export type KubeExecFailure = (typeof KUBE_EXEC_FAILURES)[number];

/** Opening an exec session failed. `reason` is for code; the message is for people. */
export class KubeExecError extends Error {
  constructor(
    readonly reason: KubeExecFailure,
    message: string,
    /** The HTTP status of a refused upgrade; null when the failure was not an HTTP answer. */
    readonly httpStatus: number | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'KubeExecError';
  }
}

/** What the messages need to know about the attempt. */
export interface ExecErrorContext {
  /** The API server URL without credentials, query or fragment: "https://10.0.0.1:6443". */
  server: string;
  namespace: string;
  pod: string;
  container: string | null;
  command: readonly string[];
  /** Whether the kubeconfig supplied a CA for the cluster (otherwise the machine's CAs were used). */
  hasCa: boolean;
  connectTimeoutMs: number;
  /**
   * 'attach' when joining a running container's process (pods/attach, a debug container) rather than starting a
   * command (pods/exec, the default): the words and the RBAC fix name it.
   */
  subresource?: 'exec' | 'attach';
  /** Hides the secrets the session sends (secrets/scrub.ts) in any text from the server or a library. */
  scrub(text: string): string;
}

/** The server URL as people should see it: no user:password, no query. */
export function displayServer(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return server;
  }
}

function podWords(context: ExecErrorContext): string {
  return `${context.namespace}/${context.pod}`;
}

function containerWords(context: ExecErrorContext): string {
  return context.container === null ? 'The default container' : `The container "${context.container}"`;
}

/** Server messages are shown verbatim but bounded: a proxy's HTML error page is not a message. */
const MAX_SHOWN_BODY_CHARS = 300;

function bodyWords(body: string): string | null {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text === '' || /^<(!doctype|html)/i.test(text)) return null;
  return text.length > MAX_SHOWN_BODY_CHARS ? `${text.slice(0, MAX_SHOWN_BODY_CHARS)}…` : text;
}

/** The API server answered the upgrade with something other than 101 Switching Protocols. */
export function describeUpgradeFailure(
  context: ExecErrorContext,
  httpStatus: number,
  statusText: string,
  body: string,
): KubeExecError {
  const status = parseApiStatus(body);
  const serverMessage = status?.message == null ? null : context.scrub(status.message);
  const bodySaid = bodyWords(body);
  const said = serverMessage ?? (bodySaid === null ? null : context.scrub(bodySaid));
  const http = `${httpStatus}${statusText ? ` ${statusText}` : ''}`;
  const make = (reason: KubeExecError['reason'], message: string) => new KubeExecError(reason, message, httpStatus);
  switch (httpStatus) {
    case 401:
      return make(
        'unauthorized',
        `The API server at ${context.server} rejected the credentials (401 Unauthorized): the token or certificate is invalid or expired.`,
      );
    case 403: {
      const resource = `pods/${context.subresource ?? 'exec'}`;
      const fix = `ask the cluster admin for RBAC permission to create ${resource} in namespace "${context.namespace}"`;
      const action = context.subresource === 'attach' ? 'Attaching to' : 'Exec into';
      return make(
        'forbidden',
        said !== null
          ? `${action} pod ${podWords(context)} is forbidden (403): ${said}. To fix it, ${fix}.`
          : `${action} pod ${podWords(context)} is forbidden (403): the credentials may not create "${resource}". To fix it, ${fix}.`,
      );
    }
    case 404: {
      const namespaceGone = /^namespaces? "/i.test(serverMessage ?? '');
      const podGone = /^pods? "/i.test(serverMessage ?? '');
      if (!namespaceGone && !podGone) {
        // Not the pod: the exec path itself is unknown there (a wrong path prefix, or not an API server at all).
        return make(
          'notFound',
          `The server at ${context.server} answered 404 for the exec URL${said !== null ? ` (${said})` : ''}: is it a Kubernetes API server? Check the server URL and its path.`,
        );
      }
      const what = namespaceGone
        ? `Namespace "${context.namespace}" not found`
        : `Pod "${context.pod}" not found in namespace "${context.namespace}"`;
      return make(
        'notFound',
        `${what} (404: ${serverMessage}). Check the names; a pod replaced by its controller gets a new name.`,
      );
    }
    case 400:
      return make(
        'badRequest',
        `The API server refused the ${context.subresource ?? 'exec'} into pod ${podWords(context)} (400 Bad Request): ${said ?? 'no reason given'}.`,
      );
    default:
      return make(
        'upgradeRefused',
        `The API server at ${context.server} refused the ${context.subresource ?? 'exec'} into pod ${podWords(context)} (HTTP ${http})${said !== null ? `: ${said}` : ''}.`,
      );
  }
}

/** The API server accepted the exec, then said on channel 3 that the command could not run. */
export function describeStartFailure(
  context: ExecErrorContext,
  failure: { reason: string | null; message: string },
): KubeExecError {
  const missing = /executable file not found|no such file or directory|not found in \$PATH/i.test(failure.message);
  const said = context.scrub(failure.message);
  const where = `${containerWords(context)} of pod ${podWords(context)}`;
  if (missing) {
    const program = context.command[0] ?? 'sh';
    if (program === 'sh') {
      return new KubeExecError(
        'noShell',
        `${where} has no shell (sh was not found): distroless images ship without one. Use "Debug with an ephemeral container" (on this card, or in the record's or the tab's menu), or set a shell override.`,
      );
    }
    return new KubeExecError(
      'noShell',
      `${where} has no ${program} (the shell override was not found in the image): check the override, or clear it to use the image's sh.`,
    );
  }
  return new KubeExecError(
    'execFailed',
    `${where} could not start the shell${failure.reason ? ` (${context.scrub(failure.reason)})` : ''}: ${said}`,
  );
}

type NodeError = Error & { code?: unknown; reason?: unknown; host?: unknown };

/** OpenSSL verification codes, and what each says about the API server's certificate. */
const CERTIFICATE_PROBLEMS: Record<string, (context: ExecErrorContext) => string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: (c) =>
    c.hasCa
      ? "the API server's certificate is self-signed and is not the CA in the kubeconfig"
      : "the API server's certificate is self-signed and the kubeconfig has no certificate-authority-data to trust it",
  SELF_SIGNED_CERT_IN_CHAIN: (c) =>
    c.hasCa
      ? "the API server's certificate chain ends in a self-signed CA other than the one in the kubeconfig"
      : "the API server's certificate chain ends in a private CA and the kubeconfig has no certificate-authority-data for it",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: (c) => notSignedBy(c),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: (c) => notSignedBy(c),
  UNABLE_TO_GET_ISSUER_CERT: (c) => notSignedBy(c),
  CERT_SIGNATURE_FAILURE: (c) => notSignedBy(c),
  CERT_UNTRUSTED: (c) => notSignedBy(c),
  CERT_HAS_EXPIRED: () => "the API server's certificate has expired (or this machine's clock is wrong)",
  CERT_NOT_YET_VALID: () => "the API server's certificate is not valid yet (check this machine's clock)",
  CERT_REVOKED: () => "the API server's certificate has been revoked",
};

function notSignedBy(context: ExecErrorContext): string {
  return context.hasCa
    ? "the API server's certificate is not signed by the CA in the kubeconfig"
    : "the API server's certificate is not signed by any CA this machine trusts, and the kubeconfig has no certificate-authority-data";
}

const TLS_FIX = 'check certificate-authority-data, or set insecure-skip-tls-verify only if you trust the network';

type TlsErrorKind = Extract<
  SocketErrorKind,
  'untrustedCertificate' | 'invalidCertificate' | 'clientCredentials' | 'tlsHandshake'
>;

function describeTlsError(
  context: ExecErrorContext,
  error: NodeError,
  kind: TlsErrorKind,
  code: string,
): KubeExecError {
  const make = (message: string) => new KubeExecError('tls', context.scrub(message), null, { cause: error });
  const prefix = `TLS with the API server at ${context.server} failed`;
  const problem = CERTIFICATE_PROBLEMS[code];
  if (problem !== undefined) return make(`${prefix}: ${problem(context)} (${code}); ${TLS_FIX}.`);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const detail = typeof error.reason === 'string' ? error.reason : error.message;
    return make(
      `${prefix}: the API server's certificate is not issued for the address in the server URL (${detail}); use a name the certificate lists, or set tls-server-name in the kubeconfig.`,
    );
  }
  // Our side: the kubeconfig's client certificate or key is malformed, or the two do not belong together.
  if (kind === 'clientCredentials') {
    return make(
      `${prefix}: the client certificate or key in the kubeconfig could not be used (${code}: ${error.message}); check client-certificate-data and client-key-data.`,
    );
  }
  // The server's alerts: usually it wanted a client certificate it could verify.
  if (/^ERR_SSL_.*ALERT/.test(code)) {
    return make(
      `${prefix}: the server ended the handshake (${code}); it may require a client certificate signed by its CA.`,
    );
  }
  const hint = /WRONG_VERSION_NUMBER|wrong version number/i.test(`${code} ${error.message}`)
    ? ': the port answered, but not with TLS (is it an http:// port?)'
    : `: ${error.message}`;
  return make(`${prefix} (${code})${hint}.`);
}

/** Something below HTTP failed before the upgrade: DNS, TCP, TLS, or ws rejecting the server's handshake answer. */
export function describeSocketError(context: ExecErrorContext, error: Error): KubeExecError {
  const { kind, code } = classifySocketError(error);
  // The whole message is scrubbed: ws and Node may quote what they were given (a header value, a key).
  const make = (reason: KubeExecError['reason'], message: string) =>
    new KubeExecError(reason, context.scrub(message), null, { cause: error });
  // The proxy failed, not the API server: say which and why (net/proxySocket.ts words both).
  const proxyError = proxyErrorOf(error);
  if (proxyError !== null) {
    const message = proxyError.message.charAt(0).toUpperCase() + proxyError.message.slice(1);
    return make('proxy', `${message}. ${proxyFailureFix(proxyError, context.server)}`);
  }
  switch (kind) {
    case 'refused':
      return make(
        'refused',
        `Connecting to the API server at ${context.server} was refused: nothing is listening there.`,
      );
    case 'dns':
      return make(
        'unreachable',
        `The API server host "${hostOf(context.server)}" could not be resolved (${code}): check the server URL.`,
      );
    case 'unreachable':
      return make('unreachable', `The API server at ${context.server} is unreachable (${code}): no route to it.`);
    case 'timeout':
      return make('timeout', `Connecting to the API server at ${context.server} timed out (${code}).`);
    case 'reset':
      return make(
        'unreachable',
        `The connection to the API server at ${context.server} was reset before the exec upgrade (${code}): a proxy or firewall may be in the way.`,
      );
    case 'untrustedCertificate':
    case 'invalidCertificate':
    case 'clientCredentials':
    case 'tlsHandshake':
      // A TLS kind always comes from a code.
      return describeTlsError(context, error as NodeError, kind, code ?? '');
    case 'other':
      break;
  }
  // ws rejects a handshake answer it cannot accept (these are its own messages, with no code).
  if (/subprotocol/i.test(error.message)) {
    return make(
      'protocol',
      `The API server at ${context.server} answered the exec upgrade without agreeing on a protocol Podterm speaks (offered ${EXEC_SUBPROTOCOLS.join(', ')}): ${error.message}.`,
    );
  }
  return make(
    'protocol',
    `The exec upgrade to the API server at ${context.server} failed${code ? ` (${code})` : ''}: ${error.message}`,
  );
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname;
  } catch {
    return server;
  }
}
