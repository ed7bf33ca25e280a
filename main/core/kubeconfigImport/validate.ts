/**
 * Reads one kubeconfig file for import: parses it with the access layer's kubectl-compatible parser, checks that it is
 * a kubeconfig and that every context resolves, lists the local files each context would read (and the programs it
 * would run), checks certificate and key data, and turns each chosen context into a self-contained kubeconfig (that
 * context, its cluster and user, nothing else).
 *
 * Local files are read only once the person has agreed (`embedLocalFiles`, called by the importer for the contexts
 * they chose and the files they ticked): before that a referenced file is only looked at (does it exist, is it a
 * regular file of a sane size), never read, so a dropped kubeconfig cannot have ~/.ssh/id_rsa read as a "tokenFile"
 * and sent to its server without the person seeing that path first.
 *
 * A file is all or nothing: any problem makes it a list of problems, each naming the place (context, cluster or user,
 * with its line when it can be found) so the person can fix the file and drop it again.
 */
import path from 'node:path';
import type { Cluster, Context, KubeConfig } from '@kubernetes/client-node';
import {
  MAX_KUBECONFIG_BYTES,
  type KubeconfigContextPreview,
  type KubeconfigFileInput,
  type KubeconfigFilePreview,
  type KubeconfigLocalFile,
  type KubeconfigProblem,
} from '../../../common/importedKubeconfigs';
import {
  checkReferencedFile,
  exportKubeconfigYaml,
  flattenKubeConfig,
  KubeconfigError,
  parseKubeconfig,
  authKindOf,
  newKubeConfig,
  type KubeUser,
} from '../kube/access';

/** The folder relative file references resolve against when the file's own folder is unknown (a dropped file). */
export const DEFAULT_REFERENCE_DIR = '.kube';

/** One valid context: what its preview shows (but the name it would be stored under), and its kubeconfig. */
export interface PreparedContext extends Omit<KubeconfigContextPreview, 'importName'> {
  /** Its own kubeconfig: this context, its cluster and user, the files they refer to not read yet. */
  single: KubeConfig;
}

export type PreparedFile =
  | {
      fileName: string;
      ok: true;
      contexts: PreparedContext[];
      relativeFolder: KubeconfigFilePreview['relativeFolder'];
      /** What embedLocalFiles needs to word its problems as the preview does. */
      embedding: EmbeddingContext;
    }
  | { fileName: string; ok: false; errors: KubeconfigProblem[] };

interface EmbeddingContext {
  lines: LineFinder;
  /** "~/.kube, since a dropped file does not say which folder it came from". */
  referenceNote: string;
}

export interface PrepareOptions {
  /** Relative references (certificate-authority: certs/ca.crt) resolve against this folder. */
  referenceDir: string;
}

/** Parses and validates one file; never throws for a problem in the file. */
export async function prepareKubeconfigFile(
  input: KubeconfigFileInput,
  options: PrepareOptions,
): Promise<PreparedFile> {
  const { fileName, text } = input;
  // kubectl resolves relative references against the kubeconfig's own folder; a dropped file's folder is known only
  // in Electron. The folder must be absolute: a relative one would depend on where Podterm was started.
  const fileFolder = input.directory !== undefined && path.isAbsolute(input.directory);
  const referenceDir = fileFolder ? input.directory! : options.referenceDir;
  const referenceNote = fileFolder
    ? `${referenceDir}, the file's folder`
    : `${referenceDir}, since a dropped file does not say which folder it came from`;
  const fail = (...errors: KubeconfigProblem[]): PreparedFile => ({ fileName, ok: false, errors });

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_KUBECONFIG_BYTES) {
    return fail({
      place: null,
      message: `${(bytes / 1024 / 1024).toFixed(1)} MiB is too big to be a kubeconfig (at most 1 MiB); check that this is the right file`,
    });
  }
  const nul = text.indexOf('\u0000');
  // The renderer decodes as UTF-8, so a binary file shows as NUL bytes or replacement characters.
  if (nul !== -1 || text.includes('\uFFFD')) {
    return fail({
      place: nul !== -1 ? `byte ${nul}` : null,
      message: 'this is a binary file, not a kubeconfig (kubeconfigs are YAML text)',
    });
  }

  let parsed: ReturnType<typeof parseKubeconfig>;
  let written: ReturnType<typeof parseKubeconfig>;
  try {
    parsed = parseKubeconfig(text, { label: fileName, baseDir: referenceDir });
    // The same entries with their paths as written, so the preview can show what a relative path became.
    written = parseKubeconfig(text, { label: fileName, baseDir: null });
  } catch (error) {
    if (!(error instanceof KubeconfigError)) throw error;
    return fail(problemFromParseError(error.message, fileName));
  }

  const header = checkHeader(text);
  if (header) return fail(header);
  if (parsed.contexts.length === 0) {
    const what = parsed.clusters.length + parsed.users.length === 0 ? 'no clusters, users or contexts' : 'no contexts';
    return fail({
      place: null,
      message: `not a kubeconfig: it has ${what}. Export one with kubectl config view --flatten --minify`,
    });
  }

  const lines = new LineFinder(text);
  const errors: KubeconfigProblem[] = [];
  const contexts: PreparedContext[] = [];
  for (const context of parsed.contexts) {
    const place = lines.place('contexts', 'context', context.name);
    const cluster = findCluster(parsed.clusters, context, errors, place);
    const user = findUser(parsed.users, context, errors, place);
    if (cluster === null || user === undefined) continue;
    // Names are unique within a file (the parser refuses duplicates), so the written twin is found by name.
    const localFiles = localFilesOf(
      { resolved: cluster, written: written.clusters.find((entry) => entry.name === cluster.name)! },
      user === null ? null : { resolved: user, written: written.users.find((entry) => entry.name === user.name)! },
    );
    const before = errors.length;
    for (const file of localFiles) {
      if (file.use !== 'embed') continue;
      try {
        await checkReferencedFile(file.path, file.what, fileName);
      } catch (error) {
        if (!(error instanceof KubeconfigError)) throw error;
        errors.push({
          place,
          message: `${withoutLabel(error.message, fileName)} (relative paths are read from ${referenceNote})`,
        });
      }
    }
    const single = singleContext(context, cluster, user);
    checkData(single, lines, errors);
    if (errors.length > before) continue;
    contexts.push({
      name: context.name,
      cluster: cluster.name,
      server: cluster.server,
      user: user?.name ?? null,
      namespace: context.namespace ?? null,
      authKind: authKindOf(user),
      current: parsed.currentContext === context.name,
      localFiles: localFiles.map(({ what: _what, ...file }) => file),
      single,
    });
  }
  if (errors.length > 0) return fail(...dedupe(errors));
  const relative = contexts.some((context) => context.localFiles.some((file) => file.written !== file.path));
  return {
    fileName,
    ok: true,
    contexts,
    relativeFolder: relative ? { folder: referenceDir, fileFolder } : null,
    embedding: { lines, referenceNote },
  };
}

/**
 * The context's kubeconfig with its local files read into it (`kubectl config view --flatten`), their data checked:
 * what is stored. Call it only for a context whose local files the person agreed to (see the file comment).
 */
export async function embedLocalFiles(
  file: Extract<PreparedFile, { ok: true }>,
  context: PreparedContext,
): Promise<{ flattened: KubeConfig } | { problems: KubeconfigProblem[] }> {
  const { lines, referenceNote } = file.embedding;
  const place = lines.place('contexts', 'context', context.name);
  let flattened: KubeConfig;
  try {
    flattened = await flattenKubeConfig(context.single, { label: file.fileName });
  } catch (error) {
    if (!(error instanceof KubeconfigError)) throw error;
    const message = `${withoutLabel(error.message, file.fileName)} (relative paths are read from ${referenceNote})`;
    return { problems: [{ place, message }] };
  }
  const problems: KubeconfigProblem[] = [];
  checkData(flattened, lines, problems);
  return problems.length > 0 ? { problems: dedupe(problems) } : { flattened };
}

/**
 * The context's self-contained kubeconfig as stored, its context renamed to the name it is imported under (so a record
 * that chooses it by name cannot land on a same-named context of another kubeconfig) and made current.
 */
export function exportContext(flattened: KubeConfig, importName: string): string {
  const { clusters, users, contexts } = flattened;
  const renamed = newKubeConfig();
  renamed.loadFromOptions({
    clusters,
    users,
    contexts: contexts.map((context) => ({ ...context, name: importName })),
    currentContext: importName,
  });
  return exportKubeconfigYaml(renamed, { minify: true });
}

/** "dev-cluster.yaml" → "dev-cluster": what a clashing context's new name carries. */
export function fileStem(fileName: string): string {
  const base = path.basename(fileName.replace(/\\/g, '/'));
  const stem = base.replace(/\.(ya?ml|conf|config|kubeconfig|txt)$/i, '');
  return stem === '' ? base : stem;
}

// --- internals ---

/** parseKubeconfig's messages start with the label; split "file line 3: …" / "file: users[1] …" into place + message. */
function problemFromParseError(message: string, fileName: string): KubeconfigProblem {
  const rest = message.startsWith(fileName) ? message.slice(fileName.length) : message;
  const line = /^ line (\d+): (.*)$/s.exec(rest);
  if (line) return { place: `line ${line[1]}`, message: line[2]! };
  const entry = /^: (\w+)\[(\d+)\][^:]*?(?:\(([^)]*)\))?: (.*)$/s.exec(rest);
  if (entry) {
    const [, list, index, name, detail] = entry;
    return { place: name ? `${singular(list!)} "${name}"` : `${list}[${index}]`, message: detail! };
  }
  return { place: null, message: rest.replace(/^:?\s*/, '').replace(new RegExp(`^${escapeRegExp(fileName)}\\s*`), '') };
}

/** kind and apiVersion, when present, must be a v1 Config (a Pod manifest or a Helm values file is YAML too). */
function checkHeader(text: string): KubeconfigProblem | null {
  const lineOf = (key: string) => text.split(/\r?\n/).findIndex((line) => line.startsWith(`${key}:`)) + 1;
  const value = (key: string) => {
    const match = new RegExp(`^${key}:\\s*["']?([^"'#\\s]*)`, 'm').exec(text);
    return match ? match[1] : undefined;
  };
  const kind = value('kind');
  if (kind !== undefined && kind !== '' && kind !== 'Config') {
    return {
      place: `line ${lineOf('kind')}`,
      message: `kind is "${kind}", not "Config": this YAML is not a kubeconfig`,
    };
  }
  const apiVersion = value('apiVersion');
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== 'v1') {
    return {
      place: `line ${lineOf('apiVersion')}`,
      message: `apiVersion is "${apiVersion}"; a kubeconfig is apiVersion v1`,
    };
  }
  return null;
}

function findCluster(
  clusters: Cluster[],
  context: Context,
  errors: KubeconfigProblem[],
  place: string,
): Cluster | null {
  if (!context.cluster) {
    errors.push({ place, message: 'names no cluster; add cluster: <name> to the context' });
    return null;
  }
  const cluster = clusters.find((entry) => entry.name === context.cluster);
  if (cluster === undefined) {
    errors.push({
      place,
      message: `cluster "${context.cluster}" is not defined in the file (clusters there: ${names(clusters)})`,
    });
    return null;
  }
  if (!cluster.server) {
    errors.push({ place, message: `cluster "${cluster.name}" has no server; add server: https://…` });
    return null;
  }
  return cluster;
}

/** The context's user, null for none (anonymous), undefined when it names one that does not exist. */
function findUser(
  users: KubeUser[],
  context: Context,
  errors: KubeconfigProblem[],
  place: string,
): KubeUser | null | undefined {
  if (!context.user) return null;
  const user = users.find((entry) => entry.name === context.user);
  if (user === undefined) {
    errors.push({ place, message: `user "${context.user}" is not defined in the file (users there: ${names(users)})` });
  }
  return user;
}

function singleContext(context: Context, cluster: Cluster, user: KubeUser | null): KubeConfig {
  const single = newKubeConfig();
  single.loadFromOptions({
    clusters: [cluster],
    users: user ? [user] : [],
    contexts: [{ ...context }],
    currentContext: context.name,
  });
  return single;
}

/** A local file with the wording flattenKubeConfig and checkReferencedFile use for it ('tokenFile of user "ci"'). */
type NamedLocalFile = KubeconfigLocalFile & { what: string };

/**
 * Every local file a context's cluster and user name, and every program they run, with what each is read as. The
 * fields are the ones client-go resolves against the kubeconfig's folder (GetClusterFileReferences and
 * GetAuthInfoFileReferences in k8s.io/client-go/tools/clientcmd/loader.go: certificate-authority, client-certificate,
 * client-key, tokenFile, and an exec command naming a path), plus what client-node's auth providers read or run.
 *
 * An exec plugin is shown as a program run at each connect, not a file read: the import stores its command, and the
 * command runs with the login environment whenever the context connects, which is as much the person's decision as a
 * file being read, so it needs the same tick. A bare command name ("aws") is listed as written: it is looked up on
 * PATH when it runs, as kubectl does.
 */
function localFilesOf(
  cluster: { resolved: Cluster; written: Cluster },
  user: { resolved: KubeUser; written: KubeUser } | null,
): NamedLocalFile[] {
  const files: NamedLocalFile[] = [];
  const server = cluster.resolved.server;
  const add = (file: NamedLocalFile) => files.push(file);
  const { caFile } = cluster.resolved;
  if (caFile) {
    add({
      path: caFile,
      written: cluster.written.caFile ?? caFile,
      what: `certificate-authority of cluster "${cluster.resolved.name}"`,
      readAs: `the certificate authority trusted for ${server} (certificate-authority of cluster "${cluster.resolved.name}")`,
      use: 'embed',
    });
  }
  if (user === null) return files;
  const { resolved, written } = user;
  const who = `user "${resolved.name}"`;
  if (resolved.certFile) {
    add({
      path: resolved.certFile,
      written: written.certFile ?? resolved.certFile,
      what: `client-certificate of ${who}`,
      readAs: `the client certificate of ${who}, presented to ${server} (client-certificate)`,
      use: 'embed',
    });
  }
  if (resolved.keyFile) {
    add({
      path: resolved.keyFile,
      written: written.keyFile ?? resolved.keyFile,
      what: `client-key of ${who}`,
      readAs: `the private key of ${who}, used to sign in to ${server} (client-key)`,
      use: 'embed',
    });
  }
  if (resolved.tokenFile) {
    add({
      path: resolved.tokenFile,
      written: written.tokenFile ?? resolved.tokenFile,
      what: `tokenFile of ${who}`,
      readAs: `the bearer token of ${who}: the file's whole content is sent to ${server} (tokenFile)`,
      use: 'embed',
    });
  }
  const exec = resolved.exec as { command?: unknown; args?: unknown } | undefined;
  if (exec && typeof exec.command === 'string' && exec.command !== '') {
    const writtenCommand = (written.exec as { command?: unknown } | undefined)?.command;
    add({
      path: exec.command,
      written: typeof writtenCommand === 'string' ? writtenCommand : exec.command,
      what: `exec command of ${who}`,
      readAs: `the credential plugin of ${who}: runs ${commandLine(exec.command, exec.args)} at each connect, and the credential it prints is sent to ${server} (exec)`,
      use: 'runAtConnect',
    });
  }
  const provider = resolved.authProvider as { name?: unknown; config?: unknown } | undefined;
  const config = (provider?.config ?? {}) as Record<string, unknown>;
  const providerName = typeof provider?.name === 'string' ? provider.name : 'auth';
  const providerPath = (key: string, readAs: string, use: KubeconfigLocalFile['use']) => {
    const value = config[key];
    if (typeof value !== 'string' || value === '') return;
    add({ path: value, written: value, what: `${key} of ${who}`, readAs, use });
  };
  // client-node's gcp and azure providers run cmd-path (with cmd-args) through a shell; its oidc provider reads
  // idp-certificate-authority, and its file provider a tokenFile, each time it signs in. They are read where they are.
  providerPath(
    'cmd-path',
    `run through the shell by the ${providerName} auth provider of ${who}${typeof config['cmd-args'] === 'string' ? ` with "${config['cmd-args']}"` : ''}, its token sent to ${server} (cmd-path)`,
    'runAtConnect',
  );
  providerPath(
    'idp-certificate-authority',
    `the certificate authority trusted for the OIDC issuer of ${who} (idp-certificate-authority)`,
    'readAtConnect',
  );
  providerPath(
    'tokenFile',
    `the bearer token of ${who}, sent to ${server} (the auth provider's tokenFile)`,
    'readAtConnect',
  );
  return files;
}

/** `aws eks get-token --cluster-name prod`, quoted where a word has spaces: how a person reads a command. */
function commandLine(command: string, args: unknown): string {
  const words = [command, ...(Array.isArray(args) ? args.map(String) : [])];
  return `"${words.map((word) => (/\s/.test(word) || word === '' ? JSON.stringify(word) : word)).join(' ')}"`;
}

function withoutLabel(message: string, fileName: string): string {
  return message.startsWith(`${fileName}: `) ? message.slice(fileName.length + 2) : message;
}

/** Embedded certificates and keys must be base64 of PEM, or the connect would fail later with a TLS riddle. */
function checkData(kubeConfig: KubeConfig, lines: LineFinder, errors: KubeconfigProblem[]): void {
  for (const cluster of kubeConfig.clusters) {
    if (cluster.caData && !isBase64Pem(cluster.caData, /-----BEGIN CERTIFICATE-----/)) {
      errors.push({
        place: lines.place('clusters', 'cluster', cluster.name),
        message: 'certificate-authority-data is not base64 of a PEM certificate (base64 -w0 ca.crt makes it)',
      });
    }
  }
  for (const user of kubeConfig.users as KubeUser[]) {
    const place = lines.place('users', 'user', user.name);
    if (user.certData && !isBase64Pem(user.certData, /-----BEGIN CERTIFICATE-----/)) {
      errors.push({ place, message: 'client-certificate-data is not base64 of a PEM certificate' });
    }
    if (user.keyData && !isBase64Pem(user.keyData, /-----BEGIN [A-Z ]*PRIVATE KEY-----/)) {
      errors.push({ place, message: 'client-key-data is not base64 of a PEM private key' });
    }
  }
}

const BASE64_PATTERN = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function isBase64Pem(data: string, header: RegExp): boolean {
  if (!BASE64_PATTERN.test(data)) return false;
  return header.test(Buffer.from(data, 'base64').toString('latin1'));
}

/** Finds the line of a named entry in a section, for error places; a best effort over the text as written. */
class LineFinder {
  private readonly lines: string[];

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }

  /** 'context "prod" (line 14)', or without the line when it cannot be found (flow-style YAML, anchors). */
  place(section: string, kind: string, name: string): string {
    const line = this.find(section, name);
    return line === null ? `${kind} "${name}"` : `${kind} "${name}" (line ${line})`;
  }

  private find(section: string, name: string): number | null {
    let inSection = false;
    const nameLine = new RegExp(`^\\s*(-\\s*)?name:\\s*["']?${escapeRegExp(name)}["']?\\s*(#.*)?$`);
    for (let index = 0; index < this.lines.length; index += 1) {
      const line = this.lines[index]!;
      if (/^[A-Za-z-]+:/.test(line)) inSection = line.startsWith(`${section}:`);
      else if (inSection && nameLine.test(line)) return index + 1;
    }
    return null;
  }
}

function names(entries: Array<{ name: string }>): string {
  return entries.length === 0 ? 'none' : entries.map((entry) => entry.name).join(', ');
}

function singular(list: string): string {
  return list.endsWith('s') ? list.slice(0, -1) : list;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function dedupe(problems: KubeconfigProblem[]): KubeconfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.place}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
