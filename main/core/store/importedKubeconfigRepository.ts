/**
 * Imported kubeconfig contexts in SQLite. Each row's kubeconfig is encrypted through the SecretBox before the
 * (synchronous) write; views carry names, servers and auth kinds only.
 */
import { randomUUID } from 'node:crypto';
import type { KubeAuthKind, KubeconfigView } from '../../../common/importedKubeconfigs';
import { SecretBoxError, type SecretBox } from '../secrets';
import type { Database, Statement } from './database';
import type { ImportedKubeconfigRepository, NewKubeconfig } from './types';

interface Row {
  id: string;
  name: string;
  original_name: string;
  file_name: string;
  server: string;
  namespace: string | null;
  user_name: string | null;
  auth_kind: KubeAuthKind;
  created_at: number;
}

type WriteRow = Row & { content_enc: Uint8Array };

const VIEW_COLUMNS = 'id, name, original_name, file_name, server, namespace, user_name, auth_kind, created_at';

export class SqliteImportedKubeconfigRepository implements ImportedKubeconfigRepository {
  private readonly listStmt: Statement<[], Row>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly contentStmt: Statement<[string], { name: string; content_enc: Uint8Array }>;
  private readonly byFileStmt: Statement<[string], Row>;
  private readonly insertStmt: Statement<WriteRow>;
  private readonly updateStmt: Statement<Omit<WriteRow, 'created_at'>>;
  private readonly parkStmt: Statement<[string]>;
  private readonly deleteStmt: Statement<[string]>;

  constructor(
    private readonly db: Database,
    private readonly secretBox: SecretBox,
    private readonly now: () => number = Date.now,
  ) {
    this.listStmt = db.prepare(`SELECT ${VIEW_COLUMNS} FROM kubeconfigs ORDER BY name COLLATE NOCASE, id`);
    this.getStmt = db.prepare(`SELECT ${VIEW_COLUMNS} FROM kubeconfigs WHERE id = ?`);
    this.contentStmt = db.prepare(`SELECT name, content_enc FROM kubeconfigs WHERE id = ?`);
    this.byFileStmt = db.prepare(`SELECT ${VIEW_COLUMNS} FROM kubeconfigs WHERE file_name = ?`);
    this.insertStmt = db.prepare(
      `INSERT INTO kubeconfigs (id, name, original_name, file_name, server, namespace, user_name, auth_kind, content_enc,
         created_at)
       VALUES (@id, @name, @original_name, @file_name, @server, @namespace, @user_name, @auth_kind, @content_enc,
         @created_at)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE kubeconfigs SET name = @name, original_name = @original_name, file_name = @file_name, server = @server,
         namespace = @namespace, user_name = @user_name, auth_kind = @auth_kind, content_enc = @content_enc
       WHERE id = @id`,
    );
    // A replaced row's name is parked on its (unique) id first, so two of them may swap names inside one import.
    this.parkStmt = db.prepare(`UPDATE kubeconfigs SET name = id WHERE file_name = ?`);
    this.deleteStmt = db.prepare(`DELETE FROM kubeconfigs WHERE id = ?`);
  }

  list(): KubeconfigView[] {
    return this.listStmt.all().map(toView);
  }

  get(id: string): KubeconfigView | null {
    const row = this.getStmt.get(id);
    return row ? toView(row) : null;
  }

  listFile(fileName: string): KubeconfigView[] {
    return this.byFileStmt.all(fileName).map(toView);
  }

  async getContent(id: string): Promise<{ name: string; content: string } | null> {
    const row = this.contentStmt.get(id);
    if (!row) return null;
    try {
      return { name: row.name, content: await this.secretBox.decrypt(row.content_enc) };
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      throw new SecretBoxError(`The imported context "${row.name}": ${error.message} Re-import its kubeconfig.`);
    }
  }

  async importAll(
    entries: NewKubeconfig[],
    replaces?: string,
  ): Promise<{ imported: KubeconfigView[]; removed: number }> {
    // Encrypt first: the SecretBox may be asynchronous, the transaction below is not.
    const encrypted = await Promise.all(
      entries.map(async (entry) => ({ entry, content_enc: await this.secretBox.encrypt(entry.content) })),
    );
    const createdAt = this.now();
    const write = this.db.transaction(() => {
      const replaced = replaces === undefined ? [] : this.byFileStmt.all(replaces);
      if (replaces !== undefined) this.parkStmt.run(replaces);
      const reusable = new Map(replaced.map((row) => [row.original_name, row.id]));
      const ids: string[] = [];
      for (const { entry, content_enc } of encrypted) {
        const columns = {
          name: entry.name,
          original_name: entry.originalName,
          file_name: entry.fileName,
          server: entry.server,
          namespace: entry.namespace,
          user_name: entry.user,
          auth_kind: entry.authKind,
          content_enc,
        };
        const reuse = reusable.get(entry.originalName);
        if (reuse !== undefined) {
          // Same context again: keep its id, so records that use it keep using it.
          reusable.delete(entry.originalName);
          this.updateStmt.run({ id: reuse, ...columns });
          ids.push(reuse);
        } else {
          const id = randomUUID();
          this.insertStmt.run({ id, ...columns, created_at: createdAt });
          ids.push(id);
        }
      }
      for (const id of reusable.values()) this.deleteStmt.run(id);
      return { ids, removed: reusable.size };
    });
    const { ids, removed } = write();
    return { imported: ids.map((id) => this.get(id)).filter((view) => view !== null), removed };
  }

  remove(id: string): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }
}

function toView(row: Row): KubeconfigView {
  return {
    id: row.id,
    name: row.name,
    originalName: row.original_name,
    fileName: row.file_name,
    server: row.server,
    namespace: row.namespace,
    user: row.user_name,
    authKind: row.auth_kind,
    createdAt: row.created_at,
  };
}
