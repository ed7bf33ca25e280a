/**
 * In-cluster config: Podterm itself runs in a pod and uses that pod's service account, as client-go's
 * `rest.InClusterConfig` does: KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT for the server, the service-account
 * directory's `token` for the bearer token and its `ca.crt` for the CA (when ca.crt is missing client-go carries on
 * with the system trust store, and so does this). The exec runs in the RECORD's namespace, not the service account's.
 */
import { readFile } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import path from 'node:path';
import type { PodConnectRecord } from '../../store';
import { buildKubeConfig } from './contextAccess';
import { caDataFromText } from './tokenAccess';
import type { AccessResolution } from './types';

/** Where Kubernetes mounts a pod's service-account credentials. */
export const DEFAULT_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const IN_CLUSTER_CLUSTER = 'in-cluster';
const IN_CLUSTER_USER = 'in-cluster-service-account';
const IN_CLUSTER_CONTEXT = 'in-cluster';

/** Resolves in-cluster access; skips with the reason when Podterm is not running in a pod. */
export async function resolveInClusterAccess(
  record: PodConnectRecord,
  env: NodeJS.ProcessEnv,
  serviceAccountDir: string,
): Promise<AccessResolution> {
  const host = env['KUBERNETES_SERVICE_HOST']?.trim() || null;
  const port = env['KUBERNETES_SERVICE_PORT']?.trim() || null;
  if (host === null || port === null) {
    const missing = host === null ? 'KUBERNETES_SERVICE_HOST' : 'KUBERNETES_SERVICE_PORT';
    return { skip: `not running inside a Kubernetes pod (${missing} is not set)` };
  }
  const tokenFile = path.join(serviceAccountDir, 'token');
  const token = await readOptional(tokenFile, 'the service-account token');
  if (token === null) return { skip: `not running with a service account (no token at ${tokenFile})` };
  if (token.trim() === '') {
    throw new Error(`the service-account token ${tokenFile} is empty. Check the pod's automountServiceAccountToken.`);
  }
  const caFile = path.join(serviceAccountDir, 'ca.crt');
  const caText = await readOptional(caFile, 'the service-account CA');
  const caData = caText !== null ? caDataFromText(caText, `the service-account CA (${caFile})`) : undefined;

  // The service account's own namespace, for the description only: a 403 is easier to read knowing whose account it is.
  const accountNamespace = (
    await readOptional(path.join(serviceAccountDir, 'namespace'), 'the service-account namespace')
  )?.trim();

  // An IPv6 literal must be bracketed in a URL ("https://[fd00::1]:443"), as client-go's net.JoinHostPort does.
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const trimmedToken = token.trim();
  return {
    access: {
      method: 'inCluster',
      kubeConfig: buildKubeConfig(
        { name: IN_CLUSTER_CLUSTER, server, skipTLSVerify: false, ...(caData !== undefined ? { caData } : {}) },
        { name: IN_CLUSTER_USER, token: trimmedToken },
        IN_CLUSTER_CONTEXT,
        record.namespace,
      ),
      server,
      description: accountNamespace
        ? `in-cluster service account (namespace ${accountNamespace})`
        : 'in-cluster service account',
      kubeconfigText: null,
      token: trimmedToken,
      contextName: null,
    },
  };
}

/** The file's text, null when it does not exist; other read errors name the file. */
async function readOptional(file: string, what: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new Error(`${what} ${file} cannot be read (${code === 'EACCES' ? 'permission denied' : String(error)}).`, {
      cause: error,
    });
  }
}
