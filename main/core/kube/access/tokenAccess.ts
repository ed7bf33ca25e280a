/**
 * Token auth: an API server URL and a bearer token, from the record (clusterHost + its stored token) or, when the
 * record has neither, from the environment (PODTERM_CLUSTER_HOST + PODTERM_TOKEN, with PODTERM_CLUSTER_CA_FILE).
 *
 * The environment's pair is used only when the record has no token and names no other cluster: its credentials are
 * for PODTERM_CLUSTER_HOST's cluster, and a record whose clusterHost is elsewhere is not in it.
 *
 * TLS: the server is verified against the CA given with the credentials (the record's clusterCaData for the record's
 * host; PODTERM_CLUSTER_CA_FILE, else the record's CA when the hosts are the same, for the environment's), else against
 * the system trust store. Verification is skipped only when the record says so explicitly (insecureSkipTlsVerify: true)
 * and the server is the record's own host: the flag was set for that server, not for whatever the environment points
 * at.
 */
import { readFile } from 'node:fs/promises';
import type { Cluster } from '@kubernetes/client-node';
import type { PodConnectRecord } from '../../store';
import { normaliseServer } from './contextChoice';
import { buildKubeConfig, usableCluster } from './contextAccess';
import type { AccessResolution } from './types';

/** The API server URL for token auth when the record has none, e.g. https://10.0.0.1:6443. */
export const PODTERM_CLUSTER_HOST_ENV = 'PODTERM_CLUSTER_HOST';
/** The bearer token that goes with PODTERM_CLUSTER_HOST. */
export const PODTERM_TOKEN_ENV = 'PODTERM_TOKEN';
/** Optional: a PEM file with the CA certificate(s) of PODTERM_CLUSTER_HOST's server. */
export const PODTERM_CLUSTER_CA_FILE_ENV = 'PODTERM_CLUSTER_CA_FILE';

/** Names in the one-context KubeConfig built for token auth; never shown, but visible in exported text. */
const TOKEN_CLUSTER = 'podterm-token-cluster';
const TOKEN_USER = 'podterm-token-user';
const TOKEN_CONTEXT = 'podterm-token';
/** A PEM CA bundle is a few KiB; a file far bigger is not one. */
const MAX_CA_FILE_BYTES = 1024 * 1024;

/** Resolves token auth for a record (see the file comment). Throws for a broken configuration. */
export async function resolveTokenAccess(record: PodConnectRecord, env: NodeJS.ProcessEnv): Promise<AccessResolution> {
  const recordToken = record.secrets.token?.trim() || null;
  const recordHost = record.clusterHost?.trim() || null;
  let server: string;
  let token: string;
  let caData: string | undefined;
  let skipTLSVerify: boolean;
  let from: string;

  if (recordHost !== null && recordToken !== null) {
    server = serverUrl(recordHost, "the record's cluster host");
    token = recordToken;
    caData = record.clusterCaData ? caDataFromText(record.clusterCaData, "the record's cluster CA") : undefined;
    skipTLSVerify = record.insecureSkipTlsVerify === true;
    from = '';
  } else {
    const envHost = env[PODTERM_CLUSTER_HOST_ENV]?.trim() || null;
    const envToken = env[PODTERM_TOKEN_ENV]?.trim() || null;
    if (envHost === null || envToken === null) return { skip: skipReason(recordHost, recordToken, envHost, envToken) };
    // The environment's credentials are for its cluster; a record that names another cluster is not in it.
    if (recordHost !== null && normaliseServer(recordHost) !== normaliseServer(envHost)) {
      return {
        skip: `the record has no token, and ${PODTERM_CLUSTER_HOST_ENV} is ${envHost}, not the record's cluster ${recordHost}`,
      };
    }
    server = serverUrl(envHost, PODTERM_CLUSTER_HOST_ENV);
    token = envToken;
    const caFile = env[PODTERM_CLUSTER_CA_FILE_ENV]?.trim() || null;
    // Same server as the record's (checked above): the record's CA and its explicit insecure flag apply to it too.
    const sameAsRecord = recordHost !== null;
    if (caFile !== null) caData = await caDataFromFile(caFile);
    else if (sameAsRecord && record.clusterCaData)
      caData = caDataFromText(record.clusterCaData, "the record's cluster CA");
    skipTLSVerify = sameAsRecord && record.insecureSkipTlsVerify === true;
    from = ` (from ${PODTERM_CLUSTER_HOST_ENV})`;
  }

  const cluster: Cluster = usableCluster({
    name: TOKEN_CLUSTER,
    server,
    skipTLSVerify,
    ...(caData !== undefined ? { caData } : {}),
  });
  return {
    access: {
      method: 'token',
      kubeConfig: buildKubeConfig(cluster, { name: TOKEN_USER, token }, TOKEN_CONTEXT, record.namespace),
      server,
      description: `token auth to ${server}${from}`,
      kubeconfigText: null,
      token,
      contextName: null,
    },
  };
}

/**
 * kubeconfig-style CA data (base64 of PEM) from what a person pasted: PEM, or base64 of PEM as kubeconfigs hold it.
 * Throws naming `what` when it is neither.
 */
export function caDataFromText(text: string, what: string): string {
  const trimmed = text.trim();
  if (trimmed.includes('-----BEGIN CERTIFICATE-----')) return Buffer.from(`${trimmed}\n`, 'utf8').toString('base64');
  const compact = trimmed.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    const decoded = Buffer.from(compact, 'base64').toString('utf8');
    if (decoded.includes('-----BEGIN CERTIFICATE-----')) return compact;
  }
  throw new Error(
    `${what} is not a certificate: paste it as PEM (-----BEGIN CERTIFICATE-----…) or as base64 of the PEM (certificate-authority-data in a kubeconfig).`,
  );
}

async function caDataFromFile(file: string): Promise<string> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new Error(
      `${PODTERM_CLUSTER_CA_FILE_ENV} is ${file}, which cannot be read (${why}). Fix the path or unset it.`,
      {
        cause: error,
      },
    );
  }
  if (data.byteLength > MAX_CA_FILE_BYTES) {
    throw new Error(`${PODTERM_CLUSTER_CA_FILE_ENV} is ${file}, which is too big to be a CA certificate file.`);
  }
  return caDataFromText(data.toString('utf8'), `${PODTERM_CLUSTER_CA_FILE_ENV} (${file})`);
}

/** The server URL without trailing slashes; refuses what is not an http(s) URL. */
function serverUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `${what} "${value}" is not a URL: give the API server as https://HOST:PORT (e.g. https://10.0.0.1:6443).`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${what} "${value}" is not an http(s) URL: give the API server as https://HOST:PORT.`);
  }
  return value.replace(/\/+$/, '');
}

function skipReason(
  recordHost: string | null,
  recordToken: string | null,
  envHost: string | null,
  envToken: string | null,
): string {
  if (recordHost !== null && recordToken === null) return `the record has a cluster host but no token`;
  if (recordToken !== null && recordHost === null) return `the record has a token but no cluster host`;
  if (envHost !== null && envToken === null)
    return `${PODTERM_CLUSTER_HOST_ENV} is set but ${PODTERM_TOKEN_ENV} is not`;
  if (envToken !== null && envHost === null)
    return `${PODTERM_TOKEN_ENV} is set but ${PODTERM_CLUSTER_HOST_ENV} is not`;
  return `no token: the record has no cluster host and token, and ${PODTERM_CLUSTER_HOST_ENV} / ${PODTERM_TOKEN_ENV} are not set`;
}
