/**
 * pods/: operations on a saved pod record beyond storing it: the checks its pasted secrets get on save, Refresh
 * (`pods.refresh`, the original design's pod management step), backfill (the CLI's `pods backfill` and the app's
 * Refresh all) and what their results mean for the sidebar's status.
 */
export { planRefresh, planRefreshWith, refreshPod } from './refresh';
export { recordSecretProblems, saveRecord, type SecretFieldErrors } from './recordSecrets';
export {
  backfillName,
  backfillRecord,
  withoutSealedSecrets,
  type BackfillLine,
  type BackfillOptions,
  type RefreshPlanner,
} from './backfill';
