/**
 * Pod records in SQLite. Secrets are encrypted through the SecretBox before the (synchronous) write and decrypted only
 * for the connect chain; views report which secrets exist, never their values.
 */
import { randomUUID } from 'node:crypto';
import { ContractError } from '../../../common/contract';
import type {
  ConnectionMethod,
  PodSaveRequest,
  PodSecretName,
  PodStatus,
  PodView,
  SshAuthKind,
} from '../../../common/pods';
import { SecretBoxError, type SecretBox } from '../secrets';
import type { Database, Statement } from './database';
import type { PodConnectRecord, PodRepository } from './types';

/** The secret columns, by the contract's secret name. */
const SECRET_COLUMNS = {
  kubeconfig: 'kubeconfig_enc',
  token: 'token_enc',
  sshPassword: 'ssh_password_enc',
  sshPrivateKey: 'ssh_private_key_enc',
  sshPassphrase: 'ssh_passphrase_enc',
} as const satisfies Record<PodSecretName, string>;
const SECRET_NAMES = Object.keys(SECRET_COLUMNS) as PodSecretName[];
const SECRET_LABELS: Record<PodSecretName, string> = {
  kubeconfig: 'kubeconfig',
  token: 'token',
  sshPassword: 'SSH password',
  sshPrivateKey: 'SSH private key',
  sshPassphrase: 'key passphrase',
};

/** The columns a view needs: everything but the ciphertexts, plus whether each ciphertext exists. */
const VIEW_COLUMNS = `id, name, namespace, pod_name, label_selector, container, kube_context, kubeconfig_id, cluster_host, cluster_ca_data, insecure_skip_tls_verify,
  ssh_host, ssh_port, ssh_user, ssh_auth_kind, ssh_private_key_path, shell, notes, created_at, updated_at,
  last_connected_at, last_connection_method, last_status, last_status_at, last_status_detail,
  ${SECRET_NAMES.map((name) => `${SECRET_COLUMNS[name]} IS NOT NULL AS has_${SECRET_COLUMNS[name]}`).join(', ')}`;

/** The columns a search matches, as the PodRepository contract lists them. */
const SEARCH_COLUMNS = ['name', 'namespace', 'pod_name', 'label_selector', 'kube_context', 'cluster_host', 'ssh_host'];

interface FieldColumns {
  name: string;
  namespace: string;
  pod_name: string | null;
  label_selector: string | null;
  container: string | null;
  kube_context: string | null;
  kubeconfig_id: string | null;
  cluster_host: string | null;
  cluster_ca_data: string | null;
  insecure_skip_tls_verify: number;
  ssh_host: string | null;
  ssh_port: number;
  ssh_user: string | null;
  ssh_auth_kind: SshAuthKind;
  ssh_private_key_path: string | null;
  shell: string | null;
  notes: string | null;
}

/** Every field column; a Record so the compiler complains when FieldColumns gains one that is not listed here. */
const FIELD_COLUMN_SET: Record<keyof FieldColumns, true> = {
  name: true,
  namespace: true,
  pod_name: true,
  label_selector: true,
  container: true,
  kube_context: true,
  kubeconfig_id: true,
  cluster_host: true,
  cluster_ca_data: true,
  insecure_skip_tls_verify: true,
  ssh_host: true,
  ssh_port: true,
  ssh_user: true,
  ssh_auth_kind: true,
  ssh_private_key_path: true,
  shell: true,
  notes: true,
};

interface ViewRow extends FieldColumns {
  id: string;
  created_at: number;
  updated_at: number;
  last_connected_at: number | null;
  last_connection_method: ConnectionMethod | null;
  last_status: PodStatus | null;
  last_status_at: number | null;
  last_status_detail: string | null;
  has_kubeconfig_enc: number;
  has_token_enc: number;
  has_ssh_password_enc: number;
  has_ssh_private_key_enc: number;
  has_ssh_passphrase_enc: number;
}

type SecretColumns = Record<(typeof SECRET_COLUMNS)[PodSecretName], Uint8Array | null>;
type ConnectRow = FieldColumns & SecretColumns & { id: string };

/** Per secret in an update: keep_x = 1 leaves the column alone, otherwise x becomes the new value (null clears). */
type SecretParams = SecretColumns & Record<`keep_${(typeof SECRET_COLUMNS)[PodSecretName]}`, 0 | 1>;
type WriteParams = FieldColumns & SecretParams & { id: string; now: number };

/** The status detail is a tooltip line; an error message longer than this is cut (the Refresh dialog has it whole). */
const MAX_STATUS_DETAIL_CHARS = 500;
/** pods.name's limit in the contract (podFieldsSchema): a copy's name must still pass it when the record is saved. */
const MAX_NAME_CHARS = 100;

/** SQLite's LIKE wildcards, escaped so a search for "a_b" or "50%" matches literally. */
const LIKE_ESCAPE = '\\';

/** The PodRepository over a migrated database. */
export class SqlitePodRepository implements PodRepository {
  private readonly insertStmt: Statement<WriteParams>;
  private readonly updateStmt: Statement<WriteParams>;
  private readonly getStmt: Statement<[string], ViewRow>;
  private readonly listStmt: Statement<[], ViewRow>;
  private readonly searchStmt: Statement<{ pattern: string }, ViewRow>;
  private readonly connectStmt: Statement<[string], ConnectRow>;
  private readonly deleteStmt: Statement<[string]>;
  private readonly recordConnectionStmt: Statement<{ id: string; method: ConnectionMethod; at: number }>;
  private readonly recordStatusStmt: Statement<{ id: string; status: PodStatus; detail: string | null; at: number }>;
  private readonly duplicateStmt: Statement<{ id: string; newId: string; name: string; now: number }>;
  private readonly nameTakenStmt: Statement<[string], { taken: number }>;
  private readonly importTransaction: (writes: WriteParams[]) => Array<'created' | 'updated'>;
  private readonly findOrCreateTransaction: (
    params: WriteParams,
    isSame: (view: PodView) => boolean,
  ) => { record: PodView; created: boolean };

  /** `now` is injectable so tests can check timestamps. */
  constructor(
    db: Database,
    private readonly secretBox: SecretBox,
    private readonly now: () => number = Date.now,
  ) {
    const fieldNames = Object.keys(FIELD_COLUMN_SET);
    const secretColumns = SECRET_NAMES.map((name) => SECRET_COLUMNS[name]);
    this.insertStmt = db.prepare(
      `INSERT INTO pods (id, ${fieldNames.join(', ')}, ${secretColumns.join(', ')}, created_at, updated_at)
       VALUES (@id, ${fieldNames.map((c) => `@${c}`).join(', ')}, ${secretColumns.map((c) => `@${c}`).join(', ')},
               @now, @now)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE pods SET ${fieldNames.map((c) => `${c} = @${c}`).join(', ')},
         ${secretColumns.map((c) => `${c} = IIF(@keep_${c}, ${c}, @${c})`).join(', ')},
         updated_at = @now
       WHERE id = @id`,
    );
    const order = 'ORDER BY name COLLATE NOCASE, id';
    this.getStmt = db.prepare(`SELECT ${VIEW_COLUMNS} FROM pods WHERE id = ?`);
    this.listStmt = db.prepare(`SELECT ${VIEW_COLUMNS} FROM pods ${order}`);
    this.searchStmt = db.prepare(
      `SELECT ${VIEW_COLUMNS} FROM pods
       WHERE ${SEARCH_COLUMNS.map((c) => `${c} LIKE @pattern ESCAPE '${LIKE_ESCAPE}'`).join(' OR ')} ${order}`,
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
    const copied = [...fieldNames.filter((column) => column !== 'name'), ...secretColumns];
    this.duplicateStmt = db.prepare(
      `INSERT INTO pods (id, name, ${copied.join(', ')}, created_at, updated_at)
       SELECT @newId, @name, ${copied.join(', ')}, @now, @now FROM pods WHERE id = @id`,
    );
    this.nameTakenStmt = db.prepare(`SELECT 1 AS taken FROM pods WHERE name = ? LIMIT 1`);
    // One transaction: an import that fails half-way (a foreign key, a full disk) leaves no record written.
    // Whether an id exists is decided inside it, so a record deleted meanwhile is created rather than lost.
    this.importTransaction = db.transaction((writes: WriteParams[]) =>
      writes.map((params) => {
        const create = this.getStmt.get(params.id) === undefined;
        runLinked(() => (create ? this.insertStmt : this.updateStmt).run(params));
        return create ? 'created' : 'updated';
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

  async importAll(requests: PodSaveRequest[]): Promise<Array<{ id: string; action: 'created' | 'updated' }>> {
    // Encrypt everything first: the SecretBox may be asynchronous and no transaction may span an await.
    const writes = await Promise.all(requests.map((request) => this.writeParams(request)));
    const actions = this.importTransaction(writes);
    return writes.map((params, index) => ({ id: params.id, action: actions[index]! }));
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
    };
  }

  delete(id: string): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }

  async getForConnect(id: string): Promise<PodConnectRecord | null> {
    const row = this.connectStmt.get(id);
    if (!row) return null;
    const secrets = await Promise.all(
      SECRET_NAMES.map(async (name) => [name, await this.decrypt(row[SECRET_COLUMNS[name]], name, row.name)] as const),
    );
    return {
      id: row.id,
      ...toFields(row),
      secrets: Object.fromEntries(secrets) as PodConnectRecord['secrets'],
    };
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
      const candidate = name.slice(0, MAX_NAME_CHARS - suffix.length) + suffix;
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
      throw new SecretBoxError(`The ${SECRET_LABELS[name]} of "${record}": ${error.message}`);
    }
  }

  private async encryptSecrets(input: PodSaveRequest['secrets']): Promise<SecretParams> {
    const entries = await Promise.all(
      SECRET_NAMES.map(async (name) => {
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

function toFieldColumns(fields: PodSaveRequest['fields']): FieldColumns {
  return {
    name: fields.name,
    namespace: fields.namespace,
    pod_name: fields.podName ?? null,
    label_selector: fields.labelSelector ?? null,
    container: fields.container ?? null,
    kube_context: fields.kubeContext ?? null,
    kubeconfig_id: fields.kubeconfigId ?? null,
    cluster_host: fields.clusterHost ?? null,
    cluster_ca_data: fields.clusterCaData ?? null,
    // better-sqlite3 binds no booleans, and the column is a STRICT INTEGER.
    insecure_skip_tls_verify: fields.insecureSkipTlsVerify ? 1 : 0,
    ssh_host: fields.sshHost ?? null,
    ssh_port: fields.sshPort,
    ssh_user: fields.sshUser ?? null,
    ssh_auth_kind: fields.sshAuthKind,
    ssh_private_key_path: fields.sshPrivateKeyPath ?? null,
    shell: fields.shell ?? null,
    notes: fields.notes ?? null,
  };
}

function toFields(row: FieldColumns): PodSaveRequest['fields'] {
  return {
    name: row.name,
    namespace: row.namespace,
    podName: row.pod_name,
    labelSelector: row.label_selector,
    container: row.container,
    kubeContext: row.kube_context,
    kubeconfigId: row.kubeconfig_id,
    clusterHost: row.cluster_host,
    clusterCaData: row.cluster_ca_data,
    insecureSkipTlsVerify: row.insecure_skip_tls_verify === 1,
    sshHost: row.ssh_host,
    sshPort: row.ssh_port,
    sshUser: row.ssh_user,
    sshAuthKind: row.ssh_auth_kind,
    sshPrivateKeyPath: row.ssh_private_key_path,
    shell: row.shell,
    notes: row.notes,
  };
}

function toView(row: ViewRow): PodView {
  return {
    id: row.id,
    ...toFields(row),
    storedSecrets: {
      kubeconfig: row.has_kubeconfig_enc === 1,
      token: row.has_token_enc === 1,
      sshPassword: row.has_ssh_password_enc === 1,
      sshPrivateKey: row.has_ssh_private_key_enc === 1,
      sshPassphrase: row.has_ssh_passphrase_enc === 1,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastConnectedAt: row.last_connected_at,
    lastConnectionMethod: row.last_connection_method,
    lastStatus: row.last_status,
    lastStatusAt: row.last_status_at,
    lastStatusDetail: row.last_status_detail,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => LIKE_ESCAPE + char);
}
