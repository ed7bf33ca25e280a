/**
 * Pod records in SQLite. Secrets are encrypted through the SecretBox before the (synchronous) write and decrypted only
 * for the connect chain; views report which secrets exist, never their values.
 */
import { randomUUID } from 'node:crypto';
import { ContractError } from '../../../common/contract';
import {
  MAX_RECORD_NAME_LENGTH,
  NOTES_PREVIEW_CHARS,
  POD_FIELD_NAMES,
  POD_SEARCH_FIELDS,
  POD_SECRET_NAMES,
  POD_SECRETS,
  POD_SUMMARY_FIELDS,
  type ConnectionMethod,
  type PodFieldName,
  type PodFields,
  type PodSaveRequest,
  type PodSecretName,
  type PodStatus,
  type PodSummary,
  type PodView,
} from '../../../common/pods';
import { SecretBoxError, type SecretBox } from '../secrets';
import type { Database, Statement } from './database';
import type { PodConnectRecord, PodImportRequest, PodRepository } from './types';

/** What a field column holds (the pods table's field columns are TEXT or INTEGER, never BLOB). */
type SqlValue = string | number | null;

/** Where one field lives in the pods table, and how its value goes in and comes back out. */
interface FieldColumn<Value> {
  column: string;
  toSql(value: Value): SqlValue;
  fromSql(value: unknown): Value;
}

/** A value stored as it is (text, a number, an enum's name); an optional field that is absent is NULL. */
function asIs<Value extends string | number | null | undefined>(column: string): FieldColumn<Value> {
  return { column, toSql: (value) => value ?? null, fromSql: (value) => value as Value };
}

/** A boolean as 0/1: better-sqlite3 binds no booleans, and the column is a STRICT INTEGER. */
function flag(column: string): FieldColumn<boolean> {
  return { column, toSql: (value) => (value ? 1 : 0), fromSql: (value) => value === 1 };
}

/**
 * Every field of a record and its column: the one place the store spells fields out. The type demands an entry for
 * each field of common/pods.ts's schema, so a new field does not compile until its column is named here (the column
 * itself comes from a migration). Reads, writes, copies and views are all made from this table.
 */
const FIELD_COLUMNS: { [Name in keyof Required<PodFields>]: FieldColumn<PodFields[Name]> } = {
  name: asIs('name'),
  namespace: asIs('namespace'),
  podName: asIs('pod_name'),
  labelSelector: asIs('label_selector'),
  container: asIs('container'),
  kubeContext: asIs('kube_context'),
  kubeconfigId: asIs('kubeconfig_id'),
  clusterHost: asIs('cluster_host'),
  clusterCaData: asIs('cluster_ca_data'),
  insecureSkipTlsVerify: flag('insecure_skip_tls_verify'),
  sshHost: asIs('ssh_host'),
  sshPort: asIs('ssh_port'),
  sshUser: asIs('ssh_user'),
  sshAuthKind: asIs('ssh_auth_kind'),
  sshPrivateKeyPath: asIs('ssh_private_key_path'),
  sshProxyJump: asIs('ssh_proxy_jump'),
  sshAllowProxyCommand: flag('ssh_allow_proxy_command'),
  shell: asIs('shell'),
  notes: asIs('notes'),
};
const FIELD_COLUMN_NAMES = POD_FIELD_NAMES.map((name) => FIELD_COLUMNS[name].column);

/** The secret columns, by the contract's secret name. */
const SECRET_COLUMNS = {
  kubeconfig: 'kubeconfig_enc',
  token: 'token_enc',
  sshPassword: 'ssh_password_enc',
  sshPrivateKey: 'ssh_private_key_enc',
  sshPassphrase: 'ssh_passphrase_enc',
} as const satisfies Record<PodSecretName, string>;
type SecretColumn = (typeof SECRET_COLUMNS)[PodSecretName];
const SECRET_COLUMN_NAMES = POD_SECRET_NAMES.map((name) => SECRET_COLUMNS[name]);
/**
 * Names the context a pasted kubeconfig uses for a record with these fields (as the connect chain would choose it), or
 * null when it cannot tell (not a kubeconfig, no usable context). The store cannot parse kubeconfigs itself.
 */
export type KubeconfigContextOf = (kubeconfig: string, fields: PodFields) => string | null;

/** The name of the context the pasted kubeconfig uses, kept beside its ciphertext (migration 0080). */
const KUBECONFIG_CONTEXT_COLUMN = 'kubeconfig_context';

/** Where an imported record came from (migration 0090); written by imports only, never copied by duplicate. */
const SOURCE_ID_COLUMN = 'source_id';

/** The view's "is this secret stored" column for a secret column. */
const storedFlag = (column: SecretColumn) => `has_${column}` as const;

/** The columns a view needs: the fields, the record's own columns, and whether each ciphertext exists (never it). */
const VIEW_COLUMNS = [
  'id',
  ...FIELD_COLUMN_NAMES,
  'created_at, updated_at, last_connected_at, last_connection_method, last_status, last_status_at, last_status_detail',
  KUBECONFIG_CONTEXT_COLUMN,
  SOURCE_ID_COLUMN,
  ...SECRET_COLUMN_NAMES.map((column) => `${column} IS NOT NULL AS ${storedFlag(column)}`),
].join(', ');

/** What a summary reads: its fields (notes cut to a preview), the record's status columns, whether a kubeconfig is pasted. */
const SUMMARY_COLUMNS = [
  'id',
  ...POD_SUMMARY_FIELDS.map((name) =>
    name === 'notes'
      ? `substr(${FIELD_COLUMNS.notes.column}, 1, ${NOTES_PREVIEW_CHARS}) AS ${FIELD_COLUMNS.notes.column}`
      : FIELD_COLUMNS[name].column,
  ),
  'last_connected_at, last_connection_method, last_status, last_status_at, last_status_detail',
  KUBECONFIG_CONTEXT_COLUMN,
  `${SECRET_COLUMNS.kubeconfig} IS NOT NULL AS ${storedFlag(SECRET_COLUMNS.kubeconfig)}`,
].join(', ');

/** A row's field columns, by column name: FIELD_COLUMNS says which and how to read them. */
type FieldRow = Record<string, unknown>;

interface ViewRow extends FieldRow, Record<`has_${SecretColumn}`, number> {
  id: string;
  created_at: number;
  updated_at: number;
  last_connected_at: number | null;
  last_connection_method: ConnectionMethod | null;
  last_status: PodStatus | null;
  last_status_at: number | null;
  last_status_detail: string | null;
  kubeconfig_context: string | null;
  source_id: string | null;
}

type SecretColumns = Record<SecretColumn, Uint8Array | null>;
/** `name` is spelled out because getForConnect's messages quote it before the row becomes fields. */
type ConnectRow = FieldRow & SecretColumns & { id: string; name: string };

/** Per secret in an update: keep_x = 1 leaves the column alone, otherwise x becomes the new value (null clears). */
type SecretParams = SecretColumns & Record<`keep_${SecretColumn}`, 0 | 1>;
type WriteParams = FieldRow &
  SecretParams & { id: string; now: number; kubeconfig_context: string | null; source_id: string | null };
/** One import write: its columns, and whether a record with its source id is the one to update (the request had no id). */
interface ImportWrite {
  params: WriteParams;
  matchSource: boolean;
}

/** The status detail is a tooltip line; an error message longer than this is cut (the Refresh dialog has it whole). */
const MAX_STATUS_DETAIL_CHARS = 500;

/** SQLite's LIKE wildcards, escaped so a search for "a_b" or "50%" matches literally. */
const LIKE_ESCAPE = '\\';

/** The PodRepository over a migrated database. */
export class SqlitePodRepository implements PodRepository {
  private readonly insertStmt: Statement<WriteParams>;
  private readonly updateStmt: Statement<WriteParams>;
  private readonly getStmt: Statement<[string], ViewRow>;
  private readonly listStmt: Statement<[], ViewRow>;
  private readonly searchStmt: Statement<{ pattern: string }, ViewRow>;
  private readonly summaryListStmt: Statement<[], ViewRow>;
  private readonly summarySearchStmt: Statement<{ pattern: string }, ViewRow>;
  private readonly summariesOfStmt: Statement<{ ids: string; pattern: string }, ViewRow>;
  private readonly connectStmt: Statement<[string], ConnectRow>;
  private readonly deleteStmt: Statement<[string]>;
  private readonly recordConnectionStmt: Statement<{ id: string; method: ConnectionMethod; at: number }>;
  private readonly recordStatusStmt: Statement<{ id: string; status: PodStatus; detail: string | null; at: number }>;
  private readonly duplicateStmt: Statement<{ id: string; newId: string; name: string; now: number }>;
  private readonly nameTakenStmt: Statement<[string], { taken: number }>;
  private readonly unnamedKubeconfigsStmt: Statement<[], ConnectRow>;
  private readonly nameKubeconfigStmt: Statement<{ id: string; name: string; ciphertext: Uint8Array }>;
  private readonly bySourceStmt: Statement<[string], ViewRow>;
  private readonly importTransaction: (writes: ImportWrite[]) => Array<{ id: string; action: 'created' | 'updated' }>;
  private readonly findOrCreateTransaction: (
    params: WriteParams,
    isSame: (view: PodView) => boolean,
  ) => { record: PodView; created: boolean };

  /** `now` is injectable so tests can check timestamps. */
  constructor(
    db: Database,
    private readonly secretBox: SecretBox,
    private readonly now: () => number = Date.now,
    private readonly kubeconfigContextOf: KubeconfigContextOf = () => null,
  ) {
    const written = [...FIELD_COLUMN_NAMES, ...SECRET_COLUMN_NAMES, KUBECONFIG_CONTEXT_COLUMN, SOURCE_ID_COLUMN];
    this.insertStmt = db.prepare(
      `INSERT INTO pods (id, ${written.join(', ')}, created_at, updated_at)
       VALUES (@id, ${written.map((c) => `@${c}`).join(', ')}, @now, @now)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE pods SET ${FIELD_COLUMN_NAMES.map((c) => `${c} = @${c}`).join(', ')},
         ${SECRET_COLUMN_NAMES.map((c) => `${c} = IIF(@keep_${c}, ${c}, @${c})`).join(', ')},
         ${KUBECONFIG_CONTEXT_COLUMN} = IIF(@keep_kubeconfig_enc, ${KUBECONFIG_CONTEXT_COLUMN}, @${KUBECONFIG_CONTEXT_COLUMN}),
         ${SOURCE_ID_COLUMN} = COALESCE(@${SOURCE_ID_COLUMN}, ${SOURCE_ID_COLUMN}),
         updated_at = @now
       WHERE id = @id`,
    );
    const order = 'ORDER BY name COLLATE NOCASE, id';
    this.getStmt = db.prepare(`SELECT ${VIEW_COLUMNS} FROM pods WHERE id = ?`);
    this.bySourceStmt = db.prepare(`SELECT ${VIEW_COLUMNS} FROM pods WHERE ${SOURCE_ID_COLUMN} = ?`);
    this.listStmt = db.prepare(`SELECT ${VIEW_COLUMNS} FROM pods ${order}`);
    const matches = POD_SEARCH_FIELDS.map(
      (field) => `${FIELD_COLUMNS[field].column} LIKE @pattern ESCAPE '${LIKE_ESCAPE}'`,
    );
    // The inner query reads only the searched columns and the id, which the covering index pods_search_columns holds
    // (migration 0090): it scans that narrow index, not the rows with their CA data and ciphertexts.
    const matching = `id IN (SELECT id FROM pods WHERE ${matches.join(' OR ')})`;
    this.searchStmt = db.prepare(`SELECT ${VIEW_COLUMNS} FROM pods WHERE ${matching} ${order}`);
    this.summaryListStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM pods ${order}`);
    this.summarySearchStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM pods WHERE ${matching} ${order}`);
    // The ids travel as one JSON array: one statement for any number of them.
    this.summariesOfStmt = db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM pods WHERE id IN (SELECT value FROM json_each(@ids))
         AND (@pattern = '%%' OR ${matching}) ${order}`,
    );
    this.connectStmt = db.prepare(`SELECT * FROM pods WHERE id = ?`);
    this.deleteStmt = db.prepare(`DELETE FROM pods WHERE id = ?`);
    this.recordConnectionStmt = db.prepare(
      `UPDATE pods SET last_connected_at = @at, last_connection_method = @method,
         last_status = 'running', last_status_at = @at, last_status_detail = 'a shell opened' WHERE id = @id`,
    );
    this.recordStatusStmt = db.prepare(
      `UPDATE pods SET last_status = @status, last_status_at = @at, last_status_detail = @detail WHERE id = @id`,
    );
    // Every field and secret column travels; ids, times, connection history and status start afresh.
    const copied = [
      ...FIELD_COLUMN_NAMES.filter((column) => column !== FIELD_COLUMNS.name.column),
      ...SECRET_COLUMN_NAMES,
      KUBECONFIG_CONTEXT_COLUMN,
    ];
    this.duplicateStmt = db.prepare(
      `INSERT INTO pods (id, name, ${copied.join(', ')}, created_at, updated_at)
       SELECT @newId, @name, ${copied.join(', ')}, @now, @now FROM pods WHERE id = @id`,
    );
    this.nameTakenStmt = db.prepare(`SELECT 1 AS taken FROM pods WHERE name = ? LIMIT 1`);
    this.unnamedKubeconfigsStmt = db.prepare(
      `SELECT * FROM pods WHERE kubeconfig_enc IS NOT NULL AND ${KUBECONFIG_CONTEXT_COLUMN} IS NULL`,
    );
    // Only while the kubeconfig is still the one that was read: a save in between has named its own.
    this.nameKubeconfigStmt = db.prepare(
      `UPDATE pods SET ${KUBECONFIG_CONTEXT_COLUMN} = @name
       WHERE id = @id AND kubeconfig_enc = @ciphertext AND ${KUBECONFIG_CONTEXT_COLUMN} IS NULL`,
    );
    // One transaction: an import that fails half-way (a foreign key, a full disk) leaves no record written.
    // Whether an id exists is decided inside it, so a record deleted meanwhile is created rather than lost.
    // A record imported before from the same source is found by its source id here too, for the same reason.
    this.importTransaction = db.transaction((writes: ImportWrite[]) =>
      writes.map(({ params, matchSource }) => {
        const earlier = matchSource && params.source_id !== null ? this.bySourceStmt.get(params.source_id) : undefined;
        const write = earlier ? { ...params, id: earlier.id } : params;
        const create = this.getStmt.get(write.id) === undefined;
        runLinked(() => (create ? this.insertStmt : this.updateStmt).run(write));
        return { id: write.id, action: create ? ('created' as const) : ('updated' as const) };
      }),
    );
    // One transaction for the look and the insert, so two calls for the same target make one record. IMMEDIATE takes
    // the write lock before the look: another process cannot add the record in between.
    this.findOrCreateTransaction = db.transaction((params: WriteParams, isSame: (view: PodView) => boolean) => {
      const existing = this.listStmt.all().map(toView).find(isSame);
      if (existing) return { record: existing, created: false };
      runLinked(() => this.insertStmt.run(params));
      return { record: toView(this.getStmt.get(params.id)!), created: true };
    }).immediate;
  }

  list(query?: string): PodView[] {
    const text = query?.trim() ?? '';
    const rows = text === '' ? this.listStmt.all() : this.searchStmt.all({ pattern: `%${escapeLike(text)}%` });
    return rows.map(toView);
  }

  summaries(query?: string, ids?: readonly string[]): PodSummary[] {
    const pattern = `%${escapeLike(query?.trim() ?? '')}%`;
    if (ids !== undefined) return this.summariesOfStmt.all({ ids: JSON.stringify(ids), pattern }).map(toSummary);
    const rows = pattern === '%%' ? this.summaryListStmt.all() : this.summarySearchStmt.all({ pattern });
    return rows.map(toSummary);
  }

  get(id: string): PodView | null {
    const row = this.getStmt.get(id);
    return row ? toView(row) : null;
  }

  async save(request: PodSaveRequest): Promise<PodView> {
    // Encrypt first: the SecretBox may be asynchronous, the write below is not, so no transaction spans an await.
    const params = await this.writeParams(request);
    if (request.id === undefined) {
      runLinked(() => this.insertStmt.run(params));
    } else if (runLinked(() => this.updateStmt.run(params)).changes === 0) {
      throw new ContractError('notFound', `No pod record with id ${request.id}; it may have been deleted`);
    }
    const saved = this.get(params.id);
    if (!saved) throw new Error(`Pod record ${params.id} vanished right after it was saved`);
    return saved;
  }

  async importAll(requests: PodImportRequest[]): Promise<Array<{ id: string; action: 'created' | 'updated' }>> {
    // Encrypt everything first: the SecretBox may be asynchronous and no transaction may span an await.
    const writes = await Promise.all(
      requests.map(async ({ sourceId, ...request }) => ({
        params: { ...(await this.writeParams(request)), [SOURCE_ID_COLUMN]: sourceId ?? null },
        matchSource: request.id === undefined,
      })),
    );
    return this.importTransaction(writes);
  }

  findBySourceId(sourceId: string): PodView | null {
    const row = this.bySourceStmt.get(sourceId);
    return row ? toView(row) : null;
  }

  async findOrCreate(
    request: Omit<PodSaveRequest, 'id'>,
    isSame: (view: PodView) => boolean,
  ): Promise<{ record: PodView; created: boolean }> {
    // Encrypt first: the SecretBox may be asynchronous and no transaction may span an await.
    const params = await this.writeParams({ fields: request.fields, secrets: request.secrets });
    return this.findOrCreateTransaction(params, isSame);
  }

  /** The columns one save writes: a new id when the request has none, the time, the fields, the sealed secrets. */
  private async writeParams(request: PodSaveRequest): Promise<WriteParams> {
    return {
      id: request.id ?? randomUUID(),
      now: this.now(),
      ...toFieldColumns(request.fields),
      ...(await this.encryptSecrets(request.secrets)),
      [KUBECONFIG_CONTEXT_COLUMN]: this.contextOf(request),
      [SOURCE_ID_COLUMN]: null,
    };
  }

  /** The pasted kubeconfig's context name, for the sidebar; a failure to tell is no reason to refuse the save. */
  private contextOf(request: PodSaveRequest): string | null {
    const kubeconfig = request.secrets.kubeconfig;
    if (typeof kubeconfig !== 'string') return null;
    try {
      return this.kubeconfigContextOf(kubeconfig, request.fields);
    } catch {
      return null;
    }
  }

  delete(id: string): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }

  async getForConnect(id: string): Promise<PodConnectRecord | null> {
    const row = this.connectStmt.get(id);
    if (!row) return null;
    const secrets = await Promise.all(
      POD_SECRET_NAMES.map(
        async (name) => [name, await this.decrypt(row[SECRET_COLUMNS[name]], name, row.name)] as const,
      ),
    );
    return {
      id: row.id,
      ...toFields(row),
      secrets: Object.fromEntries(secrets) as PodConnectRecord['secrets'],
    };
  }

  async nameKubeconfigContexts(): Promise<number> {
    let named = 0;
    for (const row of this.unnamedKubeconfigsStmt.all()) {
      const ciphertext = row.kubeconfig_enc;
      if (!ciphertext) continue;
      let name: string | null;
      try {
        name = this.kubeconfigContextOf(await this.secretBox.decrypt(ciphertext), toFields(row));
      } catch {
        continue;
      }
      if (name !== null) named += this.nameKubeconfigStmt.run({ id: row.id, name, ciphertext }).changes;
    }
    return named;
  }

  /** A record deleted while its session was connecting is not an error: there is simply nothing left to update. */
  recordConnection(id: string, method: ConnectionMethod, at: number): void {
    this.recordConnectionStmt.run({ id, method, at });
  }

  recordStatus(id: string, status: PodStatus, detail: string | null, at: number): void {
    this.recordStatusStmt.run({ id, status, detail: detail?.slice(0, MAX_STATUS_DETAIL_CHARS) ?? null, at });
  }

  duplicate(id: string): PodView | null {
    const original = this.get(id);
    if (!original) return null;
    const newId = randomUUID();
    const changes = this.duplicateStmt.run({ id, newId, name: this.copyName(original.name), now: this.now() }).changes;
    return changes === 0 ? null : this.get(newId);
  }

  /** "api (copy)", then "api (copy 2)", …; the base is shortened so the result stays within the contract's limit. */
  private copyName(name: string): string {
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? ' (copy)' : ` (copy ${n})`;
      const candidate = name.slice(0, MAX_RECORD_NAME_LENGTH - suffix.length) + suffix;
      if (!this.nameTakenStmt.get(candidate)) return candidate;
    }
  }

  /** Names the record and the secret in the error, so the user knows what to re-enter. */
  private async decrypt(ciphertext: Uint8Array | null, name: PodSecretName, record: string): Promise<string | null> {
    if (!ciphertext) return null;
    try {
      return await this.secretBox.decrypt(ciphertext);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      throw new SecretBoxError(`The ${POD_SECRETS[name].label} of "${record}": ${error.message}`);
    }
  }

  private async encryptSecrets(input: PodSaveRequest['secrets']): Promise<SecretParams> {
    const entries = await Promise.all(
      POD_SECRET_NAMES.map(async (name) => {
        const value = input[name];
        const column = SECRET_COLUMNS[name];
        const ciphertext = typeof value === 'string' ? await this.secretBox.encrypt(value) : null;
        return [
          [column, ciphertext],
          [`keep_${column}`, value === undefined ? 1 : 0],
        ] as const;
      }),
    );
    return Object.fromEntries(entries.flat()) as SecretParams;
  }
}

/** A save whose kubeconfigId names no imported context (removed meanwhile) fails its foreign key: say so per field. */
function runLinked<T>(write: () => T): T {
  try {
    return write();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw error;
    throw new ContractError(
      'invalidPayload',
      'The imported context this record uses was removed; pick another one or paste a kubeconfig.',
      { 'fields.kubeconfigId': 'this imported context no longer exists; pick another' },
    );
  }
}

/** The field columns one save writes. */
function toFieldColumns(fields: PodSaveRequest['fields']): Record<string, SqlValue> {
  return Object.fromEntries(POD_FIELD_NAMES.map((name) => [FIELD_COLUMNS[name].column, writeField(fields, name)]));
}

/** One field's column value; generic in the field so its codec and its value are known to match. */
function writeField<Name extends PodFieldName>(fields: PodFields, name: Name): SqlValue {
  const codec: FieldColumn<PodFields[Name]> = FIELD_COLUMNS[name];
  return codec.toSql(fields[name]);
}

function toFields(row: FieldRow): PodFields {
  const fields = Object.fromEntries(
    POD_FIELD_NAMES.map((name) => [name, FIELD_COLUMNS[name].fromSql(row[FIELD_COLUMNS[name].column])]),
  );
  // Each value came through its own field's codec, so the object is the fields' type, key by key.
  return fields as PodFields;
}

function toView(row: ViewRow): PodView {
  return {
    id: row.id,
    ...toFields(row),
    storedSecrets: Object.fromEntries(
      POD_SECRET_NAMES.map((name) => [name, row[storedFlag(SECRET_COLUMNS[name])] === 1]),
    ) as PodView['storedSecrets'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastConnectedAt: row.last_connected_at,
    lastConnectionMethod: row.last_connection_method,
    lastStatus: row.last_status,
    lastStatusAt: row.last_status_at,
    lastStatusDetail: row.last_status_detail,
    kubeconfigContext: row.kubeconfig_context,
    sourceId: row.source_id,
  };
}

/** A summary row (SUMMARY_COLUMNS) as the sidebar sees it: empty (null) fields left out. */
function toSummary(row: ViewRow): PodSummary {
  const summary: Record<string, unknown> = { id: row.id };
  const put = (key: string, value: unknown) => {
    if (value !== null && value !== undefined) summary[key] = value;
  };
  for (const name of POD_SUMMARY_FIELDS) put(name, FIELD_COLUMNS[name].fromSql(row[FIELD_COLUMNS[name].column]));
  summary.storedSecrets = { kubeconfig: row[storedFlag(SECRET_COLUMNS.kubeconfig)] === 1 };
  put('lastConnectedAt', row.last_connected_at);
  put('lastConnectionMethod', row.last_connection_method);
  put('lastStatus', row.last_status);
  put('lastStatusAt', row.last_status_at);
  put('lastStatusDetail', row.last_status_detail);
  put('kubeconfigContext', row.kubeconfig_context);
  // Each value came through its own field's codec or is its ViewRow column, key by key as PodSummary names them.
  return summary as PodSummary;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => LIKE_ESCAPE + char);
}
