import type { Migration } from '../migrate';

/**
 * User settings (terminal font, theme, scrollback, clipboard behaviour…) as one row per key with a JSON value. A
 * key-value table rather than a column per setting: adding a setting needs no schema step, and a stored value that a
 * newer build no longer accepts is ignored key by key (the repository validates each on read).
 */
export const migration: Migration = {
  version: 70,
  name: 'create settings',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT;
    `);
  },
};
