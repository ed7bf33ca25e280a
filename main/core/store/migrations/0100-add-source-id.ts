import type { Migration } from '../migrate';

/**
 * The id a record had in the system it was imported from (the earlier web terminal's `dumpdata` pk, as
 * "<app>.<model>:<pk>"), so importing the same export again updates those records instead of adding copies. Unique
 * where set: two records cannot claim the same origin. A record made in Podterm has none.
 */
export const migration: Migration = {
  version: 100,
  name: 'add pods.source_id',
  up(db) {
    db.exec(`ALTER TABLE pods ADD COLUMN source_id TEXT`);
    db.exec(`CREATE UNIQUE INDEX pods_source_id ON pods (source_id) WHERE source_id IS NOT NULL`);
  },
};
