/**
 * The exec (or attach) WebSocket before any frame flows: the error context its messages use, the URL, and the socket
 * options (the kubeconfig's TLS and credentials, through the same dial as the pod reads: direct or via the proxy). A
 * shell session (execSession.ts) and a piped command (execCommand.ts, file transfers) both open theirs here, so both
 * reach every server the pod reads reach.
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { KubeConfig } from '@kubernetes/client-node';
import { messageOf } from '../../../../common/errors';
import { accessScrubber } from '../access';
import { serverConnection, type ServerConnection } from '../api';
import { dialServer } from '../../net';
import { buildAttachUrl, buildExecUrl, EXEC_SUBPROTOCOLS } from './execProtocol';
import { describeSocketError, displayServer, KubeExecError, type ExecErrorContext } from './execErrors';

export interface ExecSocketOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  pod: string;
  container: string | null;
  command: string[];
  /** 'attach' joins the container's own process (pods/attach); 'exec' starts `command`. */
  subresource: 'exec' | 'attach';
  /** 'tty' (the default): one output stream; 'pipes': stdout and stderr apart, no TTY (execProtocol.ts). */
  streams?: 'pipes';
  connectTimeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The environment's proxy variables (ResolvedAccess.proxyEnv); the kubeconfig's proxy-url wins over them. */
  proxyEnv?: NodeJS.ProcessEnv | undefined;
  createWebSocket?: ((url: string, protocols: string[], options: WebSocket.ClientOptions) => WebSocket) | undefined;
}

const defaultCreateWebSocket = (url: string, protocols: string[], options: WebSocket.ClientOptions) =>
  new WebSocket(url, protocols, options);

/** Creates the WebSocket (not yet open). Throws a KubeExecError naming the problem and its fix. */
export async function openExecSocket(
  options: ExecSocketOptions,
): Promise<{ ws: WebSocket; context: ExecErrorContext }> {
  const { kubeConfig, namespace, pod, container, command, signal, subresource } = options;
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  const scrubber = accessScrubber({ kubeConfig });
  const context: ExecErrorContext = {
    server: displayServer(server),
    namespace,
    pod,
    container,
    command,
    hasCa: false,
    connectTimeoutMs: options.connectTimeoutMs,
    subresource,
    // The socket sends the kubeConfig's credentials; no message about it may repeat them.
    scrub: (text) => scrubber.scrub(text),
  };
  if (server === '') {
    throw new KubeExecError('config', `The kubeconfig's current context names no cluster with a server URL.`);
  }
  let url: string;
  try {
    url =
      subresource === 'attach' && container !== null
        ? buildAttachUrl(server, { namespace, pod, container })
        : buildExecUrl(server, {
            namespace,
            pod,
            container,
            command,
            ...(options.streams ? { streams: options.streams } : {}),
          });
  } catch (error) {
    throw new KubeExecError(
      'config',
      `The cluster server URL "${context.server}" cannot be used: ${context.scrub(messageOf(error))}`,
    );
  }
  let connection: ServerConnection;
  try {
    // CA, client certificate and key, bearer token or basic auth, skip-verify, tls-server-name, the proxy.
    connection = await serverConnection(kubeConfig, options.proxyEnv);
  } catch (error) {
    throw new KubeExecError(
      'config',
      `The kubeconfig for ${context.server} cannot be used: ${context.scrub(messageOf(error))}`,
      null,
      { cause: error },
    );
  }
  context.hasCa = connection.tls.ca !== undefined;
  const wsOptions: WebSocket.ClientOptions = {
    // The API server speaks no permessage-deflate; offering it only costs a header.
    perMessageDeflate: false,
    // A redirect on an exec upgrade would carry the credentials elsewhere.
    followRedirects: false,
    headers: connection.headers,
    // The same dial as the pod reads (net/proxySocket.ts): direct or through the proxy, TLS checked as the kubeconfig
    // says. Node's http client calls it with a callback when no agent is set.
    createConnection: ((_options: unknown, callback: (error: Error | null, socket?: Socket) => void) => {
      dialServer({
        server: connection.server,
        route: connection.route,
        tls: connection.tls,
        timeoutMs: options.connectTimeoutMs,
        signal,
      }).then(
        (socket) => callback(null, socket),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
      return undefined;
    }) as unknown as WebSocket.ClientOptions['createConnection'],
  };
  if (signal?.aborted) throw new KubeExecError('aborted', `Opening a shell in pod ${namespace}/${pod} was cancelled`);
  try {
    return { ws: (options.createWebSocket ?? defaultCreateWebSocket)(url, [...EXEC_SUBPROTOCOLS], wsOptions), context };
  } catch (error) {
    // Thrown synchronously: a malformed client key or certificate, or a URL the transport refuses.
    throw describeSocketError(context, error instanceof Error ? error : new Error(String(error)));
  }
}
