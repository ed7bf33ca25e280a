/**
 * net/: what the network's failures mean, which proxy stands between us and a server (proxy.ts: kubectl's rules) and
 * the one way to open a connection through it (proxySocket.ts), below every room that dials a server (kube/api, the
 * transports). It imports nothing of ours.
 */
export {
  classifySocketCode,
  classifySocketError,
  deepestMessage,
  socketErrorCode,
  type SocketErrorClass,
  type SocketErrorKind,
} from './socketErrors';
export {
  environmentProxyRoute,
  hasProxyVariables,
  kubeconfigProxyRoute,
  parseNoProxy,
  ProxyConfigError,
  proxyRouteFor,
  proxyVariables,
  showProxy,
  type ProxyRoute,
  type ProxySource,
} from './proxy';
export {
  dialServer,
  ProxyError,
  type DialOptions,
  proxyErrorOf,
  proxyFailureFix,
  type ProxyFailureKind,
  type ProxyStep,
  type ServerTlsOptions,
} from './proxySocket';
