/**
 * What a socket or TLS error means, for every caller that dials a server: the SSH and exec transports, the pod read
 * and the list calls. One classification, so that "refused" or "untrusted certificate" means the same code everywhere;
 * each caller decides what a kind means for it (the pod read, for one, treats a refused port as an unreachable server)
 * and says it in its own words.
 */

export type SocketErrorKind =
  /** The host name could not be resolved. */
  | 'dns'
  /** The host answered, but nothing listens on that port. */
  | 'refused'
  /** No route to the host, or the network is down: nothing answered at all. */
  | 'unreachable'
  /** Connecting took longer than the system or the HTTP client allows. */
  | 'timeout'
  /** The connection was cut by the other end or something in between. */
  | 'reset'
  /** The server's certificate does not lead to a CA we trust (self-signed, private CA, wrong CA). */
  | 'untrustedCertificate'
  /** The certificate's chain is trusted, but it is not valid now or not for this name. */
  | 'invalidCertificate'
  /** Our own client certificate or key could not be used (OpenSSL could not load or match them). */
  | 'clientCredentials'
  /** Any other TLS failure: the server's alert, a protocol mismatch, a port that does not speak TLS. */
  | 'tlsHandshake'
  /** No code, or one that says nothing about the network. */
  | 'other';

export interface SocketErrorClass {
  kind: SocketErrorKind;
  /** The code it was told by ("ECONNREFUSED", "CERT_HAS_EXPIRED"), for messages; null when the error had none. */
  code: string | null;
}

/** How deep to look through error.cause chains (fetch → undici → socket) for a code or a message that says something. */
const MAX_CAUSE_DEPTH = 6;

/** Codes by kind; TLS codes that come in families are matched by prefix in classifySocketCode. */
const KIND_BY_CODE: Readonly<Record<string, SocketErrorKind>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ENETDOWN: 'unreachable',
  ETIMEDOUT: 'timeout',
  // undici's (fetch's) own name for a connect timeout.
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  // undici's "the socket closed under the request".
  UND_ERR_SOCKET: 'reset',
  // OpenSSL's verification results (Node names them after OpenSSL's X509_V_ERR_ constants).
  DEPTH_ZERO_SELF_SIGNED_CERT: 'untrustedCertificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrustedCertificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrustedCertificate',
  UNABLE_TO_GET_ISSUER_CERT: 'untrustedCertificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrustedCertificate',
  CERT_UNTRUSTED: 'untrustedCertificate',
  CERT_SIGNATURE_FAILURE: 'untrustedCertificate',
  CERT_HAS_EXPIRED: 'invalidCertificate',
  CERT_NOT_YET_VALID: 'invalidCertificate',
  CERT_REVOKED: 'invalidCertificate',
  // Node's own check of the name in the URL against the certificate's subjectAltNames.
  ERR_TLS_CERT_ALTNAME_INVALID: 'invalidCertificate',
  // The generic errno Node reports some handshake failures with ("wrong version number" on older OpenSSL).
  EPROTO: 'tlsHandshake',
};

/** The kind a system error code stands for. */
export function classifySocketCode(code: string): SocketErrorKind {
  const known = KIND_BY_CODE[code];
  if (known !== undefined) return known;
  // OpenSSL's decoder and key errors: the client certificate or key we were given.
  if (code.startsWith('ERR_OSSL_')) return 'clientCredentials';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'tlsHandshake';
  return 'other';
}

/** The first system error code on the error or its causes (fetch wraps the socket's error twice), or null. */
export function socketErrorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current != null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** What the error says about the connection: its kind and the code it was told by. */
export function classifySocketError(error: unknown): SocketErrorClass {
  const code = socketErrorCode(error);
  return { kind: code === null ? 'other' : classifySocketCode(code), code };
}

/**
 * "fetch failed" says nothing; the innermost cause usually does: "fetch failed (connect ECONNREFUSED …)". Both are a
 * library's text, which can repeat what it was given (undici quotes an invalid header value: the token), so the caller
 * passes the scrubber of the secrets its attempt used (secrets/scrub.ts; net/ sits below that room and takes it as a
 * function).
 */
export function deepestMessage(error: Error, scrub: (text: string) => string): string {
  let current: Error = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current.cause instanceof Error; depth += 1) current = current.cause;
  return scrub(current === error ? error.message : `${error.message} (${current.message})`);
}
