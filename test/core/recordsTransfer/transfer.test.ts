/**
 * recordsTransfer against a real store (SQLite + the file-key SecretBox): the earlier web terminal's dumpdata file and
 * a CSV of its table read as they are, the mapping reported and changed, problems under their row and field, a cell
 * corrected, all-or-nothing writes, a second import updating instead of duplicating, and secrets sealed at rest.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { looksLikeRecordsFile, type RecordsImportInput } from '../../../common/records';
import { ContractError } from '../../../common/contract';
import { exportRecords, importRecords, prepareImport, type ImportTarget } from '../../../main/core/recordsTransfer';
import type { Store } from '../../../main/core/store';
import { makeScratch, openDataDir, type Scratch } from '../../harness/dataDir';
import { OLD_MODEL, oldTerminalExport } from '../../harness/oldTerminalExport';
import { recordsImportSchema } from '../../../common/records';

const open: Array<{ scratch: Scratch; store: Store }> = [];
afterEach(async () => {
  for (const { scratch, store } of open.splice(0)) {
    store.close();
    await scratch.cleanup();
  }
});

async function newStore(): Promise<{ scratch: Scratch; store: Store; target: ImportTarget }> {
  const scratch = await makeScratch('podterm-records-');
  const store = await openDataDir(scratch.dataDir);
  open.push({ scratch, store });
  return {
    scratch,
    store,
    target: { pods: store.pods, kubeconfigExists: (id) => store.importedKubeconfigs.get(id) !== null },
  };
}

const request = (input: RecordsImportInput) => recordsImportSchema.parse(input);

describe('a dumpdata export of the earlier web terminal', () => {
  it('is read as it is: every field mapped by name, the unknown one and the bad port reported where they are', async () => {
    const { target } = await newStore();
    const fixture = oldTerminalExport();
    const { preview, writes } = await prepareImport(request({ fileName: 'pods.json', text: fixture.text }), target);
    expect(preview.format).toBe('dumpdata');
    const mapped = Object.fromEntries(preview.mapping.map((entry) => [entry.source, entry.target]));
    expect(mapped).toMatchObject({
      pk: 'sourceId',
      name: 'name',
      namespace: 'namespace',
      pod_name: 'podName',
      cluster_host: 'clusterHost',
      kubeconfig: 'kubeconfig',
      token: 'token',
      ssh_host: 'sshHost',
      ssh_port: 'sshPort',
      ssh_username: 'sshUser',
      ssh_password: 'sshPassword',
      private_key: 'sshPrivateKey',
      created_at: null,
      [fixture.unknownField]: null,
    });
    expect(preview.mapping.find((entry) => entry.source === 'kubeconfig')?.note).toBe(
      'a JSON object is written as YAML',
    );
    // Unmapped fields are never dropped silently: each one is a problem until mapped or left out.
    expect(preview.fileProblems.map((problem) => problem.field).sort()).toEqual(['created_at', fixture.unknownField]);
    expect(preview.fileProblems[0]!.message).toContain('unknown field: choose the record field it is, or leave it out');
    const row3 = preview.rows.find((row) => row.row === 3)!;
    expect(row3).toMatchObject({ name: 'legacy box', target: 'ops@legacy.example.com:70000', action: null });
    expect(row3.problems).toEqual([
      { row: 3, field: 'ssh_port', message: 'between 1 and 65535', value: String(fixture.badPort) },
    ]);
    expect(preview.rows.filter((row) => row !== row3).every((row) => row.problems.length === 0)).toBe(true);
    expect(preview.importable).toBe(0);
    expect(writes).toEqual([]);
  });

  it('imports all five once the fields are left out and the port corrected; a second import updates them', async () => {
    const { store, target, scratch } = await newStore();
    const fixture = oldTerminalExport();
    const input = request({
      fileName: 'pods.json',
      text: fixture.text,
      mapping: { created_at: null, [fixture.unknownField]: 'notes' },
      corrections: [{ row: 3, field: 'ssh_port', value: String(fixture.goodPort) }],
    });
    const { preview } = await prepareImport(input, target);
    expect(preview.fileProblems).toEqual([]);
    expect(preview.rows.map((row) => [row.name, row.action])).toEqual([
      ['payments api', 'create'],
      ['billing worker', 'create'],
      ['legacy box', 'create'],
      ['bastion', 'create'],
      ['reports', 'create'],
    ]);
    expect(preview.mapping.find((entry) => entry.source === fixture.unknownField)).toMatchObject({
      target: 'notes',
      how: 'chosen',
    });
    expect(preview.importable).toBe(5);
    expect(await importRecords(input, target)).toEqual({ created: 5, updated: 0 });

    const byName = Object.fromEntries(store.pods.list().map((view) => [view.name, view]));
    expect(byName['payments api']).toMatchObject({
      namespace: 'payments',
      podName: 'payments-api-0',
      sourceId: `${OLD_MODEL}:1`,
    });
    expect(byName['legacy box']).toMatchObject({ sshPort: fixture.goodPort, sshUser: 'ops', sshAuthKind: 'password' });
    expect(byName.bastion).toMatchObject({ sshAuthKind: 'privateKeyText', storedSecrets: { sshPrivateKey: true } });
    expect(byName.reports).toMatchObject({ notes: 'data-platform' });
    const payments = await store.pods.getForConnect(byName['payments api']!.id);
    // The dict became YAML kubectl reads, with its token.
    expect(payments!.secrets.kubeconfig).toContain('current-context: prod');
    expect(payments!.secrets.kubeconfig).toContain(fixture.secrets.kubeconfigToken);
    expect((await store.pods.getForConnect(byName['billing worker']!.id))!.secrets.token).toBe(fixture.secrets.token);
    expect((await store.pods.getForConnect(byName['legacy box']!.id))!.secrets.sshPassword).toBe(
      fixture.secrets.sshPassword,
    );

    // Sealed at rest: no secret's bytes are in the database file.
    store.close();
    open.splice(0, open.length);
    const bytes = await readFile(scratch.databasePath);
    for (const secret of Object.values(fixture.secrets)) {
      expect(bytes.includes(Buffer.from(secret.slice(0, 40))), 'a secret in plaintext on disk').toBe(false);
    }
    const reopened = await openDataDir(scratch.dataDir);
    open.push({ scratch, store: reopened });
    const again = { pods: reopened.pods, kubeconfigExists: () => false };
    const second = await prepareImport(input, again);
    expect(second.preview.rows.every((row) => row.action === 'update')).toBe(true);
    expect(await importRecords(input, again)).toEqual({ created: 0, updated: 5 });
    expect(reopened.pods.list()).toHaveLength(5);
  });

  it('writes nothing when a problem remains, and says so', async () => {
    const { store, target } = await newStore();
    const fixture = oldTerminalExport();
    const input = request({
      fileName: 'pods.json',
      text: fixture.text,
      mapping: { created_at: null, owner_team: null },
    });
    await expect(importRecords(input, target)).rejects.toThrow(
      /Nothing was imported: 1 problem in pods\.json; fix them in the preview/,
    );
    expect(store.pods.list()).toEqual([]);
  });

  it('reads the same records from a CSV of the table, its id column kept as the source id', async () => {
    const { store, target } = await newStore();
    const fixture = oldTerminalExport();
    const input = request({
      fileName: 'pods.csv',
      text: fixture.csv,
      mapping: { [fixture.unknownField]: null },
      corrections: [{ row: 3, field: 'ssh_port', value: '2222' }],
    });
    const { preview } = await prepareImport(input, target);
    expect(preview.format).toBe('csv');
    expect(preview.mapping.find((entry) => entry.source === 'id')).toMatchObject({ target: 'sourceId' });
    expect(preview.fileProblems).toEqual([]);
    expect(preview.rows.flatMap((row) => row.problems)).toEqual([]);
    expect(await importRecords(input, target)).toEqual({ created: 5, updated: 0 });
    const payments = store.pods.list().find((view) => view.name === 'payments api')!;
    expect((await store.pods.getForConnect(payments.id))!.secrets.kubeconfig).toContain(
      'server: https://10.0.0.1:6443',
    );
  });

  it('exports what it imported, and the export imports back onto the same records', async () => {
    const { store, target } = await newStore();
    const fixture = oldTerminalExport();
    await importRecords(
      request({
        fileName: 'pods.json',
        text: fixture.text,
        mapping: { created_at: null, owner_team: null },
        corrections: [{ row: 3, field: 'ssh_port', value: '2222' }],
      }),
      target,
    );
    const plain = await exportRecords(store.pods, false, new Date('2026-12-04T00:00:00Z'));
    expect(plain.fileName).toBe('podterm-records-2026-12-04.json');
    expect(plain.count).toBe(5);
    for (const secret of Object.values(fixture.secrets)) expect(plain.text).not.toContain(secret.slice(0, 40));
    const full = await exportRecords(store.pods, true);
    expect(full.text).toContain(fixture.secrets.token);
    const records = JSON.parse(full.text) as Array<Record<string, unknown>>;
    expect(records.find((record) => record.name === 'bastion')).toMatchObject({
      sourceId: `${OLD_MODEL}:4`,
      sshPrivateKey: fixture.secrets.privateKey,
    });
    const back = await prepareImport(request({ fileName: 'export.json', text: full.text }), target);
    expect(back.preview.format).toBe('json');
    expect(back.preview.mapping.every((entry) => entry.target === entry.source && entry.how === 'automatic')).toBe(
      true,
    );
    expect(back.preview.rows.map((row) => row.action)).toEqual(['update', 'update', 'update', 'update', 'update']);
  });

  it('refuses a file that is not records with a message naming it, and a target two fields claim', async () => {
    const { target } = await newStore();
    await expect(prepareImport(request({ fileName: 'x.json', text: '{"a":1}' }), target)).rejects.toBeInstanceOf(
      ContractError,
    );
    await expect(prepareImport(request({ fileName: 'x.json', text: '{"a":1}' }), target)).rejects.toThrow(
      'x.json: the JSON must be an array of records',
    );
    const twice = await prepareImport(
      request({ fileName: 'x.csv', text: 'name,host,ssh_host,user\nbox,a.example.com,b.example.com,ops\n' }),
      target,
    );
    expect(twice.preview.fileProblems).toEqual([
      {
        row: 1,
        line: 2,
        field: 'host',
        message:
          'not imported: it looks like sshHost too, which "ssh_host" already gives; choose one of them, or leave this one out',
      },
    ]);
  });
});

describe('looksLikeRecordsFile', () => {
  it('tells records from kubeconfigs by content', () => {
    const fixture = oldTerminalExport();
    expect(looksLikeRecordsFile(fixture.text)).toBe(true);
    expect(looksLikeRecordsFile(fixture.csv)).toBe(true);
    expect(looksLikeRecordsFile('[]')).toBe(true);
    expect(looksLikeRecordsFile('apiVersion: v1\nkind: Config\nclusters: []\n')).toBe(false);
    expect(looksLikeRecordsFile('{"apiVersion":"v1","kind":"Config"}')).toBe(false);
    expect(looksLikeRecordsFile('a,b,c\n1,2,3\n')).toBe(false);
  });
});
