import type { Migration } from '../migrate';

/**
 * SSH host keys the user accepted and asked to remember. A host may have several keys (one per type, or a rotation),
 * so the key itself is part of the uniqueness; the UNIQUE index's (host, port) prefix also serves lookups.
 */
export const migration: Migration = {
  version: 20,
  name: 'create known_hosts',
  up(db) {
    db.exec(`
      CREATE TABLE known_hosts (
        id INTEGER PRIMARY KEY,
        host TEXT NOT NULL,
        port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        key_type TEXT NOT NULL,
        key BLOB NOT NULL,
        added_at INTEGER NOT NULL,
        UNIQUE (host, port, key_type, key)
      ) STRICT;
    `);
  },
};
