/**
 * Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1: `aws eks get-token`, `gke-gcloud-auth-plugin`,
 * `kubelogin`, …), run by Podterm itself rather than by client-node, for three reasons:
 *   - PATH: a desktop app started from a launcher has a thin PATH, so the plugin is looked up on the login shell's PATH
 *     (loginEnvironment.ts) and "not found" names the binary, the PATH searched and the kubeconfig's installHint;
 *   - caching: client-node caches by user name alone, so two kubeconfigs with a user called "admin" would share a token;
 *     here the key is the kubeconfig source's identity plus the user (plus the exec stanza itself);
 *   - the exec session then sees a plain token or certificate and never spawns anything.
 * The protocol follows client-go `plugin/pkg/client/auth/exec`: KUBERNETES_EXEC_INFO carries an ExecCredential with
 * spec.interactive (false: Podterm has no terminal to give the plugin) and spec.cluster when provideClusterInfo is set;
 * the plugin prints an ExecCredential whose status has a token or a client certificate and key, and may say when it
 * expires.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Cluster } from '@kubernetes/client-node';
import type { KubeUser, Mutable } from './kubeconfigFiles';

/** The ExecCredential API versions client-go still speaks (v1alpha1 was removed in Kubernetes 1.24). */
export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;
/**
 * How long a plugin may take. Cloud plugins answer in well under a second from their own cache and in a few seconds
 * when they refresh; 10 s reports a hung one (waiting for a browser login nobody will see) while the tab is watched.
 */
export const DEFAULT_EXEC_TIMEOUT_MS = 10_000;
/**
 * A credential this close to its expiry is fetched again: the connect that uses it does a pod read and a WebSocket
 * upgrade, and a token that expires in between fails with a 401 that looks like a wrong credential.
 */
const EXPIRY_MARGIN_MS = 30_000;
/** An ExecCredential is a few KiB (a token or a certificate); more means the plugin printed something else. */
const MAX_PLUGIN_OUTPUT_BYTES = 1024 * 1024;
/** The part of a failing plugin's stderr shown to people: enough for its error message, not a whole log. */
const MAX_STDERR_CHARS = 800;

/** What a plugin produced. Certificate and key are PEM, as the plugin printed them. */
export interface ExecCredential {
  token: string | null;
  clientCertificateData: string | null;
  clientKeyData: string | null;
  /** Epoch ms; null: valid for the process lifetime (no expirationTimestamp). */
  expiresAt: number | null;
}

/** A plugin could not be run or gave no usable credential. The message names the plugin, the problem and the fix. */
export class ExecPluginError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExecPluginError';
  }
}

/** The `exec` stanza of a kubeconfig user, checked. */
export interface ExecConfig {
  apiVersion: (typeof EXEC_API_VERSIONS)[number];
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  installHint: string | null;
  provideClusterInfo: boolean;
  interactiveMode: 'Never' | 'IfAvailable' | 'Always' | null;
}

export interface ExecPluginOptions {
  /** LoadedKubeconfig.identity: where the kubeconfig came from. Part of the cache key. */
  sourceIdentity: string;
  /** For messages: "~/.kube/config", "the record's kubeconfig". */
  sourceLabel: string;
  /** The login shell's environment: the plugin's base environment and the PATH it is looked up on. */
  loginEnv: NodeJS.ProcessEnv;
  /** Defaults to DEFAULT_EXEC_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Defaults to process.platform (how PATH is searched). */
  platform?: NodeJS.Platform;
}

interface CacheEntry {
  credential: Promise<ExecCredential>;
  /** Null while the plugin runs or when the credential does not expire. */
  expiresAt: number | null;
}

/**
 * Runs exec plugins and caches their credentials per (kubeconfig source, user, exec stanza, and the cluster when the
 * plugin is given it) until they expire. One instance per resolver, i.e. per process in the app. Concurrent requests
 * for the same key share one plugin run.
 */
export class ExecCredentialCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The credential for this user (running its plugin unless a live one is cached). Throws ExecPluginError. */
  async get(user: KubeUser, cluster: Cluster, options: ExecPluginOptions): Promise<ExecCredential> {
    const where = `user "${user.name}" in ${options.sourceLabel}`;
    const exec = parseExecConfig(user.exec, where);
    const key = cacheKey(options.sourceIdentity, user.name, exec, cluster);
    const cached = this.entries.get(key);
    if (cached !== undefined && (cached.expiresAt === null || this.now() < cached.expiresAt - EXPIRY_MARGIN_MS)) {
      return cached.credential;
    }
    const entry: CacheEntry = { credential: runExecPlugin(exec, cluster, where, options), expiresAt: null };
    this.entries.set(key, entry);
    try {
      const credential = await entry.credential;
      entry.expiresAt = credential.expiresAt;
      return credential;
    } catch (error) {
      // A failed run is not remembered: the next connect (after the user installs the plugin or logs in) runs it again.
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }
}

/** Checks a kubeconfig user's `exec` stanza. Throws ExecPluginError naming the problem. */
export function parseExecConfig(raw: unknown, where: string): ExecConfig {
  const exec = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (exec === null) throw new ExecPluginError(`the exec section of ${where} must be a mapping`);
  const apiVersion = exec['apiVersion'];
  if (!EXEC_API_VERSIONS.some((version) => version === apiVersion)) {
    throw new ExecPluginError(
      `the exec plugin of ${where} uses apiVersion "${String(apiVersion ?? '')}"; Podterm speaks ${EXEC_API_VERSIONS.join(' and ')}. Update the kubeconfig (the plugin's own setup command writes a current one).`,
    );
  }
  const command = exec['command'];
  if (typeof command !== 'string' || command.trim() === '') {
    throw new ExecPluginError(`the exec plugin of ${where} has no command. Set users[].user.exec.command.`);
  }
  const rawArgs = exec['args'] ?? [];
  if (!Array.isArray(rawArgs) || !rawArgs.every((arg) => typeof arg === 'string' || typeof arg === 'number')) {
    throw new ExecPluginError(`the exec plugin of ${where}: args must be a list of strings`);
  }
  const rawEnv = exec['env'] ?? [];
  if (!Array.isArray(rawEnv)) throw new ExecPluginError(`the exec plugin of ${where}: env must be a list`);
  const env = rawEnv.map((item: unknown, index) => {
    const entry = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    const name = entry['name'];
    const value = entry['value'];
    if (typeof name !== 'string' || name === '' || (typeof value !== 'string' && typeof value !== 'number')) {
      throw new ExecPluginError(`the exec plugin of ${where}: env[${index}] needs a name and a value`);
    }
    return { name, value: String(value) };
  });
  const interactiveMode = exec['interactiveMode'];
  const installHint = exec['installHint'];
  return {
    apiVersion: apiVersion as ExecConfig['apiVersion'],
    command,
    args: rawArgs.map(String),
    env,
    installHint: typeof installHint === 'string' && installHint.trim() !== '' ? installHint.trim() : null,
    provideClusterInfo: exec['provideClusterInfo'] === true,
    interactiveMode:
      interactiveMode === 'Never' || interactiveMode === 'IfAvailable' || interactiveMode === 'Always'
        ? interactiveMode
        : null,
  };
}

/**
 * The absolute path of `command`: itself when it names a path, else the first executable match on `pathValue`
 * (with PATHEXT on Windows). Null when there is none.
 */
export async function findExecutable(
  command: string,
  pathValue: string | undefined,
  platform: NodeJS.Platform = process.platform,
  pathExt: string | undefined = undefined,
): Promise<string | null> {
  const extensions =
    platform === 'win32' ? ['', ...(pathExt ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  const candidates = /[\\/]/.test(command)
    ? extensions.map((extension) => command + extension)
    : (pathValue ?? '')
        .split(platform === 'win32' ? ';' : ':')
        .filter((dir) => dir !== '')
        .flatMap((dir) => extensions.map((extension) => path.join(dir, command + extension)));
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate, platform)) return path.resolve(candidate);
  }
  return null;
}

async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    if (platform !== 'win32') await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function cacheKey(sourceIdentity: string, userName: string, exec: ExecConfig, cluster: Cluster): string {
  // The exec stanza is part of the key so an edited kubeconfig (another profile, another role) runs the plugin again;
  // the cluster only when the plugin is told which cluster it is for, since only then may its answer depend on it.
  const clusterPart = exec.provideClusterInfo
    ? [cluster.server, cluster.caData ?? '', cluster.tlsServerName ?? '']
    : [];
  const execDigest = createHash('sha256')
    .update(JSON.stringify([exec, clusterPart]))
    .digest('hex');
  return JSON.stringify([sourceIdentity, userName, execDigest]);
}

async function runExecPlugin(
  exec: ExecConfig,
  cluster: Cluster,
  where: string,
  options: ExecPluginOptions,
): Promise<ExecCredential> {
  if (exec.interactiveMode === 'Always') {
    throw new ExecPluginError(
      `the exec plugin "${exec.command}" of ${where} needs an interactive terminal (interactiveMode: Always), which Podterm cannot give it. Log in once in a terminal (run kubectl get pods there), or set interactiveMode to IfAvailable if the plugin can work without one.`,
    );
  }
  if (/[\\/]/.test(exec.command) && !path.isAbsolute(exec.command)) {
    throw new ExecPluginError(
      `the exec plugin command "${exec.command}" of ${where} is a relative path, which has no directory to resolve against. Use an absolute path, or a command name that is on PATH.`,
    );
  }
  const platform = options.platform ?? process.platform;
  const loginPath = options.loginEnv['PATH'] ?? options.loginEnv['Path'];
  const executable = await findExecutable(exec.command, loginPath, platform, options.loginEnv['PATHEXT']);
  if (executable === null) {
    const searched = /[\\/]/.test(exec.command) ? '' : ` on PATH ${loginPath ?? '(empty)'}`;
    const hint = exec.installHint !== null ? ` The kubeconfig's install hint: ${exec.installHint}` : '';
    throw new ExecPluginError(
      `the exec credential plugin "${exec.command}" of ${where} was not found${searched}. Install it, or put its absolute path in the kubeconfig (users[].user.exec.command).${hint}`,
    );
  }

  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    const clusterInfo: Record<string, unknown> = { server: cluster.server };
    if (cluster.tlsServerName) clusterInfo['tls-server-name'] = cluster.tlsServerName;
    if (cluster.skipTLSVerify) clusterInfo['insecure-skip-tls-verify'] = true;
    if (cluster.caData) clusterInfo['certificate-authority-data'] = cluster.caData;
    if (cluster.proxyUrl) clusterInfo['proxy-url'] = cluster.proxyUrl;
    spec['cluster'] = clusterInfo;
  }
  const execInfo = { apiVersion: exec.apiVersion, kind: 'ExecCredential', spec };
  const env: NodeJS.ProcessEnv = { ...options.loginEnv };
  for (const { name, value } of exec.env) env[name] = value;
  env['KUBERNETES_EXEC_INFO'] = JSON.stringify(execInfo);

  const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      executable,
      exec.args,
      { env, timeout: timeoutMs, maxBuffer: MAX_PLUGIN_OUTPUT_BYTES, windowsHide: true, encoding: 'utf8' },
      (error, out, err) => {
        if (error === null) {
          resolve(out);
          return;
        }
        const stderr = err.trim().slice(0, MAX_STDERR_CHARS);
        const said = stderr !== '' ? `: ${stderr}` : '';
        const failure: ExecFileException = error;
        if (failure.killed && failure.signal === 'SIGTERM') {
          reject(
            new ExecPluginError(
              `the exec credential plugin "${exec.command}" of ${where} did not answer within ${timeoutMs / 1000} s${said}. It may be waiting for a login: run kubectl once in a terminal to log in, then connect again.`,
            ),
          );
        } else if (typeof failure.code === 'number') {
          reject(
            new ExecPluginError(
              `the exec credential plugin "${exec.command}" of ${where} failed (exit code ${failure.code})${said}. Run it in a terminal to see why (often: log in again).`,
            ),
          );
        } else {
          reject(
            new ExecPluginError(
              `the exec credential plugin ${executable} of ${where} could not be run (${failure.message}). Check that it is executable.`,
              { cause: error },
            ),
          );
        }
      },
    );
    // No terminal to read from: a plugin that reads stdin gets end-of-file at once instead of hanging until the timeout.
    child.stdin?.end();
  });
  return parseExecOutput(stdout, exec, where);
}

function parseExecOutput(stdout: string, exec: ExecConfig, where: string): ExecCredential {
  const fail = (problem: string) =>
    new ExecPluginError(
      `the exec credential plugin "${exec.command}" of ${where} ${problem}. Run it in a terminal to check its output, or update it.`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw fail('printed something that is not an ExecCredential (not JSON)');
  }
  const credential = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  if (credential['kind'] !== 'ExecCredential') throw fail('printed JSON that is not an ExecCredential');
  if (credential['apiVersion'] !== exec.apiVersion) {
    throw fail(
      `answered with apiVersion "${String(credential['apiVersion'])}", but the kubeconfig asks for "${exec.apiVersion}"`,
    );
  }
  const status =
    typeof credential['status'] === 'object' && credential['status'] !== null
      ? (credential['status'] as Record<string, unknown>)
      : null;
  if (status === null) throw fail('printed an ExecCredential without a status');
  const text = (key: string): string | null => {
    const value = status[key];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const token = text('token');
  const clientCertificateData = text('clientCertificateData');
  const clientKeyData = text('clientKeyData');
  if (token === null && (clientCertificateData === null || clientKeyData === null)) {
    throw fail('gave neither a token nor a client certificate and key');
  }
  if ((clientCertificateData === null) !== (clientKeyData === null)) {
    throw fail('gave a client certificate without its key (or a key without its certificate)');
  }
  const expiration = text('expirationTimestamp');
  let expiresAt: number | null = null;
  if (expiration !== null) {
    expiresAt = Date.parse(expiration);
    if (Number.isNaN(expiresAt)) throw fail(`gave an expirationTimestamp that is not a time ("${expiration}")`);
  }
  return { token, clientCertificateData, clientKeyData, expiresAt };
}

/**
 * The user with its exec stanza replaced by the plugin's credential, inline, so client-node never runs the plugin
 * again. Certificate and key become base64 (client-node's *Data fields are base64 of PEM, like kubeconfigs').
 */
export function userWithCredential(user: KubeUser, credential: ExecCredential): KubeUser {
  const { exec: _exec, authProvider: _authProvider, tokenFile: _tokenFile, ...rest } = user;
  const next: Mutable<KubeUser> = { ...rest };
  if (credential.token !== null) next.token = credential.token;
  if (credential.clientCertificateData !== null && credential.clientKeyData !== null) {
    next.certData = Buffer.from(credential.clientCertificateData, 'utf8').toString('base64');
    next.keyData = Buffer.from(credential.clientKeyData, 'utf8').toString('base64');
    delete next.certFile;
    delete next.keyFile;
  }
  return next;
}
