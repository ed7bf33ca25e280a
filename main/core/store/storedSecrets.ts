/**
 * The secrets a database holds as a whole, for the start-up check that a key file is not missing (a new key over old
 * ciphertexts would make every one of them unreadable, silently) and for forgetting them all on purpose.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileKeySecretBox, SECRET_KEY_FILE_NAME, SecretBoxError } from '../secrets';
import { openDatabase } from './database';
import { migrate } from './migrate';

/** The database file's name inside the data directory. */
export const DATABASE_FILE_NAME = 'podterm.db';

/** The pods table's encrypted columns (migration 0010); the kubeconfigs table (0040) is encrypted whole. */
const POD_SECRET_COLUMNS = [
  'kubeconfig_enc',
  'token_enc',
  'ssh_password_enc',
  'ssh_private_key_enc',
  'ssh_passphrase_enc',
];
const ANY_POD_SECRET = POD_SECRET_COLUMNS.map((column) => `${column} IS NOT NULL`).join(' OR ');

export interface StoredSecretCount {
  /** Records holding at least one secret. */
  records: number;
  /** Imported kubeconfig contexts (each is stored encrypted). */
  kubeconfigs: number;
}

/** The key file beside a database that holds secrets is gone: starting would need a new key, and lose them all. */
export class SecretKeyMissingError extends SecretBoxError {
  constructor(dataDir: string, count: StoredSecretCount) {
    const keyPath = join(dataDir, SECRET_KEY_FILE_NAME);
    const what = [
      count.records > 0 ? `${count.records} record${count.records === 1 ? '' : 's'} with secrets` : '',
      count.kubeconfigs > 0
        ? `${count.kubeconfigs} imported kubeconfig context${count.kubeconfigs === 1 ? '' : 's'}`
        : '',
    ]
      .filter(Boolean)
      .join(' and ');
    super(
      `The database ${join(dataDir, DATABASE_FILE_NAME)} holds ${what}, encrypted with the key in ${keyPath}, and that ` +
        'file is missing. Podterm will not make a new key: every stored secret would become unreadable. Restore ' +
        `${SECRET_KEY_FILE_NAME} from a backup into ${dataDir} and start again. To start over without those secrets ` +
        '(records keep every other field; imported kubeconfigs are removed and must be imported again), run: ' +
        `podterm --data-dir ${dataDir} secrets forget`,
    );
    this.name = 'SecretKeyMissingError';
  }
}

/** What the database at `path` holds encrypted; nothing for a file that does not exist. Reads only. */
export function countStoredSecrets(path: string): StoredSecretCount {
  if (!existsSync(path)) return { records: 0, kubeconfigs: 0 };
  const db = openDatabase(path, 'read');
  try {
    const tables = new Set(
      db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
        .all()
        .map((row) => (row as { name: string }).name),
    );
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      records: tables.has('pods') ? count(`SELECT COUNT(*) AS n FROM pods WHERE ${ANY_POD_SECRET}`) : 0,
      kubeconfigs: tables.has('kubeconfigs') ? count(`SELECT COUNT(*) AS n FROM kubeconfigs`) : 0,
    };
  } finally {
    db.close();
  }
}

/**
 * The browser mode's (and the command line's) secret box for `dataDir`: the key in secret.key, created when there is
 * none, except beside a database that already holds secrets: then SecretKeyMissingError says how to recover.
 */
export async function openDataDirSecretBox(dataDir: string): Promise<FileKeySecretBox> {
  const keyPath = join(dataDir, SECRET_KEY_FILE_NAME);
  if (!existsSync(keyPath)) {
    const count = countStoredSecrets(join(dataDir, DATABASE_FILE_NAME));
    if (count.records > 0 || count.kubeconfigs > 0) throw new SecretKeyMissingError(dataDir, count);
  }
  return FileKeySecretBox.open(keyPath);
}

/**
 * Deletes every stored secret of the database at `path` (the ciphertexts, overwritten thanks to secure_delete) and
 * every imported kubeconfig (records using one lose only the link), in one transaction. For starting over after the
 * key is lost: what is deleted could not be read any more anyway.
 */
export function forgetStoredSecrets(path: string): StoredSecretCount {
  const db = openDatabase(path);
  try {
    migrate(db);
    return db
      .transaction((): StoredSecretCount => {
        const records = db
          .prepare(`UPDATE pods SET ${POD_SECRET_COLUMNS.map((c) => `${c} = NULL`).join(', ')} WHERE ${ANY_POD_SECRET}`)
          .run().changes;
        const kubeconfigs = db.prepare(`DELETE FROM kubeconfigs`).run().changes;
        return { records, kubeconfigs };
      })
      .immediate();
  } finally {
    db.close();
  }
}
