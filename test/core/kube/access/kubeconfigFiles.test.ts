/**
 * Kubeconfig loading the way kubectl does it (first definition wins, first current-context wins, missing KUBECONFIG
 * entries skipped, relative paths against the naming file, YAML merge keys, one name per entry in a file), flattening
 * (only regular files of a sane size are read), YAML export, and errors that name the file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { loadYaml } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  exportKubeconfigYaml,
  flattenKubeConfig,
  KubeconfigError,
  kubeconfigPaths,
  loadDefaultKubeconfig,
  loadKubeconfigText,
  type KubeUser,
} from '../../../../main/core/kube/access/kubeconfigFiles';
import { cleanup, put, tempDir } from './helpers';

let home: string;
beforeEach(async () => {
  home = await tempDir();
});
afterEach(async () => {
  await cleanup(home);
});

const FILE_A = `apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster:
    server: https://a.example:6443/
    certificate-authority: ca.crt
users:
- name: admin
  user:
    client-certificate: certs/admin.crt
    client-key: certs/admin.key
contexts:
- name: dev
  context:
    cluster: shared
    user: admin
    namespace: dev-ns
`;

const FILE_B = `apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
- name: staging-cluster
  cluster:
    server: https://staging.example:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: from-b-should-be-ignored
- name: stager
  user:
    tokenFile: tokens/stager
contexts:
- name: dev
  context:
    cluster: staging-cluster
    user: stager
- name: staging
  context:
    cluster: staging-cluster
    user: stager
current-context: staging
`;

const FILE_C = `apiVersion: v1
kind: Config
clusters:
- name: prod-cluster
  cluster:
    server: https://prod.example:6443
users:
- name: prod-user
  user:
    token: prod-token
contexts:
- name: prod
  context:
    cluster: prod-cluster
    user: prod-user
current-context: prod
`;

describe('kubeconfigPaths', () => {
  it('splits KUBECONFIG on the platform delimiter, ignores empty entries and reads a path once', () => {
    const value = ['/x/a', '', '/x/b', '/x/a', ' '].join(delimiter);
    expect(kubeconfigPaths(value, home)).toEqual({ paths: ['/x/a', '/x/b'], fromEnv: true });
  });

  it('falls back to ~/.kube/config when KUBECONFIG is unset or only delimiters', () => {
    const fallback = { paths: [join(home, '.kube', 'config')], fromEnv: false };
    expect(kubeconfigPaths(undefined, home)).toEqual(fallback);
    expect(kubeconfigPaths(delimiter, home)).toEqual(fallback);
  });
});

describe('loadDefaultKubeconfig', () => {
  it('merges three KUBECONFIG files like kubectl: first definition wins, first current-context wins, missing skipped', async () => {
    const a = await put(join(home, 'a', 'config.yaml'), FILE_A);
    const b = await put(join(home, 'b', 'config.yaml'), FILE_B);
    const c = await put(join(home, 'c', 'config.yaml'), FILE_C);
    const missing = join(home, 'nope', 'config.yaml');
    const { loaded } = await loadDefaultKubeconfig([a, missing, b, c].join(delimiter), home);

    expect(loaded).not.toBeNull();
    const kc = loaded!.kubeConfig;
    expect(kc.clusters.map((cluster) => cluster.name)).toEqual(['shared', 'staging-cluster', 'prod-cluster']);
    expect(kc.users.map((user) => user.name)).toEqual(['admin', 'stager', 'prod-user']);
    expect(kc.contexts.map((context) => context.name)).toEqual(['dev', 'staging', 'prod']);
    // The duplicates from b are ignored, not merged and not an error.
    expect(kc.getCluster('shared')!.server).toBe('https://a.example:6443');
    expect(kc.getUser('admin')!.token).toBeUndefined();
    expect(kc.getContextObject('dev')!.cluster).toBe('shared');
    // b is the first file that sets a current-context (a sets none); c's is ignored.
    expect(kc.getCurrentContext()).toBe('staging');

    expect(loaded!.files).toEqual([a, b, c]);
    expect(loaded!.searched).toEqual([
      join('~', 'a', 'config.yaml'),
      join('~', 'nope', 'config.yaml'),
      join('~', 'b', 'config.yaml'),
      join('~', 'c', 'config.yaml'),
    ]);
    expect(loaded!.origins.contexts.get('dev')).toBe(join('~', 'a', 'config.yaml'));
    expect(loaded!.origins.contexts.get('prod')).toBe(join('~', 'c', 'config.yaml'));
    expect(loaded!.label).toMatch(/^KUBECONFIG \(/);
  });

  it('resolves relative file references against the directory of the file that names them', async () => {
    const a = await put(join(home, 'a', 'config.yaml'), FILE_A);
    const b = await put(join(home, 'b', 'config.yaml'), FILE_B);
    const { loaded } = await loadDefaultKubeconfig([a, b].join(delimiter), home);
    const kc = loaded!.kubeConfig;
    expect(kc.getCluster('shared')!.caFile).toBe(join(home, 'a', 'ca.crt'));
    expect(kc.getUser('admin')!.certFile).toBe(join(home, 'a', 'certs', 'admin.crt'));
    expect(kc.getUser('admin')!.keyFile).toBe(join(home, 'a', 'certs', 'admin.key'));
    expect((kc.getUser('stager') as KubeUser).tokenFile).toBe(join(home, 'b', 'tokens', 'stager'));
  });

  it('reads ~/.kube/config when KUBECONFIG is unset, and returns null when nothing exists', async () => {
    expect((await loadDefaultKubeconfig(undefined, home)).loaded).toBeNull();
    await put(join(home, '.kube', 'config'), FILE_C);
    const { loaded } = await loadDefaultKubeconfig(undefined, home);
    expect(loaded!.label).toBe(join('~', '.kube', 'config'));
    expect(loaded!.kubeConfig.getCurrentContext()).toBe('prod');
  });

  it('returns null when every KUBECONFIG entry is missing (and does not fall back to ~/.kube/config)', async () => {
    await put(join(home, '.kube', 'config'), FILE_C);
    const { loaded, searched } = await loadDefaultKubeconfig(join(home, 'missing.yaml'), home);
    expect(loaded).toBeNull();
    expect(searched).toEqual({ paths: [join(home, 'missing.yaml')], fromEnv: true });
  });

  it('treats an empty or comment-only file as an empty kubeconfig', async () => {
    const empty = await put(join(home, 'empty.yaml'), '');
    const comments = await put(join(home, 'comments.yaml'), '# nothing here yet\n\n');
    const c = await put(join(home, 'c.yaml'), FILE_C);
    const { loaded } = await loadDefaultKubeconfig([empty, comments, c].join(delimiter), home);
    expect(loaded!.kubeConfig.contexts.map((context) => context.name)).toEqual(['prod']);
  });

  it('names the file and the line of invalid YAML', async () => {
    await put(join(home, '.kube', 'config'), 'apiVersion: v1\nclusters:\n- name: a\n\tcluster: {}\n');
    const failure = loadDefaultKubeconfig(undefined, home);
    await expect(failure).rejects.toBeInstanceOf(KubeconfigError);
    await expect(failure).rejects.toThrow(
      '~/.kube/config line 4: not valid YAML: tab characters must not be used in indentation',
    );
  });

  it('names the file and the entry for a kubeconfig of the wrong shape', async () => {
    await put(join(home, '.kube', 'config'), 'clusters:\n- cluster:\n    server: https://x\n');
    await expect(loadDefaultKubeconfig(undefined, home)).rejects.toThrow(
      '~/.kube/config: clusters[0] has no name; give it one',
    );
    await put(join(home, '.kube', 'config'), '- just\n- a list\n');
    await expect(loadDefaultKubeconfig(undefined, home)).rejects.toThrow(/^~\/\.kube\/config is not a kubeconfig/);
  });

  it('names the file it cannot read', async () => {
    const dir = join(home, 'a-directory');
    await put(join(dir, 'inside'), 'x');
    await expect(loadDefaultKubeconfig(dir, home)).rejects.toThrow(
      /^~\/a-directory cannot be read \(it is a directory\)/,
    );
  });
});

describe('parsing as kubectl does: YAML merge keys, and one name per entry', () => {
  const MERGED = `apiVersion: v1
kind: Config
x-defaults: &defaults
  server: https://default.example:6443
  insecure-skip-tls-verify: true
x-ns: &ns
  namespace: from-anchor
clusters:
- name: merged
  cluster:
    <<: *defaults
- name: overridden
  cluster:
    <<: *defaults
    server: https://own.example:6443
users:
- name: u
  user: {token: t}
contexts:
- name: listed
  context:
    <<: [{cluster: merged, namespace: first}, *ns]
    user: u
`;

  it('applies << merges (explicit keys win, earlier mappings of a list win) in files and in text', async () => {
    await put(join(home, '.kube', 'config'), MERGED);
    const { loaded } = await loadDefaultKubeconfig(undefined, home);
    for (const kubeConfig of [loaded!.kubeConfig, loadKubeconfigText(MERGED, 'pasted', 'record:x').kubeConfig]) {
      expect(kubeConfig.clusters.map((c) => [c.name, c.server, c.skipTLSVerify])).toEqual([
        ['merged', 'https://default.example:6443', true],
        ['overridden', 'https://own.example:6443', true],
      ]);
      expect(kubeConfig.contexts).toEqual([{ name: 'listed', cluster: 'merged', user: 'u', namespace: 'first' }]);
    }
  });

  it('refuses a merge key that names no mapping, saying where', () => {
    const text = MERGED.replace('    <<: *defaults\n    server', '    <<: just-text\n    server');
    expect(() => loadKubeconfigText(text, 'pasted', 'record:x')).toThrow(
      'pasted: the merge key (<<) at clusters[1].cluster must name a mapping or a list of mappings (<<: *anchor)',
    );
  });

  it.for(['contexts', 'clusters', 'users'] as const)('refuses two %s of one name, naming both and the fix', (list) => {
    const entry = { contexts: 'context', clusters: 'cluster', users: 'user' }[list];
    const twice = `apiVersion: v1
kind: Config
${list}:
- name: same
  ${entry}: {}
- name: other
  ${entry}: {}
- name: same
  ${entry}: {}
`;
    expect(() => loadKubeconfigText(twice, '~/.kube/config', 'record:x')).toThrow(
      `~/.kube/config: ${list}[2] (same): ${list}[0] has the same name; a kubeconfig may not define two ${list} named "same" (kubectl refuses it too). Rename or remove one of them.`,
    );
  });

  it('still lets the first of two files win a name (the merge of KUBECONFIG is not one file)', async () => {
    const a = await put(join(home, 'a.yaml'), MERGED);
    const b = await put(join(home, 'b.yaml'), MERGED.replace('namespace: first', 'namespace: from-b'));
    const { loaded } = await loadDefaultKubeconfig([a, b].join(delimiter), home);
    expect(loaded!.kubeConfig.contexts.map((c) => c.namespace)).toEqual(['first']);
  });
});

describe('flattenKubeConfig and exportKubeconfigYaml', () => {
  it('reads referenced files into inline data and exports kubectl-shaped YAML', async () => {
    const a = await put(join(home, 'a', 'config.yaml'), FILE_A);
    const b = await put(join(home, 'b', 'config.yaml'), FILE_B);
    await put(join(home, 'a', 'ca.crt'), 'CA PEM\n');
    await put(join(home, 'a', 'certs', 'admin.crt'), 'CERT PEM\n');
    await put(join(home, 'a', 'certs', 'admin.key'), 'KEY PEM\n');
    await put(join(home, 'b', 'tokens', 'stager'), 'stager-token\n');
    const { loaded } = await loadDefaultKubeconfig([a, b].join(delimiter), home);

    const flat = await flattenKubeConfig(loaded!.kubeConfig);
    const shared = flat.getCluster('shared')!;
    expect(shared.caFile).toBeUndefined();
    expect(Buffer.from(shared.caData!, 'base64').toString()).toBe('CA PEM\n');
    const admin = flat.getUser('admin')!;
    expect(Buffer.from(admin.certData!, 'base64').toString()).toBe('CERT PEM\n');
    expect(Buffer.from(admin.keyData!, 'base64').toString()).toBe('KEY PEM\n');
    expect(admin.certFile).toBeUndefined();
    expect(flat.getUser('stager')!.token).toBe('stager-token');

    flat.setCurrentContext('dev');
    const yaml = exportKubeconfigYaml(flat, { minify: true });
    const doc = loadYaml<Record<string, unknown>>(yaml);
    expect(doc).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'shared', cluster: { server: 'https://a.example:6443', 'certificate-authority-data': shared.caData } },
      ],
      users: [{ name: 'admin', user: { 'client-certificate-data': admin.certData, 'client-key-data': admin.keyData } }],
      contexts: [{ name: 'dev', context: { cluster: 'shared', user: 'admin', namespace: 'dev-ns' } }],
      'current-context': 'dev',
    });
    // The exported text loads back into the same configuration.
    const again = loadKubeconfigText(yaml, 'again', 'test:again').kubeConfig;
    expect(again.getCluster('shared')).toEqual(shared);
    expect(again.getUser('admin')).toEqual(admin);
  });

  it('keeps every context without minify, and exec stanzas as they are', async () => {
    const text = `${FILE_C}
`.replace(
      '    token: prod-token',
      '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      args: [eks, get-token]\n      interactiveMode: Never',
    );
    const loaded = loadKubeconfigText(text, 'text', 'test:text');
    const doc = loadYaml<{ users: Array<{ user: { exec: unknown } }> }>(exportKubeconfigYaml(loaded.kubeConfig));
    expect(doc.users[0]!.user.exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      command: 'aws',
      args: ['eks', 'get-token'],
      interactiveMode: 'Never',
    });
  });

  it('names the missing file and the entry that refers to it', async () => {
    const a = await put(join(home, 'a', 'config.yaml'), FILE_A);
    const { loaded } = await loadDefaultKubeconfig(a, home);
    await expect(flattenKubeConfig(loaded!.kubeConfig, { label: '~/a/config.yaml' })).rejects.toThrow(
      `~/a/config.yaml: the certificate-authority of cluster "shared" is ${join(home, 'a', 'ca.crt')}, which cannot be read (no such file)`,
    );
  });

  it('refuses a referenced file that is a folder, a pipe or too big, without reading it', async () => {
    const a = await put(join(home, 'a', 'config.yaml'), FILE_A);
    const { loaded } = await loadDefaultKubeconfig(a, home);
    const withCa = (caFile: string) => {
      const kubeConfig = loaded!.kubeConfig;
      kubeConfig.clusters[0] = { ...kubeConfig.clusters[0]!, caFile };
      return kubeConfig;
    };
    await expect(flattenKubeConfig(withCa(home), { label: 'k' })).rejects.toThrow(
      `k: the certificate-authority of cluster "shared" is ${home}, which cannot be read (it is not a regular file but a folder, device or pipe)`,
    );
    // /dev/zero would never end if it were read; a FIFO would wait for a writer forever.
    await expect(flattenKubeConfig(withCa('/dev/zero'), { label: 'k' })).rejects.toThrow(/not a regular file/);
    const fifo = join(home, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(flattenKubeConfig(withCa(fifo), { label: 'k' })).rejects.toThrow(/not a regular file/);
    const big = await put(join(home, 'big.crt'), 'x'.repeat(2 * 1024 * 1024));
    await expect(flattenKubeConfig(withCa(big), { label: 'k' })).rejects.toThrow(
      /is .*big\.crt, which cannot be read \(it is over 1 MiB, too big for a certificate, key or token\)/,
    );
    // A /proc file says it is empty and can be megabytes long: the read stops one byte over the limit instead.
    if (existsSync('/proc/kallsyms')) {
      await expect(flattenKubeConfig(withCa('/proc/kallsyms'), { label: 'k' })).rejects.toThrow(/it is over 1 MiB/);
    }
  });

  it('refuses a relative file reference in text that has no directory (the record kubeconfig) with the fix', async () => {
    const loaded = loadKubeconfigText(FILE_A, "the record's kubeconfig", 'record:x');
    await expect(flattenKubeConfig(loaded.kubeConfig, { label: "the record's kubeconfig" })).rejects.toThrow(
      /the record's kubeconfig: the certificate-authority of cluster "shared" is the relative path "ca.crt".*--flatten/,
    );
  });
});
