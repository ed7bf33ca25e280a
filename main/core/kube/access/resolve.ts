/**
 * The access resolver: for one record and one Kubernetes method of the chain, either the access to use or why the
 * method does not apply. Configuration that applies but is broken throws an Error whose message names the file or
 * setting and the fix; the connect chain records it as a failed attempt and tries the next method.
 *
 * When the default kubeconfig is skipped rather than failed: it is ambient configuration, not something the user gave
 * this record, so when it does not know the record's cluster it simply does not apply —
 *   - no kubeconfig file exists;
 *   - it defines no contexts;
 *   - the record names no context but has a clusterHost, and no context's cluster has that server (falling back to the
 *     current context would exec into whatever cluster happens to be current);
 *   - the record names a context the default kubeconfig lacks, and the record has its own kubeconfig (which is tried
 *     next and is where that context is expected to be).
 * Otherwise a context the default kubeconfig lacks, or a broken one, fails the attempt with the contexts it has.
 * The record's own kubeconfig has no such skips: it was given for this pod, so a clusterHost no context matches falls
 * back to its current context (the host may be another address of the same cluster).
 */
import type { PodConnectRecord } from '../../store';
import { chooseContext, ContextChoiceError, contextsServing, searchedText, type ContextChoice } from './contextChoice';
import { ExecCredentialCache } from './execPlugins';
import { resolveInClusterAccess } from './inClusterAccess';
import { accessFromContext } from './contextAccess';
import { displayPath, loadDefaultKubeconfig, loadKubeconfigText, type LoadedKubeconfig } from './kubeconfigFiles';
import { resolveTokenAccess } from './tokenAccess';
import type { AccessEnvironment, AccessResolution, AccessResolver, KubeAccessMethod } from './types';

/** The label of the record's own kubeconfig in descriptions and errors. */
const RECORD_KUBECONFIG_LABEL = "the record's kubeconfig";
/** Contexts listed in a skip reason: enough to spot the right one, without a hundred-context kubeconfig in the log. */
const MAX_LISTED_CONTEXTS = 8;

/**
 * The default kubeconfig as this environment sees it. A launcher-started app does not see KUBECONFIG exported in the
 * user's shell rc files, while kubectl in their terminal does: the login shell's KUBECONFIG counts when the app has none.
 */
export async function loadEnvironmentKubeconfig(environment: AccessEnvironment) {
  const kubeconfigEnv = environment.env['KUBECONFIG'] || (await environment.loginEnv())['KUBECONFIG'];
  return loadDefaultKubeconfig(kubeconfigEnv, environment.homeDir);
}

export interface AccessResolverOptions {
  /** How long an exec credential plugin may run; defaults to DEFAULT_EXEC_TIMEOUT_MS. */
  execTimeoutMs?: number;
  /** The clock for exec-credential expiry; tests pass their own. */
  now?: () => number;
  /** Plugin credentials to share with other readers of the same kubeconfigs (the cluster browser), so a plugin runs
   * once for both. */
  execCredentials?: ExecCredentialCache;
}

/**
 * The resolver for the four Kubernetes methods. Files are read on every call (the user may have edited them since the
 * last connect); exec-plugin credentials are cached for the resolver's lifetime until they expire.
 */
export function createAccessResolver(
  environment: AccessEnvironment,
  options: AccessResolverOptions = {},
): AccessResolver {
  const execCredentials = options.execCredentials ?? new ExecCredentialCache(options.now);
  const contextOptions = {
    execCredentials,
    loginEnv: () => environment.loginEnv(),
    ...(options.execTimeoutMs !== undefined ? { execTimeoutMs: options.execTimeoutMs } : {}),
  };

  async function defaultKubeconfig(record: PodConnectRecord): Promise<AccessResolution> {
    const { loaded, searched } = await loadEnvironmentKubeconfig(environment);
    if (loaded === null) {
      const shown = searched.paths.map((file) => displayPath(file, environment.homeDir));
      return {
        skip: searched.fromEnv
          ? `no kubeconfig found (KUBECONFIG names ${shown.join(', ')}; none of these exists)`
          : `no kubeconfig found (KUBECONFIG is unset and ${shown.join(', ')} does not exist)`,
      };
    }
    const where = searchedText(loaded);
    if (loaded.kubeConfig.contexts.length === 0) return { skip: `${where} defines no contexts` };
    if (!record.kubeContext && record.clusterHost && !servesHost(loaded, record.clusterHost)) {
      return { skip: `no context in ${where} is for the record's cluster ${record.clusterHost} (${servers(loaded)})` };
    }
    let choice: ContextChoice;
    try {
      choice = chooseContext(loaded, record);
    } catch (error) {
      if (error instanceof ContextChoiceError && error.reason === 'contextNotFound' && record.secrets.kubeconfig) {
        return {
          skip: `context "${record.kubeContext}" is not in ${where}; the record's own kubeconfig is tried next`,
        };
      }
      throw error;
    }
    const resolved = await accessFromContext({ loaded, choice, namespace: record.namespace, ...contextOptions });
    const origin = loaded.origins.contexts.get(choice.context.name) ?? loaded.label;
    return {
      access: {
        method: 'defaultKubeconfig',
        kubeConfig: resolved.kubeConfig,
        server: resolved.server,
        description: `context ${choice.context.name} from ${origin}`,
        kubeconfigText: resolved.kubeconfigText,
        token: resolved.token,
        contextName: choice.context.name,
      },
    };
  }

  async function podKubeconfig(record: PodConnectRecord): Promise<AccessResolution> {
    const text = record.secrets.kubeconfig;
    if (!text || text.trim() === '') return { skip: 'the record has no kubeconfig of its own' };
    const loaded = loadKubeconfigText(text, RECORD_KUBECONFIG_LABEL, `record:${record.id}`);
    const choice = chooseContext(loaded, record);
    const resolved = await accessFromContext({ loaded, choice, namespace: record.namespace, ...contextOptions });
    return {
      access: {
        method: 'podKubeconfig',
        kubeConfig: resolved.kubeConfig,
        server: resolved.server,
        description: `${RECORD_KUBECONFIG_LABEL} (context ${choice.context.name})`,
        kubeconfigText: text,
        token: resolved.token,
        contextName: choice.context.name,
      },
    };
  }

  return {
    async resolve(method: KubeAccessMethod, record: PodConnectRecord): Promise<AccessResolution> {
      switch (method) {
        case 'defaultKubeconfig':
          return defaultKubeconfig(record);
        case 'podKubeconfig':
          return podKubeconfig(record);
        case 'token':
          return resolveTokenAccess(record, environment.env);
        case 'inCluster':
          return resolveInClusterAccess(record, environment.env, environment.serviceAccountDir);
      }
    },
  };
}

function servesHost(loaded: LoadedKubeconfig, host: string): boolean {
  return contextsServing(loaded, host).length > 0;
}

/** "contexts: dev → https://a:6443, prod → https://b:6443", capped so a big kubeconfig does not flood the log. */
function servers(loaded: LoadedKubeconfig): string {
  const { clusters, contexts } = loaded.kubeConfig;
  const listed = contexts.slice(0, MAX_LISTED_CONTEXTS).map((context) => {
    const server = clusters.find((entry) => entry.name === context.cluster)?.server || 'no server';
    return `${context.name} → ${server}`;
  });
  const more = contexts.length > MAX_LISTED_CONTEXTS ? `, and ${contexts.length - MAX_LISTED_CONTEXTS} more` : '';
  return `contexts: ${listed.join(', ')}${more}`;
}
