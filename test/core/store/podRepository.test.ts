import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ContractError } from '../../../common/contract';
import {
  NOTES_PREVIEW_CHARS,
  podMatchesSearch,
  podSaveSchema,
  type PodFieldsInput,
  type PodSaveInput,
  type PodSaveRequest,
} from '../../../common/pods';
import { FileKeySecretBox, SECRET_KEY_FILE_NAME } from '../../../main/core/secrets/fileKeySecretBox';
import { SecretBoxError } from '../../../main/core/secrets/secretBox';
import { DATABASE_FILE_NAME, openStore } from '../../../main/core/store/index';
import { useStore } from '../../harness/dataDir';

const T0 = 1_700_000_000_000;
const NO_SECRETS = { kubeconfig: false, token: false, sshPassword: false, sshPrivateKey: false, sshPassphrase: false };
const ALL_SECRETS = {
  kubeconfig: 'apiVersion: v1\nkind: Config\n',
  token: 'eyJhbGciOiJSUzI1NiJ9.token',
  sshPassword: 'hunter2',
  sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
  sshPassphrase: 'open sesame',
};

let clock: number;
beforeEach(() => {
  clock = T0;
});
const data = useStore('podterm-pods-', { now: () => clock });

/** What the contract hands the core: a validated, defaults-applied request. */
const request = (input: PodSaveInput): PodSaveRequest => podSaveSchema.parse(input);
const kube = (name: string, extra: Partial<PodFieldsInput> = {}) =>
  request({ fields: { name, podName: 'api-0', ...extra } });

describe('openStore', () => {
  it('creates the data directory owner-only and keeps records across reopening', async () => {
    // The data directory's own key, so the one thing new here is where the database goes.
    const secretBox = await FileKeySecretBox.open(join(data.scratch.dataDir, SECRET_KEY_FILE_NAME));
    const nested = join(data.scratch.dir, 'fresh', 'deeper', DATABASE_FILE_NAME);
    const other = openStore({ path: nested, secretBox });
    const saved = await other.pods.save(kube('kept'));
    other.close();
    expect(statSync(join(data.scratch.dir, 'fresh', 'deeper')).mode & 0o777).toBe(0o700);
    const again = openStore({ path: nested, secretBox });
    expect(again.pods.get(saved.id)).toEqual(saved);
    expect(again.path).toBe(nested);
    again.close();
  });
});

describe('PodRepository', () => {
  it('creates a record with the contract defaults and no secrets', async () => {
    const view = await data.store.pods.save(kube('Prod API', { namespace: 'prod' }));
    expect(view).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: 'Prod API',
      namespace: 'prod',
      podName: 'api-0',
      labelSelector: null,
      container: null,
      kubeContext: null,
      kubeconfigId: null,
      clusterHost: null,
      clusterCaData: null,
      insecureSkipTlsVerify: false,
      sshHost: null,
      sshPort: 22,
      sshUser: null,
      sshAuthKind: 'password',
      sshPrivateKeyPath: null,
      sshProxyJump: null,
      sshAllowProxyCommand: false,
      shell: null,
      notes: null,
      storedSecrets: NO_SECRETS,
      createdAt: T0,
      updatedAt: T0,
      lastConnectedAt: null,
      lastConnectionMethod: null,
      lastStatus: null,
      lastStatusAt: null,
      lastStatusDetail: null,
      kubeconfigContext: null,
      sourceId: null,
    });
    expect(data.store.pods.get(view.id)).toEqual(view);
  });

  it('updates every field, bumps updatedAt and keeps createdAt', async () => {
    const created = await data.store.pods.save(kube('before', { container: 'app', notes: 'old' }));
    clock = T0 + 5_000;
    const fields = {
      name: 'after',
      namespace: 'staging',
      podName: 'web-1',
      labelSelector: 'app=web,tier!=canary',
      container: '',
      kubeContext: 'kind-kind',
      clusterHost: 'https://10.0.0.1:6443',
      clusterCaData: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      insecureSkipTlsVerify: true,
      sshHost: 'bastion.example',
      sshPort: 2222,
      sshUser: 'ops',
      sshAuthKind: 'privateKeyPath' as const,
      sshPrivateKeyPath: '~/.ssh/id_ed25519',
      sshProxyJump: 'jump,ops@inner:2200',
      sshAllowProxyCommand: true,
      shell: '/bin/bash',
      notes: 'new',
    };
    const updated = await data.store.pods.save(request({ id: created.id, fields }));
    expect(updated).toEqual({ ...created, ...fields, container: null, updatedAt: T0 + 5_000 });
    expect(data.store.pods.get(created.id)).toEqual(updated);
  });

  it('refuses to update an unknown id with notFound, and creates nothing', async () => {
    const id = '0b7e3a9c-1d2e-4f5a-8b6c-7d8e9f0a1b2c';
    const failure = data.store.pods.save(request({ id, fields: { name: 'ghost', podName: 'x' } }));
    await expect(failure).rejects.toThrow(ContractError);
    await expect(failure).rejects.toMatchObject({
      code: 'notFound',
      message: `No pod record with id ${id}; it may have been deleted`,
    });
    expect(data.store.pods.list()).toEqual([]);
  });

  it('deletes a record once', async () => {
    const { id } = await data.store.pods.save(kube('doomed'));
    expect(data.store.pods.delete(id)).toBe(true);
    expect(data.store.pods.delete(id)).toBe(false);
    expect(data.store.pods.get(id)).toBeNull();
    expect(await data.store.pods.getForConnect(id)).toBeNull();
  });

  it('lists by name, case-insensitively', async () => {
    for (const name of ['charlie', 'Bravo', 'alpha', 'Delta']) await data.store.pods.save(kube(name));
    expect(data.store.pods.list().map((p) => p.name)).toEqual(['alpha', 'Bravo', 'charlie', 'Delta']);
    expect(data.store.pods.list('   ').map((p) => p.name)).toEqual(['alpha', 'Bravo', 'charlie', 'Delta']);
  });

  it('searches name, namespace, pod name, context, cluster host and SSH host, case-insensitively', async () => {
    await data.store.pods.save(kube('Billing', { namespace: 'payments', podName: 'ledger-0' }));
    await data.store.pods.save(kube('Search', { kubeContext: 'GKE_Europe', clusterHost: 'https://k8s.corp.example' }));
    await data.store.pods.save(request({ fields: { name: 'Legacy', sshHost: 'Jump.Host', sshUser: 'root' } }));
    await data.store.pods.save(kube('Notes only', { notes: 'payments team', container: 'payments' }));
    const names = (query: string) => data.store.pods.list(query).map((p) => p.name);
    expect(names('bill')).toEqual(['Billing']);
    expect(names('PAYMENTS')).toEqual(['Billing']); // not 'Notes only', whose container is "payments"
    expect(names('Ledger')).toEqual(['Billing']);
    expect(names('gke')).toEqual(['Search']);
    expect(names('CORP.example')).toEqual(['Search']);
    expect(names('jump.host')).toEqual(['Legacy']);
    expect(names('E')).toEqual(['Billing', 'Legacy', 'Notes only', 'Search']);
    // Notes and container are not searched.
    expect(names('team')).toEqual([]);
    expect(names('nothing like it')).toEqual([]);
  });

  it('treats LIKE wildcards in a search literally', async () => {
    await data.store.pods.save(kube('GKE_Europe'));
    await data.store.pods.save(kube('GKEXEurope'));
    await data.store.pods.save(kube('100% up'));
    expect(data.store.pods.list('gke_').map((p) => p.name)).toEqual(['GKE_Europe']);
    expect(data.store.pods.list('%').map((p) => p.name)).toEqual(['100% up']);
  });

  it('lists summaries: the sidebar\'s fields only, empty ones left out, notes cut, secrets reduced to "kubeconfig pasted"', async () => {
    const caData = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const long = 'n'.repeat(NOTES_PREVIEW_CHARS + 50);
    const saved = await data.store.pods.save(
      request({
        fields: { name: 'full', podName: 'api-0', clusterCaData: caData, shell: '/bin/zsh', notes: long },
        secrets: ALL_SECRETS,
      }),
    );
    const [summary] = data.store.pods.summaries();
    // Empty fields are left out, not sent as null.
    expect(summary).toEqual({
      id: saved.id,
      name: 'full',
      namespace: 'default',
      podName: 'api-0',
      sshPort: 22,
      notes: long.slice(0, NOTES_PREVIEW_CHARS),
      storedSecrets: { kubeconfig: true },
    });
    data.store.pods.recordConnection(saved.id, 'token', T0 + 5);
    expect(data.store.pods.summaries()[0]).toMatchObject({
      lastConnectedAt: T0 + 5,
      lastConnectionMethod: 'token',
      lastStatus: 'running',
      lastStatusAt: T0 + 5,
      lastStatusDetail: 'a shell opened',
    });
    // A full record is a summary too (whatever takes a summary takes it), with everything the summary left out.
    expect(data.store.pods.get(saved.id)).toMatchObject({ ...summary, notes: long, clusterCaData: caData });
  });

  it('searches summaries by the same rule as the page (podMatchesSearch), ASCII letters case-insensitively', async () => {
    await data.store.pods.save(kube('Billing', { namespace: 'payments', podName: 'ledger-0' }));
    await data.store.pods.save(kube('Search', { kubeContext: 'GKE_Europe', clusterHost: 'https://k8s.corp.example' }));
    await data.store.pods.save(request({ fields: { name: 'Légacy ÉTÉ', sshHost: 'Jump.Host', sshUser: 'root' } }));
    await data.store.pods.save(kube('Workload', { podName: undefined, labelSelector: 'app=Pay' }));
    await data.store.pods.save(kube('Notes only', { notes: 'payments team', container: 'payments' }));
    const all = data.store.pods.summaries();
    for (const query of ['pay', 'PAY', 'gke_', 'E', 'é', 'É', 'ÉTÉ', 'jump.', 'corp', '%', 'nothing', ' ledger ']) {
      const fromStore = data.store.pods.summaries(query).map((p) => p.name);
      expect(fromStore, query).toEqual(all.filter((p) => podMatchesSearch(p, query)).map((p) => p.name));
      expect(fromStore, query).toEqual(data.store.pods.list(query).map((p) => p.name));
    }
    expect(data.store.pods.summaries('pay').map((p) => p.name)).toEqual(['Billing', 'Workload']);
    // SQLite's LIKE folds ASCII letters only; so does the page's rule.
    expect(data.store.pods.summaries('été').map((p) => p.name)).toEqual([]);
  });

  it('lists the summaries of given records only, in list order, leaving out ids it does not have', async () => {
    const a = await data.store.pods.save(kube('alpha'));
    const b = await data.store.pods.save(kube('Bravo'));
    await data.store.pods.save(kube('charlie'));
    const names = (ids: string[], query?: string) => data.store.pods.summaries(query, ids).map((p) => p.name);
    expect(names([b.id, a.id, '00000000-0000-4000-8000-000000000000'])).toEqual(['alpha', 'Bravo']);
    expect(names([])).toEqual([]);
    expect(names([a.id, b.id], 'BRAV')).toEqual(['Bravo']);
    expect(data.store.pods.summaries(undefined, [a.id])).toEqual([data.store.pods.summaries()[0]]);
  });

  it('stores secrets, reports only that they exist, and decrypts them for connecting', async () => {
    const view = await data.store.pods.save(
      request({ fields: { name: 'secretive', podName: 'p' }, secrets: ALL_SECRETS }),
    );
    expect(view.storedSecrets).toEqual({
      kubeconfig: true,
      token: true,
      sshPassword: true,
      sshPrivateKey: true,
      sshPassphrase: true,
    });
    const serialized = JSON.stringify([view, data.store.pods.list()]);
    for (const secret of Object.values(ALL_SECRETS))
      expect(serialized).not.toContain(JSON.stringify(secret).slice(1, -1));
    const record = await data.store.pods.getForConnect(view.id);
    expect(record).toMatchObject({ id: view.id, name: 'secretive', podName: 'p', secrets: ALL_SECRETS });
  });

  it('keeps an absent secret, sets a string, clears a null', async () => {
    const { id } = await data.store.pods.save(request({ fields: { name: 's', podName: 'p' }, secrets: ALL_SECRETS }));
    await data.store.pods.save(request({ id, fields: { name: 's', podName: 'p' } }));
    expect((await data.store.pods.getForConnect(id))?.secrets).toEqual(ALL_SECRETS);

    const view = await data.store.pods.save(
      request({ id, fields: { name: 's', podName: 'p' }, secrets: { token: 'rotated', kubeconfig: null } }),
    );
    expect(view.storedSecrets).toEqual({ ...mapValues(ALL_SECRETS, true), kubeconfig: false });
    expect((await data.store.pods.getForConnect(id))?.secrets).toEqual({
      ...ALL_SECRETS,
      token: 'rotated',
      kubeconfig: null,
    });
  });

  it('records the last connection without touching updatedAt', async () => {
    const { id } = await data.store.pods.save(kube('connected'));
    data.store.pods.recordConnection(id, 'podKubeconfig', T0 + 42);
    expect(data.store.pods.get(id)).toMatchObject({
      lastConnectedAt: T0 + 42,
      lastConnectionMethod: 'podKubeconfig',
      updatedAt: T0,
    });
    // A record deleted while its session connected has nothing to record; that is not an error.
    expect(() => data.store.pods.recordConnection('0b7e3a9c-1d2e-4f5a-8b6c-7d8e9f0a1b2c', 'ssh', T0)).not.toThrow();
  });

  it('fails to decrypt with a SecretBoxError when opened with another key', async () => {
    const { id } = await data.store.pods.save(
      request({ fields: { name: 'k', podName: 'p' }, secrets: { token: 't' } }),
    );
    const otherBox = await FileKeySecretBox.open(join(data.scratch.dir, 'other.key'));
    const reopened = await data.reopen({ secretBox: otherBox });
    expect(reopened.pods.get(id)?.storedSecrets.token).toBe(true);
    const failure = reopened.pods.getForConnect(id);
    await expect(failure).rejects.toThrow(SecretBoxError);
    await expect(failure).rejects.toThrow(/^The token of "k": could not decrypt .*another key/);
  });
});

function mapValues<T extends object, V>(object: T, value: V): Record<keyof T, V> {
  return Object.fromEntries(Object.keys(object).map((key) => [key, value])) as Record<keyof T, V>;
}
