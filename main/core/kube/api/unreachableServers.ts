/**
 * API servers found unreachable during one walk down the Kubernetes methods (a connect, a Refresh). Several methods
 * often point at the same server (the default kubeconfig, the record's kubeconfig and its token, all for one
 * cluster); the first to find it silent spares the others from waiting for it again.
 */
import { CONNECTION_METHOD_LABELS } from '../../../../common/pods';
import { PodReadError } from './podReader';
import type { KubeAccessMethod, ResolvedAccess } from '../access';

export class UnreachableServers {
  /** Route (routeKey) → the method that found it unreachable. */
  private readonly found = new Map<string, KubeAccessMethod>();

  /** Why `access` is not worth trying in this walk, or null when it is. */
  skipReason(access: ResolvedAccess): string | null {
    const foundBy = this.found.get(routeKey(access));
    return foundBy === undefined
      ? null
      : `the API server at ${access.server} could not be reached a moment ago (${CONNECTION_METHOD_LABELS[foundBy]}); not waiting for it again`;
  }

  /** Remembers the server of `access` when `error` says it could not be reached. */
  note(access: ResolvedAccess, method: KubeAccessMethod, error: unknown): void {
    if (error instanceof PodReadError && error.reason === 'unreachable') this.found.set(routeKey(access), method);
  }
}

/** The way to an API server: its URL, and the proxy in between when the kubeconfig names one (proxy-url). */
function routeKey(access: ResolvedAccess): string {
  const proxy = access.kubeConfig.getCurrentCluster()?.proxyUrl;
  return proxy ? `${access.server} via ${proxy}` : access.server;
}
