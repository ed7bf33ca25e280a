/**
 * Authentication and authorization the way kube-apiserver layers them: a verified client certificate names the user
 * by its CN (checked first, like the x509 authenticator in the union), else a bearer token must match a known one.
 * Anonymous requests are refused with 401 here (a real server may instead treat them as system:anonymous).
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export const TOKEN_USER = 'token-user';
export const FORBIDDEN_USER = 'forbidden-user';

/** Verbs the forbidden user may use: it can look at pods and namespaces but not exec into them. */
const READ_ONLY_VERBS = new Set(['get', 'list', 'watch']);

/** The user a request authenticates as, or null (→ 401). tokens maps a bearer token to its user name. */
export function authenticate(request: IncomingMessage, tokens: ReadonlyMap<string, string>): string | null {
  const socket = request.socket as TLSSocket;
  // `authorized` is true only when the client sent a certificate that chains to our CA (requestCert without
  // rejectUnauthorized lets token users in without one).
  if (socket.authorized) {
    const cn = socket.getPeerCertificate().subject?.CN;
    const name = Array.isArray(cn) ? cn[0] : cn;
    if (name) return name;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  const token = match?.[1];
  return token ? (tokens.get(token) ?? null) : null;
}

/** RBAC in one rule: everyone may do everything, except that forbidden-user may only read. */
export function authorize(user: string, verb: string): boolean {
  return user !== FORBIDDEN_USER || READ_ONLY_VERBS.has(verb);
}
