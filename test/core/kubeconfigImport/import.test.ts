/**
 * Importing kubeconfigs through the real core (real SQLite file, real AES-GCM secret box) with real files: preview,
 * import, the clash rename, re-import, each kind of invalid input leaving the stored rows exactly as they were, secrets
 * never in plaintext in the database file, and a record using an imported context connecting to the test API server.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeconfigFileInput } from '../../../common/importedKubeconfigs';
import { openDatabase } from '../../../main/core/store/database';
import { DATABASE_FILE_NAME } from '../../../main/core/store';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { buildKubeconfig, startKubeApiServer, type KubeApiServer } from '../../harness/kubeApiServer';
import { missingServer } from '../../harness/skipReasons';

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

/** Two contexts on the test server: a token user, and a cert user whose files are referenced by relative path. */
async function twoContexts(core: TestCore): Promise<string> {
  const certs = join(core.home, '.kube', 'certs');
  await mkdir(certs, { recursive: true });
  await writeFile(join(certs, 'ca.crt'), kube!.caPem);
  await copyFile(kube!.users.cert.certFile, join(certs, 'client.crt'));
  await copyFile(kube!.users.cert.keyFile, join(certs, 'client.key'));
  return buildKubeconfig([
    {
      contextName: 'dev',
      clusterName: 'test-cluster',
      userName: 'token-user',
      namespace: 'default',
      server: kube!.url,
      ca: { pem: kube!.caPem },
      user: { kind: 'token', token: kube!.users.token.token },
    },
    {
      contextName: 'prod',
      clusterName: 'test-cluster-files',
      userName: 'cert-user',
      namespace: 'prod',
      server: kube!.url,
      ca: { file: 'certs/ca.crt' },
      user: { kind: 'certFiles', certFile: 'certs/client.crt', keyFile: 'certs/client.key' },
    },
  ]);
}

/** Every row of the tables an import could touch, to prove a failed import changed nothing. */
function snapshot(core: TestCore): unknown {
  const db = openDatabase(join(core.dataDir, DATABASE_FILE_NAME));
  try {
    return {
      pods: db.prepare('SELECT * FROM pods ORDER BY id').all(),
      kubeconfigs: db.prepare('SELECT * FROM kubeconfigs ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

describe('kubeconfigs.preview and kubeconfigs.import', () => {
  it('previews each context, imports the chosen ones with referenced files embedded, and renames clashes', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const files: KubeconfigFileInput[] = [{ fileName: 'dev-cluster.yaml', text: await twoContexts(core) }];

    const preview = await core.request('kubeconfigs.preview', { files });
    expect(preview.files[0]!.errors).toEqual([]);
    expect(preview.files[0]!.contexts).toEqual([
      {
        name: 'dev',
        importName: 'dev',
        cluster: 'test-cluster',
        server: kube!.url,
        user: 'token-user',
        namespace: 'default',
        authKind: 'token',
        current: true,
        localFiles: [],
      },
      {
        name: 'prod',
        importName: 'prod',
        cluster: 'test-cluster-files',
        server: kube!.url,
        user: 'cert-user',
        namespace: 'prod',
        authKind: 'clientCert',
        current: false,
        // Relative paths resolve against ~/.kube (a dropped file's folder is unknown); each says what it is read as.
        localFiles: [
          {
            path: join(core.home, '.kube', 'certs', 'ca.crt'),
            written: 'certs/ca.crt',
            readAs: `the certificate authority trusted for ${kube!.url} (certificate-authority of cluster "test-cluster-files")`,
            use: 'embed',
          },
          {
            path: join(core.home, '.kube', 'certs', 'client.crt'),
            written: 'certs/client.crt',
            readAs: `the client certificate of user "cert-user", presented to ${kube!.url} (client-certificate)`,
            use: 'embed',
          },
          {
            path: join(core.home, '.kube', 'certs', 'client.key'),
            written: 'certs/client.key',
            readAs: `the private key of user "cert-user", used to sign in to ${kube!.url} (client-key)`,
            use: 'embed',
          },
        ],
      },
    ]);
    expect(preview.files[0]!.relativeFolder).toEqual({ folder: join(core.home, '.kube'), fileFolder: false });
    // A preview stores nothing.
    expect(await core.request('kubeconfigs.list', {})).toEqual([]);

    const allowed = [preview.files[0]!.contexts.flatMap((entry) => entry.localFiles.map((local) => local.path))];
    const first = await core.request('kubeconfigs.import', { files, selected: [['prod']], allowedLocalFiles: allowed });
    expect(first.imported.map((view) => [view.name, view.fileName, view.authKind])).toEqual([
      ['prod', 'dev-cluster.yaml', 'clientCert'],
    ]);

    // The same file again: "prod" is taken, so it becomes "prod (dev-cluster)"; "dev" is free.
    const again = await core.request('kubeconfigs.preview', { files });
    expect(again.files[0]!.contexts.map((entry) => entry.importName)).toEqual(['dev', 'prod (dev-cluster)']);
    await core.request('kubeconfigs.import', { files, selected: [['dev', 'prod']], allowedLocalFiles: allowed });
    const third = await core.request('kubeconfigs.preview', { files });
    expect(third.files[0]!.contexts.map((entry) => entry.importName)).toEqual([
      'dev (dev-cluster)',
      'prod (dev-cluster 2)',
    ]);
    const names = (await core.request('kubeconfigs.list', {})).map((view) => view.name);
    expect(names).toEqual(['dev', 'prod', 'prod (dev-cluster)']);

    // Secrets (token, client key, CA) never reach the database file in plaintext, nor do the referenced paths.
    const raw = await readFile(join(core.dataDir, DATABASE_FILE_NAME));
    const wal = await readFile(join(core.dataDir, `${DATABASE_FILE_NAME}-wal`)).catch(() => Buffer.alloc(0));
    for (const bytes of [raw, wal]) {
      expect(bytes.includes(kube!.users.token.token)).toBe(false);
      expect(bytes.includes(Buffer.from(kube!.users.token.token).toString('base64'))).toBe(false);
      const keyBody = kube!.users.cert.keyPem.split('\n')[1]!;
      expect(bytes.includes(keyBody)).toBe(false);
      expect(bytes.includes(Buffer.from(kube!.users.cert.keyPem).toString('base64').slice(0, 40))).toBe(false);
    }
  });

  it('a record using an imported context connects with it as its own kubeconfig, even after the cert files go', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const files = [{ fileName: 'dev-cluster.yaml', text: await twoContexts(core) }];
    const certs = join(core.home, '.kube', 'certs');
    const { imported } = await core.request('kubeconfigs.import', {
      files,
      selected: [['prod']],
      allowedLocalFiles: [['ca.crt', 'client.crt', 'client.key'].map((name) => join(certs, name))],
    });
    // The import is self-contained: the referenced files are not needed any more.
    await writeFile(join(core.home, '.kube', 'certs', 'client.key'), 'gone');
    const pod = await core.request('pods.save', {
      fields: { name: 'shell', namespace: 'default', podName: 'shell-pod', kubeconfigId: imported[0]!.id },
    });
    expect(pod.kubeconfigId).toBe(imported[0]!.id);

    const client = new RecordingClient();
    const { sessionId } = await core.request('sessions.open', { podId: pod.id, size: { cols: 80, rows: 24 } }, client);
    const { status } = await core.settle(client, sessionId, { timeoutMs: 30_000 });
    expect(status?.method).toBe('podKubeconfig');
    expect(status?.attempts.map((attempt) => `${attempt.method}:${attempt.outcome}`)).toEqual([
      'defaultKubeconfig:skipped',
      'podKubeconfig:opened',
    ]);
    // The attempt log names the method by the imported context, as the user imported it; the others keep their names.
    expect(status?.attempts.map((attempt) => attempt.label)).toEqual([undefined, 'imported context prod']);
    // Refresh names it the same way.
    const refreshed = await core.request('pods.refresh', { id: pod.id });
    expect(refreshed.checked.map((entry) => `${entry.label ?? entry.method}:${entry.outcome}`)).toEqual([
      'defaultKubeconfig:skipped',
      'imported context prod:found',
    ]);

    // Removing the import unlinks the record (ON DELETE SET NULL) and keeps everything else.
    expect(await core.request('kubeconfigs.remove', { id: imported[0]!.id })).toEqual({ removed: true });
    const after = await core.request('pods.get', { id: pod.id });
    expect(after.kubeconfigId).toBeNull();
    expect(after.podName).toBe('shell-pod');
    // Saving a link to a removed context names the field.
    const refused = await core.core.dispatch(
      'pods.save',
      { id: pod.id, fields: { name: 'shell', podName: 'shell-pod', kubeconfigId: imported[0]!.id } },
      new RecordingClient(),
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.fieldErrors?.['fields.kubeconfigId']).toMatch(/no longer exists/);
  });

  it("resolves relative references against the file's own folder when the renderer knows it (Electron)", async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const folder = join(core.home, 'projects', 'staging');
    await mkdir(join(folder, 'pki'), { recursive: true });
    await writeFile(join(folder, 'pki', 'ca.crt'), kube!.caPem);
    await writeFile(join(folder, 'token'), `${kube!.users.token.token}\n`);
    const text = `apiVersion: v1
kind: Config
clusters:
- name: staging
  cluster:
    server: ${kube!.url}
    certificate-authority: pki/ca.crt
users:
- name: ci
  user:
    tokenFile: token
contexts:
- name: staging
  context:
    cluster: staging
    user: ci
`;
    const preview = await core.request('kubeconfigs.preview', {
      files: [{ fileName: 'staging.yaml', text, directory: folder }],
    });
    expect(preview.files[0]!.errors).toEqual([]);
    expect(preview.files[0]!.contexts[0]).toMatchObject({ name: 'staging', authKind: 'token' });
    expect(preview.files[0]!.contexts[0]!.localFiles.map((local) => [local.written, local.path])).toEqual([
      ['pki/ca.crt', join(folder, 'pki', 'ca.crt')],
      ['token', join(folder, 'token')],
    ]);
    expect(preview.files[0]!.relativeFolder).toEqual({ folder, fileFolder: true });
    // Without the folder the same file looks in ~/.kube, and says so.
    const dropped = await core.request('kubeconfigs.preview', {
      files: [{ fileName: 'staging.yaml', text }],
    });
    expect(dropped.files[0]!.errors[0]!.message).toMatch(
      /pki\/ca\.crt, which cannot be read \(no such file\).*relative paths are read from .*\.kube, since a dropped file/s,
    );
  });

  it('re-import replaces that file’s contexts and keeps the ids records link to', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const text = await twoContexts(core);
    const certs = join(core.home, '.kube', 'certs');
    const { imported } = await core.request('kubeconfigs.import', {
      files: [{ fileName: 'dev-cluster.yaml', text }],
      selected: [['dev', 'prod']],
      allowedLocalFiles: [['ca.crt', 'client.crt', 'client.key'].map((name) => join(certs, name))],
    });
    const onlyDev = text.replace(/- name: "prod"\n {2}context:\n(?: {4}.*\n)+/, '');
    const result = await core.request('kubeconfigs.import', {
      files: [{ fileName: 'dev-cluster-v2.yaml', text: onlyDev }],
      selected: [['dev']],
      replaces: 'dev-cluster.yaml',
    });
    expect(result.removed).toBe(1);
    expect(result.imported.map((view) => [view.id, view.name, view.fileName])).toEqual([
      [imported.find((view) => view.name === 'dev')!.id, 'dev', 'dev-cluster-v2.yaml'],
    ]);
  });
});

describe('invalid input: an error naming the file and the place; nothing stored changes', () => {
  const base = (server: string) => `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster:
    server: ${server}
users:
- name: u1
  user:
    token: abc
contexts:
- name: ok
  context:
    cluster: c1
    user: u1
`;

  const cases: Array<{ what: string; text: (server: string) => string; place: RegExp | null; message: RegExp }> = [
    {
      what: 'not YAML',
      text: () => 'clusters: [\n  - name: "a\nusers: {',
      place: /^line \d+$/,
      message: /not valid YAML/,
    },
    {
      what: 'YAML that is not a kubeconfig',
      text: () => 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n',
      place: /^line 2$/,
      message: /kind is "Deployment", not "Config"/,
    },
    { what: 'a YAML list', text: () => '- a\n- b\n', place: null, message: /not a kubeconfig/ },
    {
      what: 'no contexts',
      text: () => 'apiVersion: v1\nkind: Config\nclusters: []\n',
      place: null,
      message: /no clusters, users or contexts/,
    },
    {
      what: 'a context pointing at a missing user',
      text: (server) => base(server).replace('    user: u1\n', '    user: ghost\n'),
      place: /^context "ok" \(line 12\)$/,
      message: /user "ghost" is not defined in the file \(users there: u1\)/,
    },
    {
      what: 'a context pointing at a missing cluster',
      text: (server) => base(server).replace('    cluster: c1\n', '    cluster: nowhere\n'),
      place: /^context "ok"/,
      message: /cluster "nowhere" is not defined/,
    },
    {
      what: 'undecodable certificate data',
      text: (server) =>
        base(server).replace(
          `    server: ${server}\n`,
          `    server: ${server}\n    certificate-authority-data: "not*base64!"\n`,
        ),
      place: /^cluster "c1" \(line 4\)$/,
      message: /certificate-authority-data is not base64 of a PEM certificate/,
    },
    {
      what: 'base64 that is not PEM',
      text: (server) =>
        base(server).replace(
          '    token: abc\n',
          `    client-certificate-data: ${Buffer.from('hello').toString('base64')}\n    client-key-data: ${Buffer.from('x').toString('base64')}\n`,
        ),
      place: /^user "u1"/,
      message: /client-certificate-data is not base64 of a PEM certificate/,
    },
    {
      what: 'a missing referenced file',
      text: (server) => base(server).replace('    token: abc\n', '    tokenFile: secrets/missing-token\n'),
      place: /^context "ok"/,
      message: /tokenFile of user "u1" is .*missing-token, which cannot be read \(no such file\)/,
    },
    {
      what: 'a binary file',
      text: () => 'PK\u0003\u0004\u0000\u0000binary',
      place: /^byte 4$/,
      message: /binary file/,
    },
    {
      what: 'a huge file',
      text: () => `# ${'é'.repeat(600_000)}\n`,
      place: null,
      message: /too big to be a kubeconfig/,
    },
  ];

  it.for(cases)('$what', async ({ text, place, message }, context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const core = await newCore();
    const good = { fileName: 'good.yaml', text: base(kube!.url) };
    await core.request('kubeconfigs.import', { files: [good], selected: [['ok']] });
    await core.request('pods.save', {
      fields: {
        name: 'p',
        podName: 'shell-pod',
        kubeconfigId: (await core.request('kubeconfigs.list', {}))[0]!.id,
      },
    });
    const before = snapshot(core);

    const bad = { fileName: 'broken-config.yaml', text: text(kube!.url) };
    const preview = await core.request('kubeconfigs.preview', { files: [bad] });
    const file = preview.files[0]!;
    expect(file.fileName).toBe('broken-config.yaml');
    expect(file.contexts).toEqual([]);
    expect(file.errors.length).toBeGreaterThan(0);
    const error = file.errors[0]!;
    if (place === null) expect(error.place).toBeNull();
    else expect(error.place).toMatch(place);
    expect(error.message).toMatch(message);

    // Importing it anyway (even alongside a good file) stores nothing from it, and a re-import of the good file from
    // a broken replacement removes nothing.
    const result = await core.request('kubeconfigs.import', {
      files: [bad],
      selected: [['ok']],
    });
    expect(result.imported).toEqual([]);
    expect(result.failed[0]!.fileName).toBe('broken-config.yaml');
    const replaced = await core.request('kubeconfigs.import', {
      files: [bad],
      selected: [['ok']],
      replaces: 'good.yaml',
    });
    expect(replaced).toMatchObject({ imported: [], removed: 0 });
    expect(snapshot(core)).toEqual(before);
  });
});
