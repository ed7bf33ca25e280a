import type { Migration } from '../migrate';

/**
 * The sidebar's status dot: what the last Refresh or connection learned about each record's pod, and when. The CHECK
 * list is written out rather than imported from common/pods.ts so this shipped step never changes. The detail is one
 * line for the tooltip (a phase or an error message; never a credential).
 */
export const migration: Migration = {
  version: 60,
  name: 'add pods.last_status',
  up(db) {
    db.exec(`
      ALTER TABLE pods ADD COLUMN last_status TEXT
        CHECK (last_status IN ('running', 'notReady', 'gone', 'unreachable', 'error'));
      ALTER TABLE pods ADD COLUMN last_status_at INTEGER;
      ALTER TABLE pods ADD COLUMN last_status_detail TEXT;
    `);
  },
};
