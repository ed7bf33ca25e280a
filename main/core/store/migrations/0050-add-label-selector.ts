import type { Migration } from '../migrate';

/**
 * A record may follow a workload instead of one pod: a label selector (e.g. "app=api") in its namespace, from which
 * connecting picks a Running, Ready pod, so the record survives restarts and rollouts that rename the pod. Plain text:
 * a selector is no secret. NULL for records that name their pod.
 */
export const migration: Migration = {
  version: 50,
  name: 'add pods.label_selector',
  up(db) {
    db.exec(`ALTER TABLE pods ADD COLUMN label_selector TEXT;`);
  },
};
