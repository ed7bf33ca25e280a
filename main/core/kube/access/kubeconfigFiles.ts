/**
 * Kubeconfig files read the way kubectl reads them, not the way client-node's loadFromDefault does.
 *
 * kubectl (client-go `clientcmd.ClientConfigLoadingRules.Load`): every path in KUBECONFIG, in order, missing files
 * skipped; for clusters, users and contexts the FIRST file that defines a name wins and later duplicates are ignored;
 * current-context comes from the first file that sets one; relative file references (certificate-authority,
 * client-certificate, client-key, tokenFile, and an exec command that contains a path separator) resolve against the
 * directory of the file that names them. client-node throws on duplicates and lets the LAST file's current-context win,
 * which surprises anyone whose kubectl works with the same KUBECONFIG.
 *
 * Also here: flattening (reading referenced files into inline data, `kubectl config view --flatten`) and exporting a
 * KubeConfig as YAML text, so the connect chain can store "the kubeconfig in use" on a record.
 */
import { constants as fsConstants } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import { kubernetesClient, newKubeConfig } from './clientNode';
import type { KubeAuthKind } from '../../../../common/importedKubeconfigs';
import { messageOf } from '../../../../common/errors';

/** The file kubectl reads when KUBECONFIG is unset, relative to the home directory. */
const DEFAULT_KUBECONFIG_RELATIVE = path.join('.kube', 'config');
/**
 * Kubeconfigs of many clusters stay well under a megabyte even with embedded certificates; refusing bigger files keeps a
 * wrong KUBECONFIG entry (a log file, a disk image) from being read into memory and parsed as YAML.
 */
const MAX_KUBECONFIG_FILE_BYTES = 8 * 1024 * 1024;
/**
 * A certificate, key or token a kubeconfig refers to is kilobytes; a whole system CA bundle is a few hundred. Refusing
 * more keeps a path to a disk image or a log from being read into memory (and, for a tokenFile, sent as a header).
 */
const MAX_REFERENCED_FILE_BYTES = 1024 * 1024;
/**
 * Opening without blocking: a FIFO opened for reading would otherwise wait for a writer forever. Windows has no such
 * flag (and no FIFOs at a path), hence the fallback.
 */
const TOO_BIG_TO_REFERENCE = `it is over ${MAX_REFERENCED_FILE_BYTES / 1024 / 1024} MiB, too big for a certificate, key or token`;
const OPEN_WITHOUT_BLOCKING = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/** client-node's entries are readonly; building a flattened copy field by field needs a writable one. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A user as Podterm keeps it: client-node's User plus kubectl's `tokenFile`, read only when that user is chosen. */
export type KubeUser = User & { readonly tokenFile?: string };

/**
 * How a kubeconfig user signs in, as the cluster browser, the import preview and Settings show it, in the order kubectl
 * gives them precedence (a client certificate over a token).
 */
export function authKindOf(user: KubeUser | null | undefined): KubeAuthKind {
  if (!user) return 'none';
  if (user.exec) return 'exec';
  if (user.authProvider) return (user.authProvider as { name?: unknown }).name === 'oidc' ? 'oidc' : 'authProvider';
  if (user.certData || user.certFile) return 'clientCert';
  if (user.token || user.tokenFile) return 'token';
  if (user.username || user.password) return 'basic';
  return 'none';
}

/** Where each cluster, user and context name was defined, for descriptions and error messages ("~/.kube/config"). */
export interface KubeconfigOrigins {
  clusters: Map<string, string>;
  users: Map<string, string>;
  contexts: Map<string, string>;
}

/** A kubeconfig loaded from files or text: merged, relative paths resolved, nothing read or run yet. */
export interface LoadedKubeconfig {
  /** Clusters, users and contexts in merge order; currentContext may be '' (none set). */
  kubeConfig: KubeConfig;
  /** For people: "~/.kube/config", "KUBECONFIG (~/a.yaml, ~/b.yaml)", "the record's kubeconfig". */
  label: string;
  /** Every path searched, existing or not, as shown to people (for "files searched" in errors). */
  searched: string[];
  /** The files that were read, as absolute paths, in merge order (empty for text). */
  files: string[];
  origins: KubeconfigOrigins;
  /**
   * Says where this kubeconfig came from, stably across loads ("files:/home/a/.kube/config", "record:<id>"), so exec
   * credentials can be cached per source and two sources that happen to share a user name never share a token.
   */
  identity: string;
}

/** What `kubeconfigPaths` found: the paths to read, and whether they came from KUBECONFIG. */
export interface KubeconfigPaths {
  paths: string[];
  fromEnv: boolean;
}

/** A kubeconfig is broken (unreadable, not YAML, wrong shape). The message names the file and the problem. */
export class KubeconfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeconfigError';
  }
}

/**
 * The kubeconfig paths kubectl would read: KUBECONFIG split on the platform's delimiter (empty entries ignored,
 * duplicates read once), else ~/.kube/config. Relative KUBECONFIG entries resolve against the working directory, as
 * kubectl's do.
 */
export function kubeconfigPaths(kubeconfigEnv: string | undefined, homeDir: string): KubeconfigPaths {
  const entries = (kubeconfigEnv ?? '').split(path.delimiter).filter((entry) => entry.trim() !== '');
  if (entries.length === 0) return { paths: [path.join(homeDir, DEFAULT_KUBECONFIG_RELATIVE)], fromEnv: false };
  const unique: string[] = [];
  for (const entry of entries) {
    const absolute = path.resolve(entry);
    if (!unique.includes(absolute)) unique.push(absolute);
  }
  return { paths: unique, fromEnv: true };
}

/** "~/.kube/config" for a path under the home directory, the path itself otherwise: what people recognise. */
export function displayPath(file: string, homeDir: string): string {
  const relative = path.relative(homeDir, file);
  if (homeDir !== '' && relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return `~${path.sep}${relative}`;
  }
  return file;
}

/**
 * Reads and merges the given kubeconfig files kubectl's way (see the file comment). Missing files are skipped; returns
 * null when none exists. Throws KubeconfigError naming the file for one that cannot be read or parsed.
 */
export async function loadKubeconfigFiles(
  paths: readonly string[],
  homeDir: string,
  label: string,
): Promise<LoadedKubeconfig | null> {
  const merged = emptyMerge();
  const files: string[] = [];
  for (const file of paths) {
    const shown = displayPath(file, homeDir);
    const text = await readKubeconfigFile(file, shown);
    if (text === null) continue;
    files.push(file);
    mergeInto(merged, parseKubeconfig(text, { label: shown, baseDir: path.dirname(file) }), shown);
  }
  if (files.length === 0) return null;
  return {
    kubeConfig: toKubeConfig(merged),
    label,
    searched: paths.map((file) => displayPath(file, homeDir)),
    files,
    origins: merged.origins,
    identity: `files:${files.join(path.delimiter)}`,
  };
}

/**
 * The default kubeconfig: KUBECONFIG's files, else ~/.kube/config. Null when no file exists (also reported through
 * `searched` so the caller can say where it looked).
 */
export async function loadDefaultKubeconfig(
  kubeconfigEnv: string | undefined,
  homeDir: string,
): Promise<{ loaded: LoadedKubeconfig | null; searched: KubeconfigPaths }> {
  const searched = kubeconfigPaths(kubeconfigEnv, homeDir);
  const shown = searched.paths.map((file) => displayPath(file, homeDir));
  const label = searched.fromEnv && shown.length > 1 ? `KUBECONFIG (${shown.join(', ')})` : shown.join(', ');
  return { loaded: await loadKubeconfigFiles(searched.paths, homeDir, label), searched };
}

/**
 * A kubeconfig held as text (the record's own). It has no directory, so a relative file reference in it cannot be
 * resolved; flattening reports that with a fix instead of reading a file relative to wherever the app was started.
 */
export function loadKubeconfigText(text: string, label: string, identity: string): LoadedKubeconfig {
  const merged = emptyMerge();
  mergeInto(merged, parseKubeconfig(text, { label, baseDir: null }), label);
  return {
    kubeConfig: toKubeConfig(merged),
    label,
    searched: [label],
    files: [],
    origins: merged.origins,
    identity,
  };
}

/** One parsed kubeconfig document. */
export interface ParsedKubeconfig {
  clusters: Cluster[];
  users: KubeUser[];
  contexts: Context[];
  currentContext: string;
}

/**
 * Parses one kubeconfig document. `baseDir` resolves relative file references (null: leave them, see
 * loadKubeconfigText). Throws KubeconfigError: "~/.kube/config line 12: not valid YAML: …",
 * "~/.kube/config: users[1] has no name".
 */
export function parseKubeconfig(text: string, options: { label: string; baseDir: string | null }): ParsedKubeconfig {
  const { label, baseDir } = options;
  const root = parseYamlDocument(text, label);
  if (root === undefined) return { clusters: [], users: [], contexts: [], currentContext: '' };
  const doc = asRecord(root);
  if (doc === null) {
    throw new KubeconfigError(
      `${label} is not a kubeconfig: expected a YAML mapping with clusters, users and contexts. Check that the file is a kubeconfig (kubectl config view shows what kubectl makes of it).`,
    );
  }
  const resolvePath = (file: string | undefined): string | undefined =>
    file === undefined || file === '' || baseDir === null || path.isAbsolute(file) ? file : path.join(baseDir, file);

  const clusters = namedEntries(doc, 'clusters', 'cluster', label).map(({ name, body, where }): Cluster => {
    const caFile = resolvePath(optionalString(body, 'certificate-authority', where));
    return stripUndefined({
      name,
      server: (optionalString(body, 'server', where) ?? '').replace(/\/+$/, ''),
      caData: optionalString(body, 'certificate-authority-data', where),
      caFile,
      skipTLSVerify: optionalBoolean(body, 'insecure-skip-tls-verify', where) === true,
      tlsServerName: optionalString(body, 'tls-server-name', where),
      proxyUrl: optionalString(body, 'proxy-url', where),
    });
  });

  const users = namedEntries(doc, 'users', 'user', label).map(({ name, body, where }): KubeUser => {
    const exec = asRecord(body['exec']);
    if (body['exec'] != null && exec === null) throw new KubeconfigError(`${where}.exec must be a mapping`);
    let execConfig: Record<string, unknown> | undefined;
    if (exec !== null) {
      const command = optionalString(exec, 'command', `${where}.exec`);
      // kubectl resolves an exec command that names a path ("./bin/plugin") against the kubeconfig's directory; a
      // bare name ("aws") is looked up on PATH when the plugin runs.
      const resolvedCommand = command !== undefined && /[\\/]/.test(command) ? resolvePath(command) : command;
      execConfig = { ...exec, command: resolvedCommand };
    }
    const authProvider = asRecord(body['auth-provider']) ?? undefined;
    return stripUndefined({
      name,
      certData: optionalString(body, 'client-certificate-data', where),
      certFile: resolvePath(optionalString(body, 'client-certificate', where)),
      keyData: optionalString(body, 'client-key-data', where),
      keyFile: resolvePath(optionalString(body, 'client-key', where)),
      token: optionalString(body, 'token', where),
      // kubectl's key is "tokenFile"; client-node reads "token-file". Accept both.
      tokenFile: resolvePath(optionalString(body, 'tokenFile', where) ?? optionalString(body, 'token-file', where)),
      username: optionalString(body, 'username', where),
      password: optionalString(body, 'password', where),
      impersonateUser: optionalString(body, 'as', where),
      exec: execConfig,
      authProvider,
    });
  });

  const contexts = namedEntries(doc, 'contexts', 'context', label).map(({ name, body, where }): Context => {
    const cluster = optionalString(body, 'cluster', where) ?? '';
    const user = optionalString(body, 'user', where) ?? '';
    return stripUndefined({ name, cluster, user, namespace: optionalString(body, 'namespace', where) });
  });

  const currentContext = optionalString(doc, 'current-context', label) ?? '';
  return { clusters, users, contexts, currentContext };
}

/** Options for flattening: where the config came from, for error messages. */
export interface FlattenOptions {
  /** "~/.kube/config", "the record's kubeconfig". */
  label?: string;
}

/**
 * A copy of `kubeConfig` with every file reference read into inline data (`kubectl config view --flatten`):
 * certificate-authority → certificate-authority-data, client-certificate/-key → -data, tokenFile → token. Throws
 * KubeconfigError naming the file, the entry that refers to it and the fix.
 */
export async function flattenKubeConfig(kubeConfig: KubeConfig, options: FlattenOptions = {}): Promise<KubeConfig> {
  const label = options.label ?? 'the kubeconfig';
  const clusters = await Promise.all(
    kubeConfig.clusters.map(async (cluster): Promise<Cluster> => {
      if (!cluster.caFile) return cluster;
      const data = await readReferencedFile(
        cluster.caFile,
        `certificate-authority of cluster "${cluster.name}"`,
        label,
      );
      const { caFile: _caFile, ...rest } = cluster;
      return { ...rest, caData: data.toString('base64') };
    }),
  );
  const users = await Promise.all(
    kubeConfig.users.map(async (user: KubeUser): Promise<KubeUser> => {
      const { certFile, keyFile, tokenFile, ...rest } = user;
      const flat: Mutable<KubeUser> = { ...rest };
      const read = async (file: string, what: string) =>
        readReferencedFile(file, `${what} of user "${user.name}"`, label);
      if (certFile) flat.certData = (await read(certFile, 'client-certificate')).toString('base64');
      if (keyFile) flat.keyData = (await read(keyFile, 'client-key')).toString('base64');
      if (tokenFile) flat.token = (await read(tokenFile, 'tokenFile')).toString('utf8').trim();
      return flat;
    }),
  );
  const flattened = newKubeConfig();
  flattened.loadFromOptions({
    clusters,
    users,
    contexts: kubeConfig.contexts.map((context) => ({ ...context })),
    currentContext: kubeConfig.currentContext,
  });
  return flattened;
}

/**
 * The kubeconfig as YAML text, in kubectl's field names. With `minify`, only the current context and the cluster and
 * user it names (`kubectl config view --minify`): what a record needs, without every other cluster's credentials.
 * Flatten first for text that must stand on its own.
 */
export function exportKubeconfigYaml(kubeConfig: KubeConfig, options: { minify?: boolean } = {}): string {
  let { clusters, users, contexts } = kubeConfig;
  const currentContext = kubeConfig.currentContext || undefined;
  if (options.minify) {
    const context = contexts.find((entry) => entry.name === currentContext);
    if (context === undefined) {
      throw new KubeconfigError(
        `cannot export the kubeconfig's current context: context "${currentContext ?? ''}" is not defined`,
      );
    }
    contexts = [context];
    clusters = clusters.filter((cluster) => cluster.name === context.cluster);
    users = users.filter((user) => user.name === context.user);
  }
  const document = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: clusters.map((cluster) => ({
      name: cluster.name,
      cluster: stripUndefined({
        server: cluster.server,
        'certificate-authority-data': cluster.caData || undefined,
        'certificate-authority': cluster.caFile || undefined,
        'insecure-skip-tls-verify': cluster.skipTLSVerify ? true : undefined,
        'tls-server-name': cluster.tlsServerName || undefined,
        'proxy-url': cluster.proxyUrl || undefined,
      }),
    })),
    users: users.map((user: KubeUser) => ({
      name: user.name,
      user: stripUndefined({
        'client-certificate-data': user.certData || undefined,
        'client-certificate': user.certFile || undefined,
        'client-key-data': user.keyData || undefined,
        'client-key': user.keyFile || undefined,
        token: user.token || undefined,
        tokenFile: user.tokenFile || undefined,
        username: user.username || undefined,
        password: user.password || undefined,
        as: user.impersonateUser || undefined,
        exec: user.exec ? stripUndefined({ ...(user.exec as Record<string, unknown>) }) : undefined,
        'auth-provider': user.authProvider || undefined,
      }),
    })),
    contexts: contexts.map((context) => ({
      name: context.name,
      context: stripUndefined({
        cluster: context.cluster,
        user: context.user || undefined,
        namespace: context.namespace || undefined,
      }),
    })),
    'current-context': currentContext,
  };
  return kubernetesClient().dumpYaml(stripUndefined(document));
}

// --- internals ---

interface Merge {
  clusters: Cluster[];
  users: KubeUser[];
  contexts: Context[];
  currentContext: string;
  origins: KubeconfigOrigins;
}

function emptyMerge(): Merge {
  return {
    clusters: [],
    users: [],
    contexts: [],
    currentContext: '',
    origins: { clusters: new Map(), users: new Map(), contexts: new Map() },
  };
}

/** kubectl's merge: the first definition of a name wins; the first non-empty current-context wins. */
function mergeInto(merge: Merge, parsed: ParsedKubeconfig, origin: string): void {
  const add = <T extends { name: string }>(target: T[], origins: Map<string, string>, entries: T[]) => {
    for (const entry of entries) {
      if (origins.has(entry.name)) continue;
      origins.set(entry.name, origin);
      target.push(entry);
    }
  };
  add(merge.clusters, merge.origins.clusters, parsed.clusters);
  add(merge.users, merge.origins.users, parsed.users);
  add(merge.contexts, merge.origins.contexts, parsed.contexts);
  if (merge.currentContext === '' && parsed.currentContext !== '') merge.currentContext = parsed.currentContext;
}

function toKubeConfig(merge: Merge): KubeConfig {
  const kubeConfig = newKubeConfig();
  kubeConfig.loadFromOptions({
    clusters: merge.clusters,
    users: merge.users,
    contexts: merge.contexts,
    currentContext: merge.currentContext,
  });
  return kubeConfig;
}

/** The file's text, or null when it does not exist (kubectl skips missing KUBECONFIG entries). */
async function readKubeconfigFile(file: string, shown: string): Promise<string | null> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new KubeconfigError(
      `${shown} cannot be read (${describeFsError(error)}). Fix its permissions, or remove it from KUBECONFIG.`,
      { cause: error },
    );
  }
  if (data.byteLength > MAX_KUBECONFIG_FILE_BYTES) {
    throw new KubeconfigError(
      `${shown} is ${Math.round(data.byteLength / 1024 / 1024)} MiB, too big to be a kubeconfig. Check that KUBECONFIG names the right file.`,
    );
  }
  return data.toString('utf8');
}

/** A comment-only or blank file is an empty kubeconfig to kubectl, not an error. */
function parseYamlDocument(text: string, label: string): unknown {
  const hasContent = text.split(/\r?\n/).some((line) => {
    const trimmed = line.trim();
    return trimmed !== '' && !trimmed.startsWith('#') && trimmed !== '---';
  });
  if (!hasContent) return undefined;
  let document: unknown;
  try {
    document = kubernetesClient().loadYaml<unknown>(text);
  } catch (error) {
    const mark = (error as { mark?: { line?: number } } | null)?.mark;
    const reason = (error as { reason?: string } | null)?.reason ?? (error instanceof Error ? error.message : '');
    const where = typeof mark?.line === 'number' ? `${label} line ${mark.line + 1}` : label;
    throw new KubeconfigError(`${where}: not valid YAML: ${reason}. Fix the file (a kubeconfig is YAML).`, {
      cause: error,
    });
  }
  return applyMergeKeys(document, label);
}

/** YAML's merge key. */
const MERGE_KEY = '<<';

/**
 * Applies YAML merge keys (`<<: *defaults`), which kubectl honours: it reads kubeconfigs with sigs.k8s.io/yaml, that
 * is go-yaml v2, a YAML 1.1 parser with merge keys. client-node's loadYaml is js-yaml 5 on its YAML 1.2 core schema,
 * which has no merge keys and hands `<<` back as an ordinary key, so a cluster written as `<<: *base` would lose its
 * server. The rules (https://yaml.org/type/merge.html): the value is a mapping or a list of mappings; a key written in
 * the mapping itself wins over a merged one, and an earlier mapping of the list wins over a later one. go-yaml v2 also
 * lets a merge written after an explicit key override it; the spec says it must not, and the spec is followed here.
 *
 * Aliases share objects, so each mapping is resolved once (memo): a file of nested aliases (a "billion laughs") costs
 * its size, not its expansion. A quoted "<<" is treated as a merge too: the parser no longer tells them apart, and no
 * kubeconfig field has that name.
 */
function applyMergeKeys(root: unknown, label: string): unknown {
  const resolved = new Map<object, unknown>();
  const visit = (value: unknown, where: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const done = resolved.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      const list: unknown[] = [];
      resolved.set(value, list);
      value.forEach((item, index) => list.push(visit(item, `${where}[${index}]`)));
      return list;
    }
    const mapping: Record<string, unknown> = {};
    resolved.set(value, mapping);
    const own = value as Record<string, unknown>;
    for (const [key, field] of Object.entries(own)) {
      if (key !== MERGE_KEY) mapping[key] = visit(field, where === '' ? key : `${where}.${key}`);
    }
    if (Object.hasOwn(own, MERGE_KEY)) {
      const sources = Array.isArray(own[MERGE_KEY]) ? (own[MERGE_KEY] as unknown[]) : [own[MERGE_KEY]];
      for (const source of sources) {
        const merged = asRecord(visit(source, where));
        if (merged === null) {
          throw new KubeconfigError(
            `${label}: the merge key (<<) at ${where === '' ? 'the top level' : where} must name a mapping or a list of mappings (<<: *anchor). Fix it, or write the fields out.`,
          );
        }
        for (const [key, field] of Object.entries(merged)) {
          if (!Object.hasOwn(mapping, key)) mapping[key] = field;
        }
      }
    }
    return mapping;
  };
  return visit(root, '');
}

interface NamedEntry {
  name: string;
  body: Record<string, unknown>;
  /** "~/.kube/config: clusters[2].cluster", for messages. */
  where: string;
}

/**
 * The `clusters`/`users`/`contexts` list: entries of `{ name, <bodyKey>: {...} }`.
 *
 * Two entries of one name in one file are refused, as kubectl refuses them: client-go converts each list into a map
 * and fails on a name already there ("duplicate name ... in list"; k8s.io/client-go/tools/clientcmd/api/v1/
 * conversion.go, Convert_Slice_v1_NamedContext_To_Map_string_To_Pointer_api_Context and its NamedCluster and
 * NamedAuthInfo twins), so `kubectl config view` on such a file fails. Picking one of the two would silently use
 * credentials the person may not have meant. Across files (KUBECONFIG's list) the first definition wins instead; that
 * is mergeInto's job.
 */
function namedEntries(doc: Record<string, unknown>, listKey: string, bodyKey: string, label: string): NamedEntry[] {
  const list = doc[listKey];
  if (list == null) return [];
  if (!Array.isArray(list)) throw new KubeconfigError(`${label}: ${listKey} must be a list`);
  const firstIndexOf = new Map<string, number>();
  return list.map((item: unknown, index) => {
    const at = `${label}: ${listKey}[${index}]`;
    const entry = asRecord(item);
    if (entry === null) throw new KubeconfigError(`${at} must be a mapping with name and ${bodyKey}`);
    const name = entry['name'];
    if (typeof name !== 'string' || name === '') throw new KubeconfigError(`${at} has no name; give it one`);
    const first = firstIndexOf.get(name);
    if (first !== undefined) {
      throw new KubeconfigError(
        `${at} (${name}): ${listKey}[${first}] has the same name; a kubeconfig may not define two ${listKey} named "${name}" (kubectl refuses it too). Rename or remove one of them.`,
      );
    }
    firstIndexOf.set(name, index);
    const rawBody = entry[bodyKey];
    const body = rawBody == null ? {} : asRecord(rawBody);
    if (body === null) throw new KubeconfigError(`${at}.${bodyKey} (${name}) must be a mapping`);
    return { name, body, where: `${label}: ${listKey}[${index}].${bodyKey} (${name})` };
  });
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function optionalString(body: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = body[key];
  if (value == null) return undefined;
  // YAML turns unquoted numbers into numbers (a token of digits, a port-less IP is fine as text); kubectl reads them
  // as strings, so do the same rather than refuse.
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new KubeconfigError(`${where}: ${key} must be a string`);
  return value;
}

function optionalBoolean(body: Record<string, unknown>, key: string, where: string): boolean | undefined {
  const value = body[key];
  if (value == null) return undefined;
  if (typeof value !== 'boolean') throw new KubeconfigError(`${where}: ${key} must be true or false`);
  return value;
}

/** Drops undefined fields so exported YAML and loaded objects carry only what was set. */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

async function readReferencedFile(file: string, what: string, label: string): Promise<Buffer> {
  if (!path.isAbsolute(file)) throw relativeWithoutDirectory(file, what, label);
  let handle;
  try {
    handle = await open(file, OPEN_WITHOUT_BLOCKING);
  } catch (error) {
    throw unreadable(file, what, label, describeFsError(error), error);
  }
  try {
    const problem = referencedFileProblem(await handle.stat());
    if (problem !== null) throw unreadable(file, what, label, problem);
    // Read at most one byte over the limit rather than trusting the size: /proc files say 0 and can be long.
    const buffer = Buffer.alloc(MAX_REFERENCED_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) throw unreadable(file, what, label, TOO_BIG_TO_REFERENCE);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof KubeconfigError) throw error;
    throw unreadable(file, what, label, describeFsError(error), error);
  } finally {
    await handle.close();
  }
}

/**
 * Checks, without reading it, that a file a kubeconfig refers to could be read: it exists, is a regular file and is not
 * too big. What the import preview does before the person has agreed to the file being read. Throws KubeconfigError
 * worded as flattenKubeConfig's, so the same problem reads the same whenever it is found.
 */
export async function checkReferencedFile(file: string, what: string, label: string): Promise<void> {
  if (!path.isAbsolute(file)) throw relativeWithoutDirectory(file, what, label);
  let problem: string | null;
  try {
    problem = referencedFileProblem(await stat(file));
  } catch (error) {
    problem = describeFsError(error);
  }
  if (problem !== null) throw unreadable(file, what, label, problem);
}

/** Why a file cannot stand for a certificate, key or token, or null when it can. */
function referencedFileProblem(stats: { isFile(): boolean; size: number }): string | null {
  if (!stats.isFile()) return 'it is not a regular file but a folder, device or pipe';
  if (stats.size > MAX_REFERENCED_FILE_BYTES) return TOO_BIG_TO_REFERENCE;
  return null;
}

function relativeWithoutDirectory(file: string, what: string, label: string): KubeconfigError {
  return new KubeconfigError(
    `${label}: the ${what} is the relative path "${file}", which has no directory to resolve against. Use an absolute path, or embed the data (kubectl config view --flatten --minify) and import that.`,
  );
}

function unreadable(file: string, what: string, label: string, why: string, cause?: unknown): KubeconfigError {
  return new KubeconfigError(
    `${label}: the ${what} is ${file}, which cannot be read (${why}). Fix the path in the kubeconfig or restore the file.`,
    cause === undefined ? undefined : { cause },
  );
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeFsError(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return messageOf(error);
  }
}

/**
 * A kubeconfig held as a parsed object (the earlier web terminal stored `kubeconfig` as a JSON field, so its `dumpdata`
 * export carries a dict) written as the YAML text Podterm stores and kubectl reads. Key order is kept.
 */
export function kubeconfigObjectToYaml(kubeconfig: Record<string, unknown>): string {
  return kubernetesClient().dumpYaml(kubeconfig);
}
