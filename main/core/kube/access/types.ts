/**
 * Kubernetes access, resolved for one pod record and one method of the chain. The resolver (kube/access/resolve.ts) turns a
 * record plus the environment into a client-node KubeConfig whose current context is the one to use, with exec
 * credential plugins already run (their token cached and inlined), so the exec session and the pod reader only ever
 * see a server URL and plain credentials.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ConnectionMethod } from '../../../../common/pods';
import type { ImportedKubeconfigRepository, PodConnectRecord } from '../../store';

export type KubeAccessMethod = Exclude<ConnectionMethod, 'ssh'>;

export interface ResolvedAccess {
  method: KubeAccessMethod;
  /** Current context set to the one to use; users' exec plugins replaced by the token they produced. */
  kubeConfig: KubeConfig;
  /** The API server URL, e.g. "https://10.0.0.1:6443". */
  server: string;
  /** For people: "context prod-admin from ~/.kube/config", "token auth to https://10.0.0.1:6443". */
  description: string;
  /**
   * The kubeconfig text this access came from (for Refresh to store), when it came from one: for the default
   * kubeconfig the chosen context flattened and minified (files inlined, exec stanza kept); for the record's kubeconfig
   * the record's text as stored.
   */
  kubeconfigText: string | null;
  /**
   * The long-lived bearer token in use (for Refresh to store), when there is one: a kubeconfig token or tokenFile, the
   * record's or the environment's token, the service-account token. Null for exec-plugin credentials (they expire in
   * minutes to hours; the plugin is what to keep) and for client certificates.
   */
  token: string | null;
  /** The kubeconfig context used (default or record kubeconfig), for Refresh to store as the record's kubeContext. */
  contextName: string | null;
  /**
   * The environment's proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY and their lower-case forms) as kubectl on this
   * machine would see them: the app's own environment when it sets any, else the login shell's (proxyEnvironment.ts).
   * Absent: none. The cluster's proxy-url wins over them (net/proxy.ts).
   */
  proxyEnv?: NodeJS.ProcessEnv;
}

/** Either the access for this method, or why the method does not apply to this record ("no token in the record"). */
export type AccessResolution = { access: ResolvedAccess } | { skip: string };

export interface AccessResolver {
  /** Throws an Error with an actionable message when the method applies but its configuration is broken. */
  resolve(method: KubeAccessMethod, record: PodConnectRecord): Promise<AccessResolution>;
}

/** The imported kubeconfig contexts a record may link to (kubeconfig_id): the store's repository, read only. */
export type ImportedKubeconfigReader = Pick<ImportedKubeconfigRepository, 'get' | 'getContent'>;

/** Where the resolver reads the machine's configuration from; tests pass their own. */
export interface AccessEnvironment {
  /** KUBECONFIG, PODTERM_CLUSTER_HOST, PODTERM_TOKEN, KUBERNETES_SERVICE_HOST/PORT, PATH, HOME … */
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** The service-account directory for in-cluster config (default /var/run/secrets/kubernetes.io/serviceaccount). */
  serviceAccountDir: string;
  /**
   * The user's login-shell environment (loginEnvironment.ts: captured once, lazily), for exec credential plugins and for
   * KUBECONFIG when `env` has none. Falls back to the process environment.
   */
  loginEnv(): Promise<NodeJS.ProcessEnv>;
}
