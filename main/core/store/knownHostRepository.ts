/**
 * SSH host keys the user chose to remember. Host names are compared case-insensitively, as OpenSSH does, so
 * "Build.example" and "build.example" share their keys.
 */
import type { Database, Statement } from './database';
import type { KnownHostRepository } from './types';

interface KeyRow {
  key_type: string;
  key: Uint8Array;
}

export class SqliteKnownHostRepository implements KnownHostRepository {
  private readonly findStmt: Statement<[string, number], KeyRow>;
  private readonly rememberStmt: Statement<{
    host: string;
    port: number;
    keyType: string;
    key: Uint8Array;
    at: number;
  }>;

  /** `now` is injectable so tests can check timestamps. */
  constructor(
    db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.findStmt = db.prepare('SELECT key_type, key FROM known_hosts WHERE host = ? AND port = ? ORDER BY id');
    // Remembering a key twice (two tabs accepting the same new host) is not an error: the first row stays.
    this.rememberStmt = db.prepare(
      `INSERT INTO known_hosts (host, port, key_type, key, added_at) VALUES (@host, @port, @keyType, @key, @at)
       ON CONFLICT (host, port, key_type, key) DO NOTHING`,
    );
  }

  find(host: string, port: number): Array<{ keyType: string; key: Uint8Array }> {
    return this.findStmt.all(normalizeHost(host), port).map((row) => ({ keyType: row.key_type, key: row.key }));
  }

  remember(host: string, port: number, keyType: string, key: Uint8Array): void {
    this.rememberStmt.run({ host: normalizeHost(host), port, keyType, key, at: this.now() });
  }
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase();
}
