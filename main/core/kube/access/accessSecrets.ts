/**
 * The secrets a resolved access sends to its API server, for the scrubber every message about a request to that server
 * goes through (secrets/scrub.ts): each user's token, password and client key (the base64 a kubeconfig holds and the
 * PEM inside), an auth provider's tokens, and the text of the kubeconfig the access came from.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { SecretScrubber } from '../../secrets';
import type { ResolvedAccess } from './types';

/** What the scrubber needs of an access; the cluster browser's lists have only the KubeConfig. */
export type AccessWithSecrets = Pick<ResolvedAccess, 'kubeConfig'> &
  Partial<Pick<ResolvedAccess, 'token' | 'kubeconfigText'>>;

/** The scrubber of every secret this access uses. */
export function accessScrubber(access: AccessWithSecrets): SecretScrubber {
  return SecretScrubber.of([access.token, ...credentialsOf(access.kubeConfig)]).withKubeconfig(access.kubeconfigText);
}

/** Every credential the KubeConfig's users hold (client-node has already read their files and run their plugins). */
function credentialsOf(kubeConfig: KubeConfig): string[] {
  const found: string[] = [];
  // A proxy-url's user name and password (sent to the proxy, never shown).
  for (const cluster of kubeConfig.clusters) {
    if (!cluster.proxyUrl) continue;
    try {
      const url = new URL(cluster.proxyUrl);
      for (const value of [url.password, decodeURIComponent(url.password)]) if (value) found.push(value);
    } catch {
      // Not a URL: nothing in it is sent anywhere.
    }
  }
  for (const user of kubeConfig.users) {
    const { token, password, keyData } = user;
    for (const value of [token, password, keyData]) if (value) found.push(value);
    if (keyData) found.push(Buffer.from(keyData, 'base64').toString('utf8'));
    const config = (user.authProvider as { config?: Record<string, unknown> } | undefined)?.config ?? {};
    for (const key of ['id-token', 'refresh-token', 'access-token', 'client-secret']) {
      const value = config[key];
      if (typeof value === 'string' && value) found.push(value);
    }
  }
  return found;
}
