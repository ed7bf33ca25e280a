/**
 * Turns a chosen context into what the exec session and the pod reader use: a one-context KubeConfig with every file
 * read (flattened), any exec plugin already run and its credential inlined, and the record's namespace. Shared by the
 * default kubeconfig and the record's own, and used by token and in-cluster access for the final KubeConfig.
 */
import type { Cluster, KubeConfig } from '@kubernetes/client-node';
import { newKubeConfig } from './clientNode';
import type { ContextChoice } from './contextChoice';
import { userWithCredential, type ExecCredentialCache } from './execPlugins';
import { exportKubeconfigYaml, flattenKubeConfig, type KubeUser, type LoadedKubeconfig } from './kubeconfigFiles';

/** The user of a context that names none: kubectl sends no credentials; client-node needs a user to apply the CA. */
const ANONYMOUS_USER = 'anonymous';

/** A resolved kubeconfig context, ready to use. */
export interface KubeconfigAccess {
  kubeConfig: KubeConfig;
  server: string;
  /** The chosen context, flattened and minified, with the user as configured (exec stanza kept): storable text. */
  kubeconfigText: string;
  /** The static bearer token in use (kubeconfig token or tokenFile); null for exec-plugin and certificate users. */
  token: string | null;
}

export interface KubeconfigAccessOptions {
  loaded: LoadedKubeconfig;
  choice: ContextChoice;
  /** The record's namespace: the exec runs there whatever the context's default namespace is. */
  namespace: string;
  execCredentials: ExecCredentialCache;
  loginEnv: () => Promise<NodeJS.ProcessEnv>;
  execTimeoutMs?: number;
}

/** Flattens the chosen context, runs its exec plugin if any, and builds the one-context KubeConfig. */
export async function accessFromContext(options: KubeconfigAccessOptions): Promise<KubeconfigAccess> {
  const { loaded, choice, namespace } = options;
  const minified = newKubeConfig();
  minified.loadFromOptions({
    clusters: [choice.cluster],
    users: choice.user !== null ? [choice.user] : [],
    contexts: [choice.context],
    currentContext: choice.context.name,
  });
  const origin = loaded.origins.contexts.get(choice.context.name) ?? loaded.label;
  const flattened = await flattenKubeConfig(minified, { label: origin });
  const cluster = usableCluster(flattened.clusters[0] ?? choice.cluster);
  const configuredUser: KubeUser | null = flattened.users[0] ?? null;
  const kubeconfigText = exportKubeconfigYaml(flattened, { minify: true });

  let user: KubeUser = configuredUser ?? { name: ANONYMOUS_USER };
  let token = configuredUser?.token || null;
  if (configuredUser?.exec) {
    const credential = await options.execCredentials.get(configuredUser, cluster, {
      sourceIdentity: loaded.identity,
      sourceLabel: loaded.origins.users.get(configuredUser.name) ?? loaded.label,
      loginEnv: await options.loginEnv(),
      ...(options.execTimeoutMs !== undefined ? { timeoutMs: options.execTimeoutMs } : {}),
    });
    user = userWithCredential(configuredUser, credential);
    // A plugin's token lives minutes to hours: not worth storing on a record, the plugin is.
    token = null;
  }
  return {
    kubeConfig: buildKubeConfig(cluster, user, choice.context.name, namespace),
    server: cluster.server,
    kubeconfigText,
    token,
  };
}

/** A KubeConfig of exactly one cluster, user and context (current), in the given namespace. */
export function buildKubeConfig(cluster: Cluster, user: KubeUser, contextName: string, namespace: string): KubeConfig {
  const kubeConfig = newKubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: contextName, cluster: cluster.name, user: user.name, namespace }],
    currentContext: contextName,
  });
  return kubeConfig;
}

/**
 * client-node refuses http:// servers unless insecure-skip-tls-verify is set; kubectl talks to them (`kubectl proxy`
 * serves http://127.0.0.1:8001). There is no TLS to verify on http, so setting the flag changes nothing but that.
 */
export function usableCluster(cluster: Cluster): Cluster {
  return cluster.server.startsWith('http://') && !cluster.skipTLSVerify ? { ...cluster, skipTLSVerify: true } : cluster;
}
