/**
 * The `podterm` command line, built, as a child process against real databases (openStore + FileKeySecretBox in temp
 * directories), the test Kubernetes API server for backfill, and the real browser mode for the lock refusal.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodView } from '../../common/pods';
import { FileKeySecretBox } from '../../main/core/secrets/fileKeySecretBox';
import type { Store } from '../../main/core/store';
import { makeScratch, openDataDir, type Scratch } from '../harness/dataDir';
import { startKubeApiServer, type KubeApiServer } from '../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../harness/skipReasons';
import { startWebApp, webAppUnavailableReason } from '../harness/webApp';
import { ensureCliBuilt, runCli } from './cliHarness';
import { OLD_MODEL, oldTerminalExport } from '../harness/oldTerminalExport';

const scratches: Scratch[] = [];
const stores: Store[] = [];
let kube: KubeApiServer | null = null;

beforeAll(async () => {
  ensureCliBuilt();
  kube = await startKubeApiServer();
}, 120_000);
afterAll(async () => {
  for (const store of stores) store.close();
  for (const scratch of scratches) await scratch.cleanup();
  await kube?.stop();
});

/**
 * A data directory with its store open. A desktop one seals secrets with a key the CLI cannot find (no secret.key
 * beside the database), standing in for the desktop app's safeStorage.
 */
async function scratchWithStore(kind: 'browser' | 'desktop' = 'browser'): Promise<{ scratch: Scratch; store: Store }> {
  const scratch = await makeScratch('podterm-cli-');
  scratches.push(scratch);
  const keychain = kind === 'desktop' ? await FileKeySecretBox.open(join(scratch.dir, 'keychain', 'key')) : undefined;
  const store = await openDataDir(scratch.dataDir, keychain ? { secretBox: keychain } : {});
  stores.push(store);
  return { scratch, store };
}

const cli = (scratch: Scratch, args: string[], env?: NodeJS.ProcessEnv) =>
  runCli(['--data-dir', scratch.dataDir, ...args], { home: scratch.home, ...(env ? { env } : {}) });

/** Everything a person could see of the records, to compare before and after a command that must change nothing. */
const snapshot = (store: Store) => JSON.stringify(store.pods.list());

async function seed(store: Store): Promise<{ api: PodView; bastion: PodView; both: PodView }> {
  const api = await store.pods.save({
    fields: {
      name: 'api',
      namespace: 'prod',
      podName: 'api-0',
      clusterHost: 'https://10.0.0.1:6443',
      insecureSkipTlsVerify: false,
      sshAllowProxyCommand: false,
      sshPort: 22,
      sshAuthKind: 'password',
    },
    secrets: { token: 'prod-token-123' },
  });
  const bastion = await store.pods.save({
    fields: {
      name: 'bastion',
      namespace: 'default',
      sshHost: 'bastion.example.com',
      sshPort: 2222,
      sshUser: 'ops',
      insecureSkipTlsVerify: false,
      sshAllowProxyCommand: false,
      sshAuthKind: 'password',
    },
    secrets: { sshPassword: 'hunter2' },
  });
  const both = await store.pods.save({
    fields: {
      name: 'worker with ssh',
      namespace: 'default',
      podName: 'shell-pod',
      kubeContext: 'staging',
      sshHost: '10.1.2.3',
      sshPort: 22,
      sshUser: 'root',
      insecureSkipTlsVerify: false,
      sshAllowProxyCommand: false,
      sshAuthKind: 'agent',
    },
    secrets: {},
  });
  store.pods.recordConnection(both.id, 'ssh', Date.UTC(2026, 0, 2, 3, 4));
  return { api, bastion, both };
}

describe('podterm --help and usage errors', () => {
  it('prints usage with exit 0, and names an unknown command with exit 1', async () => {
    const { scratch } = await scratchWithStore();
    const help = await cli(scratch, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('pods import FILE');
    expect(help.stdout).toContain('Exit status: 0 done, 1 usage or validation error, 2 refused');

    const unknown = await cli(scratch, ['pods', 'frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command "pods frobnicate". See podterm --help.');

    const badOption = await cli(scratch, ['pods', 'list', '--colour']);
    expect(badOption.code).toBe(1);
    expect(badOption.stderr).toMatch(/--colour.*See podterm --help/);
  });

  it('without --data-dir uses the desktop app directory and says when it has no database', async () => {
    const scratch = await makeScratch('podterm-cli-');
    scratches.push(scratch);
    const run = await runCli(['pods', 'list'], { home: scratch.home });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`No Podterm database at ${join(scratch.home, '.config', 'Podterm', 'podterm.db')}`);
    const xdg = await runCli(['pods', 'list'], {
      home: scratch.home,
      env: { XDG_CONFIG_HOME: join(scratch.dir, 'cfg') },
    });
    expect(xdg.stderr).toContain(join(scratch.dir, 'cfg', 'Podterm', 'podterm.db'));
    const web = await runCli(['--web', 'pods', 'list'], { home: scratch.home });
    expect(web.stderr).toContain(join(scratch.home, '.local', 'share', 'podterm', 'podterm.db'));
  });
});

describe('pods list', () => {
  it('prints an aligned table and names the database on stderr', async () => {
    const { scratch, store } = await scratchWithStore();
    await seed(store);
    const run = await cli(scratch, ['pods', 'list']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Database: ${join(scratch.dataDir, 'podterm.db')}`);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const header = lines[0]!;
    const columns = ['NAMESPACE/POD', 'CLUSTER', 'SSH', 'LAST METHOD', 'LAST CONNECTED'].map((h) => header.indexOf(h));
    expect(columns.every((position, i) => position > 0 && (i === 0 || position > columns[i - 1]!))).toBe(true);
    const api = lines.find((line) => line.startsWith('api '))!;
    expect(api.slice(columns[0]!)).toMatch(/^prod\/api-0 /);
    expect(api.slice(columns[1]!)).toMatch(/^https:\/\/10\.0\.0\.1:6443 /);
    expect(api.slice(columns[4]!)).toBe('never');
    const worker = lines.find((line) => line.startsWith('worker with ssh'))!;
    expect(worker.slice(columns[1]!)).toMatch(/^context staging /);
    expect(worker.slice(columns[2]!)).toMatch(/^root@10\.1\.2\.3 /);
    expect(worker.slice(columns[3]!)).toMatch(/^SSH /);
    expect(worker.slice(columns[4]!)).toMatch(/^2026-01-0\d \d\d:\d\d$/);
    const bastion = lines.find((line) => line.startsWith('bastion'))!;
    expect(bastion.slice(columns[2]!)).toMatch(/^ops@bastion\.example\.com:2222 /);
    expect(run.stdout).not.toContain('hunter2');
  });

  it('--json prints the records as the app sees them, without secret values', async () => {
    const { scratch, store } = await scratchWithStore();
    await seed(store);
    const run = await cli(scratch, ['pods', 'list', '--json']);
    expect(run.code).toBe(0);
    const pods = JSON.parse(run.stdout) as PodView[];
    expect(pods.map((pod) => pod.name)).toEqual(['api', 'bastion', 'worker with ssh']);
    expect(pods[0]!.storedSecrets.token).toBe(true);
    expect(pods[2]!.lastConnectionMethod).toBe('ssh');
    expect(run.stdout).not.toContain('prod-token-123');
  });
});

describe('pods export', () => {
  it('writes the records without secrets by default', async () => {
    const { scratch, store } = await scratchWithStore();
    await seed(store);
    const run = await cli(scratch, ['pods', 'export']);
    expect(run.code).toBe(0);
    const records = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({ name: 'api', namespace: 'prod', podName: 'api-0', sshPort: 22 });
    expect(records[0]).not.toHaveProperty('token');
    expect(run.stdout).not.toContain('prod-token-123');
    expect(run.stdout).not.toContain('hunter2');
  });

  it('--include-secrets writes them to a 0600 file and warns on stderr', async () => {
    const { scratch, store } = await scratchWithStore();
    await seed(store);
    const file = join(scratch.dir, 'export.json');
    // An existing, world-readable file must not stay so once it holds secrets.
    await writeFile(file, 'old', { mode: 0o644 });
    const run = await cli(scratch, ['pods', 'export', '--include-secrets', '-o', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('WARNING: the export holds secrets');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const records = JSON.parse(await readFile(file, 'utf8')) as Array<Record<string, unknown>>;
    expect(records.find((r) => r.name === 'api')).toMatchObject({ token: 'prod-token-123' });
    expect(records.find((r) => r.name === 'bastion')).toMatchObject({ sshPassword: 'hunter2' });
    expect(records.find((r) => r.name === 'bastion')).not.toHaveProperty('token');
  });
});

describe('pods import', () => {
  it('imports an export into another database, secrets included, and updates records by id', async () => {
    const source = await scratchWithStore();
    const { api } = await seed(source.store);
    const file = join(source.scratch.dir, 'export.json');
    expect((await cli(source.scratch, ['pods', 'export', '--include-secrets', '-o', file])).code).toBe(0);

    const target = await scratchWithStore();
    const run = await cli(target.scratch, ['pods', 'import', file]);
    expect(run.stderr).toContain(`Database: ${join(target.scratch.dataDir, 'podterm.db')}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Imported 3 records');
    expect(run.stdout).toContain('3 created, 0 updated');
    const imported = await target.store.pods.getForConnect(api.id);
    expect(imported).toMatchObject({ name: 'api', podName: 'api-0', secrets: { token: 'prod-token-123' } });

    // The same id again updates; a secret the row leaves out is kept.
    const edited = join(target.scratch.dir, 'edited.json');
    await writeFile(
      edited,
      JSON.stringify([{ id: api.id, name: 'api (renamed)', namespace: 'prod', podName: 'api-1' }]),
    );
    const again = await cli(target.scratch, ['pods', 'import', edited]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 created, 1 updated');
    expect(await target.store.pods.getForConnect(api.id)).toMatchObject({
      name: 'api (renamed)',
      podName: 'api-1',
      secrets: { token: 'prod-token-123' },
    });
    expect(target.store.pods.list()).toHaveLength(3);
  });

  it('imports CSV with a header row, quoted commas and line breaks, ports and booleans', async () => {
    const { scratch, store } = await scratchWithStore();
    const file = join(scratch.dir, 'pods.csv');
    await writeFile(
      file,
      [
        'name,namespace,podName,clusterHost,insecureSkipTlsVerify,sshHost,sshPort,sshUser,notes,token',
        'payments,prod,payments-7d9f,https://k8s.example.com:6443,false,,,,"owner: team-pay, on call",tok-1',
        '"jump, eu",,,,,jump.eu.example.com,2200,ops,"two\r\nlines",',
      ].join('\r\n') + '\r\n',
    );
    const run = await cli(scratch, ['pods', 'import', file]);
    expect(run.stderr).not.toContain('problem');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2 created, 0 updated');
    const [jump, payments] = store.pods.list();
    expect(jump).toMatchObject({
      name: 'jump, eu',
      namespace: 'default',
      sshPort: 2200,
      sshUser: 'ops',
      notes: 'two\r\nlines',
    });
    expect(payments).toMatchObject({
      podName: 'payments-7d9f',
      insecureSkipTlsVerify: false,
      sshAllowProxyCommand: false,
      notes: 'owner: team-pay, on call',
    });
    expect((await store.pods.getForConnect(payments!.id))!.secrets.token).toBe('tok-1');
    expect(jump!.storedSecrets.token).toBe(false);
  });

  it('imports nothing when any row is invalid, and names each row and field', async () => {
    const { scratch, store } = await scratchWithStore();
    await seed(store);
    const before = snapshot(store);
    const csv = join(scratch.dir, 'bad.csv');
    await writeFile(
      csv,
      [
        'name,podName,sshHost,sshPort,sshUser',
        'good one,good-pod,,,',
        'also good,,h.example.com,22,me',
        'bad port,,h.example.com,70000,me',
        'no target,,,,',
      ].join('\n'),
    );
    const run = await cli(scratch, ['pods', 'import', csv]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('row 3 (line 4), field sshPort: between 1 and 65535');
    expect(run.stderr).toContain('row 4 (line 5), field podName: give a pod name or a label selector');
    expect(run.stderr).toContain('nothing was imported: 2 problems');
    expect(snapshot(store)).toBe(before);

    const json = join(scratch.dir, 'bad.json');
    await writeFile(
      json,
      JSON.stringify([
        { name: 'ok', podName: 'ok' },
        { name: 'x', podName: 'Bad_Name', colour: 'red' },
      ]),
    );
    const jsonRun = await cli(scratch, ['pods', 'import', json]);
    expect(jsonRun.code).toBe(1);
    expect(jsonRun.stderr).toContain('row 2, field colour: unknown field');
    expect(jsonRun.stderr).toContain('row 2, field podName: lowercase letters, digits');
    expect(snapshot(store)).toBe(before);
  });

  it('--dry-run validates and reports without writing', async () => {
    const { scratch, store } = await scratchWithStore();
    const { api } = await seed(store);
    const before = snapshot(store);
    const file = join(scratch.dir, 'dry.json');
    await writeFile(
      file,
      JSON.stringify([
        { id: api.id, name: 'api2', podName: 'api-0' },
        { name: 'new', podName: 'n' },
      ]),
    );
    const run = await cli(scratch, ['pods', 'import', file, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`row 1: would update "api2" (${api.id})`);
    expect(run.stdout).toContain('row 2: would create "new"');
    expect(run.stdout).toContain('nothing was written');
    expect(snapshot(store)).toBe(before);
  });
});

describe("pods import of the earlier web terminal's dumpdata", () => {
  it('names the unmapped fields and the bad port, imports with --map once fixed, exports the same, re-imports as updates', async () => {
    const { scratch, store } = await scratchWithStore();
    const fixture = oldTerminalExport();
    const file = join(scratch.dir, 'pods.json');
    await writeFile(file, fixture.text);
    const first = await cli(scratch, ['pods', 'import', file]);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('Fields read as: pk → sourceId');
    expect(first.stderr).toContain('cluster_host → clusterHost');
    expect(first.stderr).toContain('kubeconfig → kubeconfig (a JSON object is written as YAML)');
    expect(first.stderr).toContain('field created_at: unknown field: choose the record field it is, or leave it out');
    expect(first.stderr).toContain(`row 5, field ${fixture.unknownField}: unknown field`);
    expect(first.stderr).toContain('row 3, field ssh_port: between 1 and 65535');
    expect(first.stderr).toContain('nothing was imported: 3 problems');
    expect(store.pods.list()).toEqual([]);

    await writeFile(file, fixture.text.replace(`"ssh_port": ${fixture.badPort}`, `"ssh_port": ${fixture.goodPort}`));
    const args = ['pods', 'import', file, '--map', 'created_at=', '--map', `${fixture.unknownField}=notes`];
    const run = await cli(scratch, args);
    expect(run.stderr).not.toContain('problem');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5 created, 0 updated');
    expect(run.stderr).toContain(`Left out (--map): created_at.`);
    const bastion = store.pods.list().find((view) => view.name === 'bastion')!;
    expect(bastion).toMatchObject({ sourceId: `${OLD_MODEL}:4`, sshAuthKind: 'privateKeyText' });
    expect((await store.pods.getForConnect(bastion.id))!.secrets.sshPrivateKey).toBe(fixture.secrets.privateKey);

    const exported = join(scratch.dir, 'export.json');
    const exportRun = await cli(scratch, ['pods', 'export', '--include-secrets', '-o', exported]);
    expect(exportRun.code).toBe(0);
    expect((await stat(exported)).mode & 0o777).toBe(0o600);
    const records = JSON.parse(await readFile(exported, 'utf8')) as Array<Record<string, unknown>>;
    const byName = Object.fromEntries(records.map((record) => [record.name, record]));
    expect(byName['billing worker']).toMatchObject({ sourceId: `${OLD_MODEL}:2`, token: fixture.secrets.token });
    expect(byName['legacy box']).toMatchObject({ sshPort: fixture.goodPort, sshPassword: fixture.secrets.sshPassword });
    expect(byName.reports).toMatchObject({ notes: 'data-platform' });
    expect(byName['payments api']!.kubeconfig).toContain(fixture.secrets.kubeconfigToken);

    const again = await cli(scratch, args);
    expect(again.stdout).toContain('0 created, 5 updated');
    expect(store.pods.list()).toHaveLength(5);
    // No secret reaches the terminal on the way.
    for (const output of [first, run, exportRun, again].flatMap((r) => [r.stdout, r.stderr])) {
      for (const secret of Object.values(fixture.secrets)) expect(output).not.toContain(secret.slice(0, 40));
    }
  }, 120_000);

  it('reads a CSV of the same table, and refuses an unknown --map field', async () => {
    const { scratch, store } = await scratchWithStore();
    const fixture = oldTerminalExport();
    const file = join(scratch.dir, 'pods.csv');
    await writeFile(file, fixture.csv.replace(`,${fixture.badPort},`, `,${fixture.goodPort},`));
    const bad = await cli(scratch, ['pods', 'import', file, '--map', 'owner_team=team']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--map owner_team=team: "team" is not a record field');
    const run = await cli(scratch, ['pods', 'import', file, '--map', `${fixture.unknownField}=`]);
    expect(run.stderr).not.toContain('problem');
    expect(run.stdout).toContain('5 created, 0 updated');
    expect(
      store.pods
        .list()
        .map((view) => view.sourceId)
        .sort(),
    ).toEqual(['1', '2', '3', '4', '5']);
  }, 120_000);
});

describe('a desktop database (secrets sealed by the OS keychain)', () => {
  it('reads and imports non-secret fields, keeps stored secrets, and refuses to export or import secrets', async () => {
    const { scratch, store } = await scratchWithStore('desktop');
    const { api } = await seed(store);

    const list = await cli(scratch, ['pods', 'list']);
    expect(list.code).toBe(0);
    expect(list.stderr).toContain("secrets sealed by the desktop app's OS keychain");

    const exported = await cli(scratch, ['pods', 'export', '--include-secrets']);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain("secrets in this database are sealed by the desktop app's OS keychain");

    const file = join(scratch.dir, 'in.json');
    await writeFile(
      file,
      JSON.stringify([{ id: api.id, name: 'api renamed', namespace: 'prod', podName: 'api-0', token: 'new' }]),
    );
    const refused = await cli(scratch, ['pods', 'import', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--without-secrets');
    const imported = await cli(scratch, ['pods', 'import', file, '--without-secrets']);
    expect(imported.code).toBe(0);
    const after = await store.pods.getForConnect(api.id);
    expect(after).toMatchObject({ name: 'api renamed', secrets: { token: 'prod-token-123' } });
  });
});

describe('pods backfill', () => {
  const skip = () => (kube ? null : NO_KUBE_API_SERVER);

  async function backfillFixture() {
    const { scratch, store } = await scratchWithStore();
    const kubeconfig = join(scratch.dir, 'kubeconfig');
    await mkdir(scratch.home, { recursive: true });
    await writeFile(kubeconfig, kube!.kubeconfig({ user: 'token', contextName: 'test-ctx' }));
    const base = {
      namespace: 'default',
      insecureSkipTlsVerify: false,
      sshAllowProxyCommand: false,
      sshPort: 22,
      sshAuthKind: 'password' as const,
    };
    const shell = await store.pods.save({ fields: { ...base, name: 'shell', podName: 'shell-pod' }, secrets: {} });
    const gone = await store.pods.save({ fields: { ...base, name: 'gone', podName: 'replaced-pod' }, secrets: {} });
    await store.pods.save({
      fields: { ...base, name: 'ssh only', sshHost: 'h.example.com', sshUser: 'me' },
      secrets: {},
    });
    await store.pods.save({
      fields: { ...base, name: 'complete', podName: 'multi', clusterHost: kube!.url },
      secrets: { token: 'x' },
    });
    return { scratch, store, shell, gone, env: { KUBECONFIG: kubeconfig } };
  }

  it('--dry-run reports what would change and writes nothing', async (context) => {
    if (skip()) return context.skip(skip()!);
    const { scratch, store, env } = await backfillFixture();
    const before = snapshot(store);
    const run = await cli(scratch, ['pods', 'backfill', '--dry-run'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`would update\\s+shell \\(default/shell-pod\\): would set cluster host ${kube!.url}, kubeconfig`),
    );
    expect(run.stdout).toMatch(
      /untouched\s+gone \(default\/replaced-pod\): missing cluster host, kubeconfig\/token; Pod default\/replaced-pod no longer exists/,
    );
    expect(run.stdout).toMatch(/ok\s+complete/);
    expect(run.stdout).toMatch(/skipped\s+ssh only/);
    expect(run.stdout).toContain(
      'Dry run: 1 would be updated, 1 could not be resolved (left untouched), 1 already complete, 1 SSH only.',
    );
    expect(snapshot(store)).toBe(before);
  });

  it('fills the cluster host and kubeconfig of a record the default kubeconfig finds, and leaves the rest alone', async (context) => {
    if (skip()) return context.skip(skip()!);
    const { scratch, store, shell, gone, env } = await backfillFixture();
    const goneBefore = JSON.stringify(store.pods.get(gone.id));
    const run = await cli(scratch, ['pods', 'backfill'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/updated\s+shell \(default\/shell-pod\): set cluster host/);
    expect(run.stdout).toContain('1 updated, 1 could not be resolved');
    const filled = await store.pods.getForConnect(shell.id);
    expect(filled!.clusterHost).toBe(kube!.url);
    expect(filled!.secrets.kubeconfig).toContain(kube!.url);
    expect(JSON.stringify(store.pods.get(gone.id))).toBe(goneBefore);

    // Run again: nothing left to fill in.
    const again = await cli(scratch, ['pods', 'backfill'], env);
    expect(again.stdout).toContain('0 updated, 1 could not be resolved (left untouched), 2 already complete');
  });
});

describe('pods backfill on a desktop database', () => {
  it('stores the cluster host, leaves the sealed secrets exactly as they were, and says the kubeconfig was not stored', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const { scratch, store } = await scratchWithStore('desktop');
    const pod = await store.pods.save({
      fields: {
        name: 'desk',
        namespace: 'default',
        podName: 'shell-pod',
        sshHost: 'h.example.com',
        sshUser: 'me',
        insecureSkipTlsVerify: false,
        sshAllowProxyCommand: false,
        sshPort: 22,
        sshAuthKind: 'password',
      },
      secrets: { sshPassword: 'kept-secret' },
    });
    const kubeconfig = join(scratch.dir, 'kubeconfig');
    await writeFile(kubeconfig, kube.kubeconfig({ user: 'token' }));
    const run = await cli(scratch, ['pods', 'backfill'], { KUBECONFIG: kubeconfig });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`desk (default/shell-pod): set cluster host ${kube.url}`);
    expect(run.stdout).toContain(
      "was NOT stored: secrets in this database are sealed by the desktop app's OS keychain",
    );
    const after = await store.pods.getForConnect(pod.id);
    expect(after).toMatchObject({ clusterHost: kube.url, secrets: { sshPassword: 'kept-secret', kubeconfig: null } });
  });

  it('looks a record linked to an imported context up through that context, never the default kubeconfig’s current one', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const { scratch, store } = await scratchWithStore('desktop');
    // An imported context for another cluster (nothing listens there), sealed like every secret of this database.
    const elsewhere = 'https://127.0.0.1:1';
    const {
      imported: [linked],
    } = await store.importedKubeconfigs.importAll([
      {
        name: 'imported-prod',
        originalName: 'prod',
        fileName: 'prod.yaml',
        server: elsewhere,
        namespace: 'default',
        user: 'token-user',
        authKind: 'token',
        content: kube.kubeconfig({ user: 'token', contextName: 'imported-prod', server: elsewhere }),
      },
    ]);
    const pod = await store.pods.save({
      fields: {
        name: 'linked',
        namespace: 'default',
        podName: 'shell-pod',
        kubeconfigId: linked!.id,
        insecureSkipTlsVerify: false,
        sshAllowProxyCommand: false,
        sshPort: 22,
        sshAuthKind: 'password',
      },
      secrets: {},
    });
    // The default kubeconfig's current context reaches a cluster that has a pod of that name: the wrong one.
    const kubeconfig = join(scratch.dir, 'kubeconfig');
    await writeFile(kubeconfig, kube.kubeconfig({ user: 'token', contextName: 'test-ctx' }));
    const before = snapshot(store);
    const run = await cli(scratch, ['pods', 'backfill'], { KUBECONFIG: kubeconfig });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/untouched\s+linked \(default\/shell-pod\): missing cluster host;/);
    expect(run.stdout).toContain('The imported context "imported-prod"');
    expect(run.stdout).not.toContain('set cluster host');
    expect(snapshot(store)).toBe(before);
    expect(store.pods.get(pod.id)!.clusterHost).toBeNull();
  });
});

describe('the app lock', () => {
  it('refuses to write while the browser mode holds the database, reads anyway, and writes once it quits', async (context) => {
    const reason = webAppUnavailableReason();
    if (reason) return context.skip(reason);
    const { scratch, store } = await scratchWithStore();
    await seed(store);
    const before = snapshot(store);
    const file = join(scratch.dir, 'one.json');
    await writeFile(file, JSON.stringify([{ name: 'added', podName: 'added' }]));

    const app = await startWebApp({ dataDir: scratch.dataDir });
    try {
      const refused = await cli(scratch, ['pods', 'import', file]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        `Podterm (pid ${app.process.pid}, browser mode) is using this database (${join(scratch.dataDir, 'podterm.db')}); quit it first`,
      );
      expect(snapshot(store)).toBe(before);
      const backfill = await cli(scratch, ['pods', 'backfill']);
      expect(backfill.code).toBe(2);
      const list = await cli(scratch, ['pods', 'list']);
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('bastion');
    } finally {
      await app.stop();
    }
    const after = await cli(scratch, ['pods', 'import', file]);
    expect(after.code).toBe(0);
    expect(store.pods.list().map((pod) => pod.name)).toContain('added');
  });
});
