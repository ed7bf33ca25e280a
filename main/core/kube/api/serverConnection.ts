/**
 * How to reach the API server of a resolved access, for both the pod reads (httpLibrary.ts) and the exec WebSocket
 * (kube/exec): the TLS settings and request headers the kubeconfig gives (CA, client certificate, skip-verify,
 * tls-server-name, token or basic auth, impersonation), and the proxy in between (net/proxy.ts: the cluster's
 * proxy-url, else the environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY as kubectl reads them).
 *
 * Why not client-node's own agents: for socks5:// they resolve the server's name locally and drop tls-server-name, they
 * never read the environment's proxy variables, and they refuse an http:// server unless skip-verify is set, none of
 * which kubectl does. Only the kubeconfig's reading (files, auth providers) is taken from client-node.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { proxyRouteFor, type ProxyRoute, type ServerTlsOptions } from '../../net';

/** What KubeConfig's (private, untyped) applyOptions fills in: https.RequestOptions' TLS fields and headers. */
interface KubeconfigRequestOptions extends ServerTlsOptions {
  headers?: Record<string, string>;
}

/** The part of client-node's KubeConfig this file uses that its typings mark private. */
interface KubeConfigInternals {
  applyOptions(options: KubeconfigRequestOptions): Promise<void>;
}

export interface ServerConnection {
  /** The API server URL. */
  server: URL;
  /** The proxy in between, or null for a direct connection. */
  route: ProxyRoute | null;
  /** For https:// servers. */
  tls: ServerTlsOptions;
  /** Authorization (bearer or basic), Impersonate-User: what every request to this server carries. */
  headers: Record<string, string>;
}

/**
 * The connection settings of the kubeconfig's current context. `proxyEnv` holds the environment's proxy variables
 * (ResolvedAccess.proxyEnv); absent means none are set. Throws when the kubeconfig names a proxy or server that cannot
 * be used (the message names the setting).
 */
export async function serverConnection(
  kubeConfig: KubeConfig,
  proxyEnv: NodeJS.ProcessEnv | undefined,
): Promise<ServerConnection> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) throw new Error("the kubeconfig's current context names no cluster with a server URL.");
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw new Error(`the cluster's server "${cluster.server}" is not a URL: write it as https://host:port.`);
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') {
    throw new Error(`the cluster's server "${cluster.server}" is not an http:// or https:// URL.`);
  }
  const options: KubeconfigRequestOptions = {};
  // applyOptions: CA, client certificate and key (files read), skip-verify, tls-server-name, token, auth providers.
  await (kubeConfig as unknown as KubeConfigInternals).applyOptions(options);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const user = kubeConfig.getCurrentUser();
  if (user?.username) {
    headers['Authorization'] = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  }
  const tls: ServerTlsOptions = {};
  if (options.ca !== undefined) tls.ca = options.ca;
  if (options.cert !== undefined) tls.cert = options.cert;
  if (options.key !== undefined) tls.key = options.key;
  if (options.pfx !== undefined) tls.pfx = options.pfx;
  if (options.passphrase !== undefined) tls.passphrase = options.passphrase;
  if (options.rejectUnauthorized !== undefined) tls.rejectUnauthorized = options.rejectUnauthorized;
  // tls-server-name: set even without a user (client-node applies the cluster's TLS only when there is one).
  const servername = options.servername ?? cluster.tlsServerName;
  if (servername) tls.servername = servername;
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
  return { server, route: proxyRouteFor(server, cluster.proxyUrl, proxyEnv ?? {}), tls, headers };
}

/** The proxy a connection to this access's server goes through, or null; throws like serverConnection. */
export function proxyRouteOf(kubeConfig: KubeConfig, proxyEnv: NodeJS.ProcessEnv | undefined): ProxyRoute | null {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster?.server) return null;
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    return null;
  }
  return proxyRouteFor(server, cluster.proxyUrl, proxyEnv ?? {});
}

/** " via socks5://127.0.0.1:1080 (proxy-url)" for descriptions and messages; "" for a direct connection. */
export function viaProxyWords(route: ProxyRoute | null): string {
  return route === null ? '' : ` via ${route.shown} (${route.source})`;
}
