/**
 * The environment's proxy variables as kubectl on this machine would see them, and the words the attempt log uses for
 * the proxy an access goes through. kubectl reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the shell it runs in; a
 * desktop app started from a launcher has none of what the shell's rc files export, so when the app's own environment
 * sets none of them the login shell's environment (loginEnvironment.ts) is where they come from. An app started from a
 * terminal that sets any of them uses its own, which is that terminal's, as kubectl there would.
 */
import { hasProxyVariables, proxyRouteFor, proxyVariables } from '../../net';
import type { AccessEnvironment, ResolvedAccess } from './types';

/** Only the proxy variables, so an access does not carry the whole environment around. */
export async function proxyEnvironmentOf(environment: AccessEnvironment): Promise<NodeJS.ProcessEnv> {
  if (hasProxyVariables(environment.env)) return proxyVariables(environment.env);
  return proxyVariables(await environment.loginEnv());
}

/**
 * The access with its proxy environment, its description naming the proxy it goes through ("… via
 * socks5://127.0.0.1:1080 (proxy-url)"; never the proxy's credentials). Throws (a ProxyConfigError naming the setting)
 * when the proxy-url or the environment's proxy cannot be used.
 */
export function withProxy<T extends Pick<ResolvedAccess, 'kubeConfig' | 'server' | 'description'>>(
  access: T,
  proxyEnv: NodeJS.ProcessEnv,
): T & { proxyEnv: NodeJS.ProcessEnv } {
  const cluster = access.kubeConfig.getCurrentCluster();
  let server: URL | null = null;
  try {
    server = new URL(access.server);
  } catch {
    // An unusable server URL is reported by the request that tries it, in its own words.
  }
  const route = server === null ? null : proxyRouteFor(server, cluster?.proxyUrl, proxyEnv);
  const via = route === null ? '' : ` via ${route.shown} (${route.source})`;
  return { ...access, proxyEnv, description: `${access.description}${via}` };
}
