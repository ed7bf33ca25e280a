/** Step 0090: a covering index of the searched pods columns, which a search then scans instead of the rows. */
import { expect, it } from 'vitest';
import { migrate } from '../../../../main/core/store/migrate';
import { migration as indexPodsSearch } from '../../../../main/core/store/migrations/0090-index-pods-search';
import { insertPod, useTempDatabase, versionBefore } from '../../../harness/migrations';

const database = useTempDatabase('podterm-migrate-0090-');

/** The store's search, as the repository writes it: matching ids first, then the rows. */
const SEARCH = `SELECT name FROM pods WHERE id IN (
  SELECT id FROM pods WHERE name LIKE @p OR namespace LIKE @p OR pod_name LIKE @p OR label_selector LIKE @p
    OR kube_context LIKE @p OR cluster_host LIKE @p OR ssh_host LIKE @p)`;

it('indexes existing records, and the search scans the index rather than the rows', () => {
  const db = database.open();
  migrate(db, { targetVersion: versionBefore(indexPodsSearch) });
  insertPod(db, { name: 'api', kube_context: 'gke_prod' });
  expect(migrate(db, { targetVersion: indexPodsSearch.version }).applied).toEqual([90]);
  const plan = db
    .prepare<{ p: string }, { detail: string }>(`EXPLAIN QUERY PLAN ${SEARCH}`)
    .all({ p: '%prod%' })
    .map((row) => row.detail);
  expect(plan).toContainEqual(expect.stringMatching(/SCAN pods USING COVERING INDEX pods_search_columns/));
  expect(db.prepare<{ p: string }, { name: string }>(SEARCH).all({ p: '%GKE%' })).toEqual([{ name: 'api' }]);
});
