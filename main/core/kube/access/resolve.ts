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
 * "The record's own kubeconfig" is the one pasted into it, else the imported context it links to (kubeconfig_id, read
 * here from the imported kubeconfigs): that context is chosen by its imported name, and the record's cluster host
 * defaults to its server, so every method (the default kubeconfig and the environment's token included) aims at that
 * cluster, never at whatever the default kubeconfig's current context is.
 * Otherwise a context the default kubeconfig lacks, or a broken one, fails the attempt with the contexts it has.
 * The record's own kubeconfig has no such skips: it was given for this pod, so a clusterHost no context matches falls
 * back to its current context (the host may be another address of the same cluster).
 */
import { linkedImportedContextId } from '../../../../common/pods';
import type { PodConnectRecord } from '../../store';
import { chooseContext, ContextChoiceError, contextsServing, searchedText, type ContextChoice } from './contextChoice';
import { ExecCredentialCache } from './execPlugins';
import { resolveInClusterAccess } from './inClusterAccess';
import { accessFromContext } from './contextAccess';
import { displayPath, loadDefaultKubeconfig, loadKubeconfigText, type LoadedKubeconfig } from './kubeconfigFiles';
import { proxyEnvironmentOf, withProxy } from './proxyEnvironment';
import { resolveTokenAccess } from './tokenAccess';
import type {
  AccessEnvironment,
  AccessResolution,
  AccessResolver,
  ImportedKubeconfigReader,
  KubeAccessMethod,
} from './types';

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

/** An imported context a record links to, as the resolver uses it. */
interface LinkedContext {
  /** Its imported name, which is also its context's name inside its kubeconfig. */
  name: string;
  server: string;
  /** Its kubeconfig, decrypted only when the method that uses it is tried; null when it was removed meanwhile. */
  text(): Promise<string | null>;
}

export interface AccessResolverOptions {
  /** How long an exec credential plugin may run; defaults to DEFAULT_EXEC_TIMEOUT_MS. */
  execTimeoutMs?: number;
  /** The clock for exec-credential expiry; tests pass their own. */
  now?: () => number;
  /** Plugin credentials to share with other readers of the same kubeconfigs (the cluster browser), so a plugin runs
   * once for both. */
  execCredentials?: ExecCredentialCache;
  /**
   * The imported kubeconfig contexts records may link to (the store's repository). A resolver without them refuses a
   * linked record rather than ignoring the link, which would aim the default kubeconfig at its current context.
   */
  importedKubeconfigs?: ImportedKubeconfigReader;
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

  /** The imported context the record uses as its own kubeconfig: the linked one, unless a kubeconfig is pasted. */
  function linkedContext(record: PodConnectRecord): LinkedContext | null {
    const linkedId = linkedImportedContextId(record, Boolean(record.secrets.kubeconfig));
    if (!linkedId) return null;
    const imported = options.importedKubeconfigs;
    if (!imported) {
      throw new Error(`"${record.name}" uses an imported context, but this resolver cannot read imported kubeconfigs.`);
    }
    // Null when it was removed a moment ago: the link is gone with it (ON DELETE SET NULL).
    const view = imported.get(linkedId);
    if (!view) return null;
    return {
      name: view.name,
      server: view.server,
      text: async () => (await imported.getContent(view.id))?.content ?? null,
    };
  }

  async function defaultKubeconfig(record: PodConnectRecord, hasOwnKubeconfig: boolean): Promise<AccessResolution> {
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
      if (error instanceof ContextChoiceError && error.reason === 'contextNotFound' && hasOwnKubeconfig) {
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

  async function podKubeconfig(record: PodConnectRecord, linked: LinkedContext | null): Promise<AccessResolution> {
    const text = linked ? await linked.text() : record.secrets.kubeconfig;
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

  async function resolveMethod(method: KubeAccessMethod, record: PodConnectRecord): Promise<AccessResolution> {
    const linked = linkedContext(record);
    const target = linked
      ? { ...record, kubeContext: linked.name, clusterHost: record.clusterHost ?? linked.server }
      : record;
    switch (method) {
      case 'defaultKubeconfig':
        return defaultKubeconfig(target, Boolean(record.secrets.kubeconfig) || linked !== null);
      case 'podKubeconfig':
        return podKubeconfig(target, linked);
      case 'token':
        return resolveTokenAccess(target, environment.env);
      case 'inCluster':
        return resolveInClusterAccess(target, environment.env, environment.serviceAccountDir);
    }
  }

  return {
    async resolve(method: KubeAccessMethod, record: PodConnectRecord): Promise<AccessResolution> {
      const resolution = await resolveMethod(method, record);
      if (!('access' in resolution)) return resolution;
      // Every method's connection honours the environment's proxy variables as kubectl does (proxy-url first).
      return { access: withProxy(resolution.access, await proxyEnvironmentOf(environment)) };
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
