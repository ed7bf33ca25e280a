/**
 * createAccessResolver's four Kubernetes methods against real files in a fake home: what each resolves to, when it is
 * skipped (and why), and when it fails with a message that says what to fix. Exec plugins have their own file.
 */
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccessResolver } from '../../../../main/core/kube/access/resolve';
import {
  PODTERM_CLUSTER_CA_FILE_ENV,
  PODTERM_CLUSTER_HOST_ENV,
  PODTERM_TOKEN_ENV,
} from '../../../../main/core/kube/access/tokenAccess';
import type { AccessResolution, ResolvedAccess } from '../../../../main/core/kube/access/types';
import { loadKubeconfigText } from '../../../../main/core/kube/access/kubeconfigFiles';
import { FileKeySecretBox } from '../../../../main/core/secrets/fileKeySecretBox';
import type { Store } from '../../../../main/core/store';
import { openDataDir } from '../../../harness/dataDir';
import { cleanup, environment, podRecord, put, tempDir } from './helpers';

/** Not a real certificate, but shaped like one: the resolver only checks the PEM armour and passes the bytes on. */
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfakeCERTdataForTests\n-----END CERTIFICATE-----';
const CA_BASE64 = Buffer.from(`${CA_PEM}\n`).toString('base64');

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443
    certificate-authority: ca.crt
- name: prod-cluster
  cluster:
    server: https://prod.example:6443
- name: proxy
  cluster:
    server: http://127.0.0.1:8001
users:
- name: dev-user
  user:
    token: dev-token
- name: prod-user
  user:
    tokenFile: prod-token.txt
contexts:
- name: dev
  context: { cluster: dev-cluster, user: dev-user, namespace: dev-default }
- name: prod
  context: { cluster: prod-cluster, user: prod-user }
- name: local-proxy
  context: { cluster: proxy }
current-context: dev
`;

let home: string;
beforeEach(async () => {
  home = await tempDir();
});
afterEach(async () => {
  await cleanup(home);
});

function accessOf(resolution: AccessResolution): ResolvedAccess {
  if ('skip' in resolution) throw new Error(`expected access, got skip: ${resolution.skip}`);
  return resolution.access;
}

function skipOf(resolution: AccessResolution): string {
  if (!('skip' in resolution)) throw new Error(`expected a skip, got ${resolution.access.description}`);
  return resolution.skip;
}

/** The one context of a resolved KubeConfig, with its cluster and user. */
function current(access: ResolvedAccess) {
  const kc = access.kubeConfig;
  return {
    context: kc.getContextObject(kc.getCurrentContext())!,
    cluster: kc.getCurrentCluster()!,
    user: kc.getCurrentUser()!,
  };
}

async function writeDefaultKubeconfig(text = KUBECONFIG): Promise<string> {
  await put(join(home, '.kube', 'ca.crt'), `${CA_PEM}\n`);
  await put(join(home, '.kube', 'prod-token.txt'), 'prod-token-from-file\n');
  return put(join(home, '.kube', 'config'), text);
}

describe('defaultKubeconfig', () => {
  it('is skipped when there is no kubeconfig at all', async () => {
    const resolver = createAccessResolver(environment(home));
    expect(skipOf(await resolver.resolve('defaultKubeconfig', podRecord()))).toBe(
      'no kubeconfig found (KUBECONFIG is unset and ~/.kube/config does not exist)',
    );
    const withEnv = createAccessResolver(environment(home, { env: { KUBECONFIG: join(home, 'gone.yaml') } }));
    expect(skipOf(await withEnv.resolve('defaultKubeconfig', podRecord()))).toBe(
      'no kubeconfig found (KUBECONFIG names ~/gone.yaml; none of these exists)',
    );
  });

  it('uses the current context, runs in the record namespace, and describes where the context came from', async () => {
    await writeDefaultKubeconfig();
    const resolver = createAccessResolver(environment(home));
    const access = accessOf(await resolver.resolve('defaultKubeconfig', podRecord({ namespace: 'apps' })));
    expect(access).toMatchObject({
      method: 'defaultKubeconfig',
      server: 'https://dev.example:6443',
      description: 'context dev from ~/.kube/config',
      token: 'dev-token',
      contextName: 'dev',
    });
    const { context, cluster, user } = current(access);
    // The record's namespace, not the context's dev-default.
    expect(context.namespace).toBe('apps');
    // Files are read at resolve time: the CA is inline, nothing refers to ~/.kube any more.
    expect(cluster.caFile).toBeUndefined();
    expect(cluster.caData).toBe(CA_BASE64);
    expect(user.token).toBe('dev-token');
    // The stored text is the chosen context alone, self-contained.
    const stored = loadKubeconfigText(access.kubeconfigText!, 'stored', 'x').kubeConfig;
    expect(stored.contexts.map((entry) => entry.name)).toEqual(['dev']);
    expect(stored.getCluster('dev-cluster')!.caData).toBe(CA_BASE64);
    expect(stored.getUser('dev-user')!.token).toBe('dev-token');
  });

  it("uses the record's kubeContext and reads a tokenFile relative to the kubeconfig", async () => {
    await writeDefaultKubeconfig();
    const resolver = createAccessResolver(environment(home));
    const access = accessOf(await resolver.resolve('defaultKubeconfig', podRecord({ kubeContext: 'prod' })));
    expect(access.description).toBe('context prod from ~/.kube/config');
    expect(access.token).toBe('prod-token-from-file');
    expect(current(access).user.token).toBe('prod-token-from-file');
  });

  it('finds the context by clusterHost, and is skipped when no context serves it', async () => {
    await writeDefaultKubeconfig();
    const resolver = createAccessResolver(environment(home));
    const byHost = accessOf(
      await resolver.resolve('defaultKubeconfig', podRecord({ clusterHost: 'https://prod.example:6443/' })),
    );
    expect(byHost.contextName).toBe('prod');
    expect(skipOf(await resolver.resolve('defaultKubeconfig', podRecord({ clusterHost: 'https://other:6443' })))).toBe(
      "no context in ~/.kube/config is for the record's cluster https://other:6443 (contexts: dev → https://dev.example:6443, prod → https://prod.example:6443, local-proxy → http://127.0.0.1:8001)",
    );
  });

  it("fails for a kubeContext it lacks, listing its contexts, unless the record's own kubeconfig comes next", async () => {
    await writeDefaultKubeconfig();
    const resolver = createAccessResolver(environment(home));
    await expect(resolver.resolve('defaultKubeconfig', podRecord({ kubeContext: 'staging' }))).rejects.toThrow(
      'context "staging" is not defined in ~/.kube/config (contexts there: dev, prod, local-proxy). Set the record\'s context to one of them, or add the context to the kubeconfig.',
    );
    const withOwn = podRecord({ kubeContext: 'staging' }, { kubeconfig: KUBECONFIG });
    expect(skipOf(await resolver.resolve('defaultKubeconfig', withOwn))).toBe(
      'context "staging" is not in ~/.kube/config; the record\'s own kubeconfig is tried next',
    );
  });

  it('is skipped for a kubeconfig without contexts', async () => {
    await writeDefaultKubeconfig('apiVersion: v1\nkind: Config\nclusters: []\n');
    const resolver = createAccessResolver(environment(home));
    expect(skipOf(await resolver.resolve('defaultKubeconfig', podRecord()))).toBe('~/.kube/config defines no contexts');
  });

  it('reads KUBECONFIG from the login shell when the app was started without it', async () => {
    const elsewhere = await put(
      join(home, 'work', 'kubeconfig'),
      KUBECONFIG.replace('current-context: dev', 'current-context: local-proxy'),
    );
    const resolver = createAccessResolver(
      environment(home, { env: {}, loginEnv: async () => ({ KUBECONFIG: [elsewhere].join(delimiter) }) }),
    );
    const access = accessOf(await resolver.resolve('defaultKubeconfig', podRecord()));
    expect(access.description).toBe('context local-proxy from ~/work/kubeconfig');
  });

  it('talks to a plain-http server (kubectl proxy) and sends no credentials for a context without a user', async () => {
    await writeDefaultKubeconfig();
    const resolver = createAccessResolver(environment(home));
    const access = accessOf(await resolver.resolve('defaultKubeconfig', podRecord({ kubeContext: 'local-proxy' })));
    const { cluster, user } = current(access);
    expect(cluster.server).toBe('http://127.0.0.1:8001');
    // client-node refuses http:// unless this is set; there is no TLS to verify on http.
    expect(cluster.skipTLSVerify).toBe(true);
    expect(user).toEqual({ name: 'anonymous' });
    expect(access.token).toBeNull();
  });

  it('fails with the file and the problem when the kubeconfig is broken', async () => {
    await writeDefaultKubeconfig(KUBECONFIG.replace('current-context: dev', 'current-context: [dev'));
    const resolver = createAccessResolver(environment(home));
    await expect(resolver.resolve('defaultKubeconfig', podRecord())).rejects.toThrow(
      /^~\/\.kube\/config line \d+: not valid YAML/,
    );
  });
});

describe('podKubeconfig', () => {
  it('is skipped when the record has no kubeconfig of its own', async () => {
    const resolver = createAccessResolver(environment(home));
    expect(skipOf(await resolver.resolve('podKubeconfig', podRecord()))).toBe(
      'the record has no kubeconfig of its own',
    );
    expect(skipOf(await resolver.resolve('podKubeconfig', podRecord({}, { kubeconfig: '  \n' })))).toBe(
      'the record has no kubeconfig of its own',
    );
  });

  it("uses the record's kubeconfig with the same context rules and keeps its text", async () => {
    const text = KUBECONFIG.replace(
      '    certificate-authority: ca.crt',
      `    certificate-authority-data: ${CA_BASE64}`,
    );
    const resolver = createAccessResolver(environment(home));
    const record = podRecord({ namespace: 'ops', clusterHost: 'https://dev.example:6443' }, { kubeconfig: text });
    const access = accessOf(await resolver.resolve('podKubeconfig', record));
    expect(access).toMatchObject({
      method: 'podKubeconfig',
      description: "the record's kubeconfig (context dev)",
      kubeconfigText: text,
      server: 'https://dev.example:6443',
      contextName: 'dev',
    });
    expect(current(access).context.namespace).toBe('ops');
    // A clusterHost no context serves falls back to the current context: this kubeconfig was given for this pod.
    const elsewhere = podRecord({ clusterHost: 'https://lb.example:443' }, { kubeconfig: text });
    expect(accessOf(await resolver.resolve('podKubeconfig', elsewhere)).contextName).toBe('dev');
    const byName = podRecord({ kubeContext: 'local-proxy' }, { kubeconfig: text });
    expect(accessOf(await resolver.resolve('podKubeconfig', byName)).server).toBe('http://127.0.0.1:8001');
  });

  it("names the record's kubeconfig in its errors", async () => {
    const resolver = createAccessResolver(environment(home));
    await expect(
      resolver.resolve('podKubeconfig', podRecord({ kubeContext: 'nope' }, { kubeconfig: KUBECONFIG })),
    ).rejects.toThrow(
      /^context "nope" is not defined in the record's kubeconfig \(contexts there: dev, prod, local-proxy\)/,
    );
    await expect(resolver.resolve('podKubeconfig', podRecord({}, { kubeconfig: 'clusters: [\n' }))).rejects.toThrow(
      /^the record's kubeconfig line \d+: not valid YAML/,
    );
    // Its relative file references have no directory to resolve against.
    await expect(resolver.resolve('podKubeconfig', podRecord({}, { kubeconfig: KUBECONFIG }))).rejects.toThrow(
      /the certificate-authority of cluster "dev-cluster" is the relative path "ca.crt"/,
    );
  });
});

describe('token', () => {
  it('uses the record host and token, verifying TLS against its CA (PEM or base64 of PEM)', async () => {
    const resolver = createAccessResolver(environment(home));
    for (const clusterCaData of [CA_PEM, CA_BASE64]) {
      const record = podRecord(
        { clusterHost: 'https://10.0.0.1:6443/', clusterCaData, namespace: 'apps' },
        { token: ' tok-123\n' },
      );
      const access = accessOf(await resolver.resolve('token', record));
      expect(access).toMatchObject({
        method: 'token',
        server: 'https://10.0.0.1:6443',
        description: 'token auth to https://10.0.0.1:6443',
        token: 'tok-123',
        kubeconfigText: null,
      });
      const { context, cluster, user } = current(access);
      expect(cluster).toMatchObject({ server: 'https://10.0.0.1:6443', caData: CA_BASE64, skipTLSVerify: false });
      expect(user.token).toBe('tok-123');
      expect(context.namespace).toBe('apps');
    }
  });

  it('uses the system trust store without a CA, and skips verification only when the record says so', async () => {
    const resolver = createAccessResolver(environment(home));
    const plain = accessOf(
      await resolver.resolve('token', podRecord({ clusterHost: 'https://10.0.0.1:6443' }, { token: 't' })),
    );
    expect(current(plain).cluster.caData).toBeUndefined();
    expect(current(plain).cluster.skipTLSVerify).toBe(false);
    const insecure = accessOf(
      await resolver.resolve(
        'token',
        podRecord({ clusterHost: 'https://10.0.0.1:6443', insecureSkipTlsVerify: true }, { token: 't' }),
      ),
    );
    expect(current(insecure).cluster.skipTLSVerify).toBe(true);
  });

  it('falls back to PODTERM_CLUSTER_HOST + PODTERM_TOKEN (+ PODTERM_CLUSTER_CA_FILE)', async () => {
    const caFile = await put(join(home, 'ca.pem'), `${CA_PEM}\n`);
    const env = {
      [PODTERM_CLUSTER_HOST_ENV]: 'https://env.example:6443',
      [PODTERM_TOKEN_ENV]: 'env-token',
      [PODTERM_CLUSTER_CA_FILE_ENV]: caFile,
    };
    const resolver = createAccessResolver(environment(home, { env }));
    const access = accessOf(await resolver.resolve('token', podRecord()));
    expect(access.description).toBe('token auth to https://env.example:6443 (from PODTERM_CLUSTER_HOST)');
    expect(access.token).toBe('env-token');
    expect(current(access).cluster).toMatchObject({ caData: CA_BASE64, skipTLSVerify: false });
    // The record's own pair wins over the environment's.
    const own = podRecord({ clusterHost: 'https://own.example:6443' }, { token: 'own' });
    expect(accessOf(await resolver.resolve('token', own)).server).toBe('https://own.example:6443');
    // A record for another cluster is not reached with the environment's credentials.
    expect(skipOf(await resolver.resolve('token', podRecord({ clusterHost: 'https://other.example:6443' })))).toBe(
      "the record has no token, and PODTERM_CLUSTER_HOST is https://env.example:6443, not the record's cluster https://other.example:6443",
    );
  });

  it('says why it is skipped', async () => {
    const skip = async (fields: Parameters<typeof podRecord>[0], token: string | null, env: NodeJS.ProcessEnv = {}) =>
      skipOf(await createAccessResolver(environment(home, { env })).resolve('token', podRecord(fields, { token })));
    expect(await skip({}, null)).toBe(
      'no token: the record has no cluster host and token, and PODTERM_CLUSTER_HOST / PODTERM_TOKEN are not set',
    );
    expect(await skip({ clusterHost: 'https://a:6443' }, null)).toBe('the record has a cluster host but no token');
    expect(await skip({}, 'tok')).toBe('the record has a token but no cluster host');
    expect(await skip({}, null, { [PODTERM_TOKEN_ENV]: 'x' })).toBe(
      'PODTERM_TOKEN is set but PODTERM_CLUSTER_HOST is not',
    );
  });

  it('fails with the fix for a CA that is not a certificate or a CA file that cannot be read', async () => {
    const resolver = createAccessResolver(
      environment(home, {
        env: {
          [PODTERM_CLUSTER_HOST_ENV]: 'https://e:1',
          [PODTERM_TOKEN_ENV]: 't',
          [PODTERM_CLUSTER_CA_FILE_ENV]: join(home, 'no.pem'),
        },
      }),
    );
    await expect(resolver.resolve('token', podRecord())).rejects.toThrow(
      `PODTERM_CLUSTER_CA_FILE is ${join(home, 'no.pem')}, which cannot be read (no such file). Fix the path or unset it.`,
    );
    const record = podRecord({ clusterHost: 'https://a:6443' }, { token: 't' });
    record.clusterCaData = 'bm90IGEgY2VydA=='; // base64 of "not a cert": the form refuses it, a migrated row might not
    await expect(resolver.resolve('token', record)).rejects.toThrow(
      /^the record's cluster CA is not a certificate: paste it as PEM/,
    );
  });
});

describe('inCluster', () => {
  async function serviceAccount(files: { token?: string; ca?: string; namespace?: string }): Promise<string> {
    const dir = join(home, 'serviceaccount');
    if (files.token !== undefined) await put(join(dir, 'token'), files.token);
    if (files.ca !== undefined) await put(join(dir, 'ca.crt'), files.ca);
    if (files.namespace !== undefined) await put(join(dir, 'namespace'), files.namespace);
    return dir;
  }
  const clusterEnv = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

  it('uses the service account token and CA with KUBERNETES_SERVICE_HOST/PORT, in the record namespace', async () => {
    const dir = await serviceAccount({ token: 'sa-token\n', ca: `${CA_PEM}\n`, namespace: 'tools' });
    const resolver = createAccessResolver(environment(home, { env: clusterEnv, serviceAccountDir: dir }));
    const access = accessOf(await resolver.resolve('inCluster', podRecord({ namespace: 'apps' })));
    expect(access).toMatchObject({
      method: 'inCluster',
      server: 'https://10.96.0.1:443',
      description: 'in-cluster service account (namespace tools)',
      token: 'sa-token',
    });
    const { context, cluster, user } = current(access);
    expect(cluster).toMatchObject({ caData: CA_BASE64, skipTLSVerify: false });
    expect(user.token).toBe('sa-token');
    expect(context.namespace).toBe('apps');
  });

  it('brackets an IPv6 service host and trusts the system store without ca.crt', async () => {
    const dir = await serviceAccount({ token: 'sa' });
    const resolver = createAccessResolver(
      environment(home, {
        env: { KUBERNETES_SERVICE_HOST: 'fd00:10:96::1', KUBERNETES_SERVICE_PORT: '6443' },
        serviceAccountDir: dir,
      }),
    );
    const access = accessOf(await resolver.resolve('inCluster', podRecord()));
    expect(access.server).toBe('https://[fd00:10:96::1]:6443');
    expect(access.description).toBe('in-cluster service account');
    expect(current(access).cluster.caData).toBeUndefined();
  });

  it('is skipped outside a cluster or without a service-account token', async () => {
    const dir = await serviceAccount({ ca: `${CA_PEM}\n` });
    const outside = createAccessResolver(environment(home, { serviceAccountDir: dir }));
    expect(skipOf(await outside.resolve('inCluster', podRecord()))).toBe(
      'not running inside a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)',
    );
    const noToken = createAccessResolver(environment(home, { env: clusterEnv, serviceAccountDir: dir }));
    expect(skipOf(await noToken.resolve('inCluster', podRecord()))).toBe(
      `not running with a service account (no token at ${join(dir, 'token')})`,
    );
  });
});

describe('a record linked to an imported context', () => {
  /** An imported context as kubeconfigImport stores it: self-contained, its one context named as it was imported. */
  const IMPORTED = `apiVersion: v1
kind: Config
clusters:
- name: imported-cluster
  cluster: { server: 'https://imported.example:6443', certificate-authority-data: ${CA_BASE64} }
users:
- name: imported-user
  user: { token: imported-token }
contexts:
- name: imported-dev
  context: { cluster: imported-cluster, user: imported-user }
current-context: imported-dev
`;
  let store: Store;
  let linkedId: string;
  const dataDir = () => join(home, 'data');
  beforeEach(async () => {
    store = await openDataDir(dataDir());
    const { imported } = await store.importedKubeconfigs.importAll([
      {
        name: 'imported-dev',
        originalName: 'dev',
        fileName: 'dev.yaml',
        server: 'https://imported.example:6443',
        namespace: null,
        user: 'imported-user',
        authKind: 'token',
        content: IMPORTED,
      },
    ]);
    linkedId = imported[0]!.id;
  });
  afterEach(() => store.close());

  it('uses the import as its own kubeconfig, and aims the other methods at its cluster', async () => {
    await writeDefaultKubeconfig();
    const resolver = createAccessResolver(environment(home), { importedKubeconfigs: store.importedKubeconfigs });
    const record = podRecord({ kubeconfigId: linkedId }, { token: 'own-token' });
    expect(accessOf(await resolver.resolve('podKubeconfig', record))).toMatchObject({
      method: 'podKubeconfig',
      server: 'https://imported.example:6443',
      description: "the record's kubeconfig (context imported-dev)",
      kubeconfigText: IMPORTED,
      token: 'imported-token',
    });
    // Not the default kubeconfig's current context (dev): its context by the imported name, which it lacks.
    expect(skipOf(await resolver.resolve('defaultKubeconfig', record))).toBe(
      'context "imported-dev" is not in ~/.kube/config; the record\'s own kubeconfig is tried next',
    );
    // The record's token goes to the import's server, the record having no cluster host of its own.
    expect(accessOf(await resolver.resolve('token', record)).server).toBe('https://imported.example:6443');
  });

  it('gives way to a kubeconfig pasted into the record, and is forgotten once removed', async () => {
    const resolver = createAccessResolver(environment(home), { importedKubeconfigs: store.importedKubeconfigs });
    const pasted = podRecord({ kubeconfigId: linkedId, kubeContext: 'local-proxy' }, { kubeconfig: KUBECONFIG });
    expect(accessOf(await resolver.resolve('podKubeconfig', pasted)).server).toBe('http://127.0.0.1:8001');
    store.importedKubeconfigs.remove(linkedId);
    expect(skipOf(await resolver.resolve('podKubeconfig', podRecord({ kubeconfigId: linkedId })))).toBe(
      'the record has no kubeconfig of its own',
    );
  });

  it('fails only the method that needs the import when its ciphertext cannot be opened', async () => {
    await writeDefaultKubeconfig();
    // The same database opened with another key: what a data directory copied without its key looks like.
    store.close();
    store = await openDataDir(dataDir(), { secretBox: await FileKeySecretBox.open(join(home, 'other.key')) });
    const resolver = createAccessResolver(environment(home), { importedKubeconfigs: store.importedKubeconfigs });
    const record = podRecord({ kubeconfigId: linkedId });
    await expect(resolver.resolve('podKubeconfig', record)).rejects.toThrow(
      /^The imported context "imported-dev": .*Re-import its kubeconfig\.$/,
    );
    expect(skipOf(await resolver.resolve('defaultKubeconfig', record))).toBe(
      'context "imported-dev" is not in ~/.kube/config; the record\'s own kubeconfig is tried next',
    );
  });

  it('is refused by a resolver that cannot read imported kubeconfigs, rather than ignored', async () => {
    await writeDefaultKubeconfig();
    const resolver = createAccessResolver(environment(home));
    await expect(
      resolver.resolve('defaultKubeconfig', podRecord({ name: 'linked', kubeconfigId: linkedId })),
    ).rejects.toThrow('"linked" uses an imported context, but this resolver cannot read imported kubeconfigs.');
  });
});
