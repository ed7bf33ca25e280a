/**
 * `pods backfill`: the original design's update script over every record, one at a time, with the core's
 * backfillRecord (main/core/pods/backfill.ts, which the app's Refresh all runs too), looked up with an access resolver
 * built from this process's environment.
 */
import { homedir } from 'node:os';
import {
  backfillRecord,
  createAccessResolver,
  DEFAULT_SERVICE_ACCOUNT_DIR,
  planRefresh,
  withoutSealedSecrets,
  type BackfillLine,
} from '../core';
import type { OpenedDatabase } from './database';

export type { BackfillLine };

export async function backfill(
  database: OpenedDatabase,
  options: { dryRun: boolean; env: NodeJS.ProcessEnv },
): Promise<BackfillLine[]> {
  const resolver = createAccessResolver(
    {
      env: options.env,
      homeDir: homedir(),
      serviceAccountDir: DEFAULT_SERVICE_ACCOUNT_DIR,
      // Run from a terminal, the CLI already has the login shell's environment (the app, started by a launcher, does not).
      loginEnv: async () => options.env,
    },
    // A record linked to an imported context is looked up through that context (a sealed database's import cannot be
    // read, so such a record stays unresolved), never through the default kubeconfig's current context.
    { importedKubeconfigs: database.store.importedKubeconfigs },
  );
  const pods = database.sealed ? withoutSealedSecrets(database.store.pods) : database.store.pods;
  const lines: BackfillLine[] = [];
  for (const view of database.store.pods.list()) {
    lines.push(
      await backfillRecord(view, database.store.pods, (id) => planRefresh(id, pods, resolver), {
        dryRun: options.dryRun,
        sealed: database.sealed,
      }),
    );
  }
  return lines;
}
