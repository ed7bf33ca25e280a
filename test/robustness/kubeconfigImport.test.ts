/**
 * Robustness of the kubeconfig import, against the real core and store and the test API server: a dropped kubeconfig
 * whose user names files anywhere on the disk (a tokenFile, a client key, a CA) or a program to run gets each one
 * listed in the preview with what it is read as, and nothing of it is read, stored or sent to the kubeconfig's server
 * until the person ticks the box for it; YAML merge keys work as in kubectl; a file with two contexts of one name is
 * refused whole, with the stored data unchanged. The real kubectl (when installed) reads the same files the same way.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeconfigFileInput, KubeconfigPreviewResult } from '../../common/importedKubeconfigs';
import { DATABASE_FILE_NAME } from '../../main/core/store';
import { createTestCore, RecordingClient, type TestCore } from '../harness/core';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { missingServer } from '../harness/skipReasons';
import { KUBECTL, kubectlMissingReason } from '../kube/kubectl';
import { storedDataFingerprint } from '../harness/storedData';

let kube: KubeApiServer | null = null;
const cores: TestCore[] = [];

beforeAll(async () => {
  kube = await startKubeApiServer();
});
afterAll(async () => {
  for (const core of cores) await core.cleanup();
  await kube?.stop();
});

const skipReason = () => missingServer({ kube });

async function newCore(): Promise<TestCore> {
  const core = await createTestCore();
  cores.push(core);
  return core;
}

/** Files outside the home and outside ~/.kube, as an attacker's kubeconfig would name them (say ~/.ssh/id_rsa). */
interface OutsideFiles {
  folder: string;
  token: string;
  key: string;
  cert: string;
  ca: string;
}

async function outsideFiles(core: TestCore): Promise<OutsideFiles> {
  const folder = join(dirname(core.home), 'elsewhere', 'secrets');
  await mkdir(folder, { recursive: true });
  const files = {
    folder,
    token: join(folder, 'stolen-token'),
    key: join(folder, 'id_key'),
    cert: join(folder, 'client.crt'),
    ca: join(folder, 'ca.crt'),
  };
  await writeFile(files.token, `${kube!.users.token.token}\n`);
  await writeFile(files.key, kube!.users.cert.keyPem);
  await writeFile(files.cert, kube!.users.cert.certPem);
  await writeFile(files.ca, kube!.caPem);
  return files;
}

/**
 * Three contexts on the test server: "by-token" reads a token file and a CA from outside; "by-cert" a client key and
 * certificate; "plain" needs nothing local (CA and token inline); "by-plugin" runs a relative exec command.
 */
function hostileKubeconfig(files: OutsideFiles): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: outside-ca
  cluster:
    server: ${kube!.url}
    certificate-authority: ${files.ca}
- name: inline-ca
  cluster:
    server: ${kube!.url}
    certificate-authority-data: ${b64(kube!.caPem)}
users:
- name: token-from-file
  user:
    tokenFile: ${files.token}
- name: cert-from-files
  user:
    client-certificate: ${files.cert}
    client-key: ${files.key}
- name: inline-token
  user:
    token: ${kube!.users.token.token}
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [--cluster, test]
contexts:
- name: by-token
  context: {cluster: outside-ca, user: token-from-file, namespace: default}
- name: by-cert
  context: {cluster: inline-ca, user: cert-from-files, namespace: default}
- name: plain
  context: {cluster: inline-ca, user: inline-token, namespace: default}
- name: by-plugin
  context: {cluster: inline-ca, user: plugin, namespace: default}
current-context: plain
`;
}

/** Every path the preview lists for the file, which is what the renderer sends when the box is ticked. */
function listedPaths(preview: KubeconfigPreviewResult, fileIndex = 0): string[] {
  return preview.files[fileIndex]!.contexts.flatMap((context) => context.localFiles.map((local) => local.path));
}

/** Requests the test server has seen authenticated as the token user (whose token the token file holds). */
const tokenUserRequests = () => kube!.requests.filter((request) => request.user === kube!.users.token.name).length;

async function connectWithImported(core: TestCore, kubeconfigId: string) {
  const pod = await core.request('pods.save', {
    fields: { name: `uses ${kubeconfigId}`, namespace: 'default', podName: 'shell-pod', kubeconfigId },
  });
  const client = new RecordingClient();
  const { sessionId } = await core.request('sessions.open', { podId: pod.id, size: { cols: 80, rows: 24 } }, client);
  const { status } = await core.settle(client, sessionId, { timeoutMs: 30_000 });
  await core.request('sessions.close', { sessionId }).catch(() => {});
  return status;
}

describe('local files a dropped kubeconfig names', () => {
  it('the preview lists each file and program with what it is read as, and says relative paths have no folder', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const files = await outsideFiles(core);
    const requestsBefore = kube!.requests.length;
    const preview = await core.request('kubeconfigs.preview', {
      files: [{ fileName: 'hostile.yaml', text: hostileKubeconfig(files) }],
    });
    const file = preview.files[0]!;
    expect(file.errors).toEqual([]);
    const byName = Object.fromEntries(file.contexts.map((entry) => [entry.name, entry.localFiles]));
    expect(byName['by-token']).toEqual([
      {
        path: files.ca,
        written: files.ca,
        readAs: `the certificate authority trusted for ${kube!.url} (certificate-authority of cluster "outside-ca")`,
        use: 'embed',
      },
      {
        path: files.token,
        written: files.token,
        readAs: `the bearer token of user "token-from-file": the file's whole content is sent to ${kube!.url} (tokenFile)`,
        use: 'embed',
      },
    ]);
    expect(byName['by-cert']!.map((local) => [local.path, local.use, local.readAs])).toEqual([
      [
        files.cert,
        'embed',
        `the client certificate of user "cert-from-files", presented to ${kube!.url} (client-certificate)`,
      ],
      [files.key, 'embed', `the private key of user "cert-from-files", used to sign in to ${kube!.url} (client-key)`],
    ]);
    expect(byName['plain']).toEqual([]);
    // An exec plugin is a program run at each connect; its relative command resolves against ~/.kube, since a file
    // dropped in the browser has no folder, and the preview says so.
    expect(byName['by-plugin']).toEqual([
      {
        path: join(core.home, '.kube', 'bin', 'get-token'),
        written: './bin/get-token',
        readAs: `the credential plugin of user "plugin": runs "${join(core.home, '.kube', 'bin', 'get-token')} --cluster test" at each connect, and the credential it prints is sent to ${kube!.url} (exec)`,
        use: 'runAtConnect',
      },
    ]);
    expect(file.relativeFolder).toEqual({ folder: join(core.home, '.kube'), fileFolder: false });
    // Previewing reached no server.
    expect(kube!.requests.length).toBe(requestsBefore);
  });

  it('without the tick, a context that needs local files is not imported: nothing stored, nothing sent', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const files = await outsideFiles(core);
    const input: KubeconfigFileInput[] = [{ fileName: 'hostile.yaml', text: hostileKubeconfig(files) }];
    const preview = await core.request('kubeconfigs.preview', { files: input });
    const before = await storedDataFingerprint(core.dataDir);
    const tokenRequestsBefore = tokenUserRequests();

    // No tick at all; a tick covering only the CA; the tick given to another file's slot: each refused the same way.
    for (const allowedLocalFiles of [undefined, [[files.ca]], [[], listedPaths(preview)]]) {
      const result = await core.request('kubeconfigs.import', {
        files: input,
        selected: [['by-token', 'by-cert', 'plain', 'by-plugin']],
        ...(allowedLocalFiles ? { allowedLocalFiles } : {}),
      });
      expect(result.imported).toEqual([]);
      expect(result.failed).toHaveLength(1);
      const errors = result.failed[0]!.errors;
      expect(errors.map((error) => error.place)).toEqual([
        'context "by-token"',
        'context "by-cert"',
        'context "by-plugin"',
      ]);
      expect(errors[0]!.message).toContain(files.token);
      expect(errors[0]!.message).toMatch(
        /which the import was not allowed to: tick "Read these files…" under this file in the preview, or leave this context out$/,
      );
      expect(errors[1]!.message).toContain(`${files.cert}, ${files.key}`);
    }
    expect(await storedDataFingerprint(core.dataDir)).toBe(before);
    // The token in the file never reached the server, and is nowhere in the database.
    expect(tokenUserRequests()).toBe(tokenRequestsBefore);
    const database = await readFile(join(core.dataDir, DATABASE_FILE_NAME));
    expect(database.includes(kube!.users.token.token)).toBe(false);

    // The context that needs nothing local imports without the tick.
    const plain = await core.request('kubeconfigs.import', { files: input, selected: [['plain']] });
    expect(plain.imported.map((view) => view.name)).toEqual(['plain']);
    expect(plain.failed).toEqual([]);
  });

  it('the preview does not read a listed file: its content is first checked when the ticked import reads it', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const files = await outsideFiles(core);
    await writeFile(files.key, 'not a key at all');
    const input = [{ fileName: 'hostile.yaml', text: hostileKubeconfig(files) }];
    const preview = await core.request('kubeconfigs.preview', { files: input });
    expect(preview.files[0]!.errors).toEqual([]);
    const before = await storedDataFingerprint(core.dataDir);
    const result = await core.request('kubeconfigs.import', {
      files: input,
      selected: [['by-cert', 'plain']],
      allowedLocalFiles: [listedPaths(preview)],
    });
    expect(result.imported).toEqual([]);
    expect(result.failed[0]!.errors).toEqual([
      { place: 'user "cert-from-files" (line 16)', message: 'client-key-data is not base64 of a PEM private key' },
    ]);
    expect(await storedDataFingerprint(core.dataDir)).toBe(before);
  });

  it('with the tick, the files are read and embedded as before, and the context connects without them', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const files = await outsideFiles(core);
    const input = [{ fileName: 'hostile.yaml', text: hostileKubeconfig(files) }];
    const preview = await core.request('kubeconfigs.preview', { files: input });
    const result = await core.request('kubeconfigs.import', {
      files: input,
      selected: [['by-token', 'by-cert', 'by-plugin']],
      allowedLocalFiles: [listedPaths(preview)],
    });
    expect(result.failed).toEqual([]);
    expect(result.imported.map((view) => [view.name, view.authKind])).toEqual([
      ['by-token', 'token'],
      ['by-cert', 'clientCert'],
      ['by-plugin', 'exec'],
    ]);
    // Embedded: the originals can go.
    await rm(files.folder, { recursive: true });
    const tokenRequestsBefore = tokenUserRequests();
    for (const name of ['by-token', 'by-cert']) {
      const status = await connectWithImported(core, result.imported.find((view) => view.name === name)!.id);
      expect(status?.attempts.map((attempt) => `${attempt.method}:${attempt.outcome}`)).toEqual([
        'defaultKubeconfig:skipped',
        'podKubeconfig:opened',
      ]);
    }
    // The token file's content was sent, now that the person allowed it.
    expect(tokenUserRequests()).toBeGreaterThan(tokenRequestsBefore);
  });
});

describe('YAML merge keys and duplicate names, as kubectl reads them', () => {
  it('a kubeconfig written with << anchors imports and connects', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const text = `apiVersion: v1
kind: Config
clusters:
- name: base
  cluster: &cluster
    server: ${kube!.url}
    certificate-authority-data: ${Buffer.from(kube!.caPem).toString('base64')}
- name: merged
  cluster:
    <<: *cluster
users:
- name: u
  user:
    <<: {token: ${kube!.users.token.token}}
contexts:
- name: merged
  context:
    <<: {cluster: merged, namespace: default}
    user: u
current-context: merged
`;
    const preview = await core.request('kubeconfigs.preview', { files: [{ fileName: 'anchors.yaml', text }] });
    expect(preview.files[0]!.errors).toEqual([]);
    expect(preview.files[0]!.contexts[0]).toMatchObject({
      name: 'merged',
      cluster: 'merged',
      server: kube!.url,
      namespace: 'default',
      authKind: 'token',
      localFiles: [],
    });
    const { imported } = await core.request('kubeconfigs.import', {
      files: [{ fileName: 'anchors.yaml', text }],
      selected: [['merged']],
    });
    const status = await connectWithImported(core, imported[0]!.id);
    expect(status?.method).toBe('podKubeconfig');
    expect(status?.attempts.at(-1)?.outcome).toBe('opened');
  });

  it.for([
    { list: 'contexts', entry: 'context' },
    { list: 'users', entry: 'user' },
    { list: 'clusters', entry: 'cluster' },
  ])(
    'two $list of one name: refused whole, naming both and the fix, stored data unchanged',
    async ({ list }, context) => {
      if (skipReason()) return context.skip(skipReason()!);
      const core = await newCore();
      await core.request('kubeconfigs.import', {
        files: [{ fileName: 'good.yaml', text: kube!.kubeconfig({ user: 'token', contextName: 'prod' }) }],
        selected: [['prod']],
      });
      const before = await storedDataFingerprint(core.dataDir);
      const names = { contexts: ['prod', 'prod'], users: ['admin', 'admin'], clusters: ['c', 'c'] }[list]!;
      const text = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: ${kube!.url}}
${list === 'clusters' ? `- name: ${names[1]}\n  cluster: {server: https://elsewhere.example}\n` : ''}users:
- name: admin
  user: {token: first}
${list === 'users' ? `- name: ${names[1]}\n  user: {token: second}\n` : ''}contexts:
- name: prod
  context: {cluster: c, user: admin}
${list === 'contexts' ? `- name: ${names[1]}\n  context: {cluster: c, user: admin, namespace: other}\n` : ''}`;
      const files = [{ fileName: 'twice.yaml', text }];
      const preview = await core.request('kubeconfigs.preview', { files });
      const singular = list.slice(0, -1);
      const problem = {
        place: `${singular} "${names[0]}"`,
        message: `${list}[0] has the same name; a kubeconfig may not define two ${list} named "${names[0]}" (kubectl refuses it too). Rename or remove one of them.`,
      };
      expect(preview.files[0]!).toMatchObject({ contexts: [], errors: [problem] });
      const result = await core.request('kubeconfigs.import', { files, selected: [['prod']] });
      expect(result).toMatchObject({ imported: [], failed: [{ fileName: 'twice.yaml', errors: [problem] }] });
      expect(await storedDataFingerprint(core.dataDir)).toBe(before);
    },
  );
});

/** `kubectl config view --raw -o json` on one file: what kubectl makes of it, or its refusal. */
function kubectlView(file: string, home: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['config', 'view', '--raw', '-o', 'json'],
      { env: { PATH: process.env['PATH'] ?? '', HOME: home, KUBECONFIG: file } },
      (error, stdout, stderr) => resolve({ ok: error === null, stdout, stderr }),
    );
  });
}

describe('the same answers as the real kubectl', () => {
  const MERGED = `apiVersion: v1
kind: Config
x-base: &base
  server: https://merged.example
  insecure-skip-tls-verify: true
clusters:
- name: own
  cluster:
    <<: *base
    server: https://own.example
- name: base
  cluster:
    <<: *base
users:
- name: u
  user: {token: t}
contexts:
- name: first
  context:
    <<: [{cluster: own, namespace: from-first}, {namespace: from-second, user: u}]
- name: second
  context: {<<: {cluster: base, user: u}}
`;

  it('reads merge keys as kubectl does, and refuses two contexts of one name as kubectl does', async (context) => {
    const missing = skipReason() ?? (await kubectlMissingReason());
    if (missing) return context.skip(missing);
    const core = await newCore();
    const folder = join(dirname(core.home), 'kubectl');
    await mkdir(folder, { recursive: true });
    const mergedFile = join(folder, 'merged.yaml');
    await writeFile(mergedFile, MERGED);
    const view = await kubectlView(mergedFile, core.home);
    expect(view.stderr).toBe('');
    const kubectl = JSON.parse(view.stdout) as {
      clusters: Array<{ name: string; cluster: { server: string } }>;
      contexts: Array<{ name: string; context: { cluster: string; user?: string; namespace?: string } }>;
    };
    const preview = await core.request('kubeconfigs.preview', { files: [{ fileName: 'merged.yaml', text: MERGED }] });
    const ours = preview.files[0]!.contexts.map((entry) => ({
      name: entry.name,
      cluster: entry.cluster,
      server: entry.server,
      user: entry.user,
      namespace: entry.namespace,
    }));
    const theirs = kubectl.contexts.map(({ name, context: entry }) => ({
      name,
      cluster: entry.cluster,
      server: kubectl.clusters.find((cluster) => cluster.name === entry.cluster)!.cluster.server,
      user: entry.user ?? null,
      namespace: entry.namespace ?? null,
    }));
    expect(ours).toEqual(theirs);
    expect(ours).toEqual([
      { name: 'first', cluster: 'own', server: 'https://own.example', user: 'u', namespace: 'from-first' },
      { name: 'second', cluster: 'base', server: 'https://merged.example', user: 'u', namespace: null },
    ]);

    const twice = `${MERGED}- name: first\n  context: {cluster: base}\n`;
    const twiceFile = join(folder, 'twice.yaml');
    await writeFile(twiceFile, twice);
    const refused = await kubectlView(twiceFile, core.home);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toContain('duplicate name "first"');
    const ourRefusal = await core.request('kubeconfigs.preview', { files: [{ fileName: 'twice.yaml', text: twice }] });
    expect(ourRefusal.files[0]!.errors.map((error) => error.place)).toEqual(['context "first"']);
  });
});
