/**
 * The core's public surface: everything a front end (main/electron, main/web) or the command line (main/cli) needs,
 * and the only file of the core they may import (the lint's layering rule holds them to it). The core is plain Node:
 * it never imports 'electron' and knows nothing of HTTP.
 */
export type { ClientConnection, SessionStream } from './sessions';
export { FileKeySecretBox, SECRET_KEY_FILE_NAME, SecretBoxError, type SecretBox } from './secrets';
export { createCore, type CoreOptions, type PodtermCore } from './core';
export { defaultDataDir, desktopDataDir } from './dataDirs';
export {
  APP_LOCK_FILE_NAME,
  AppLockHeldError,
  DATABASE_FILE_NAME,
  describeAppMode,
  forgetStoredSecrets,
  openDataDirSecretBox,
  openStore,
  readAppLock,
  type PodConnectRecord,
  type PodRepository,
  type Store,
} from './store';
export { createAccessResolver, DEFAULT_SERVICE_ACCOUNT_DIR } from './kube/access';
export { backfillRecord, planRefresh, recordSecretProblems, withoutSealedSecrets, type BackfillLine } from './pods';
export {
  describeProblem,
  exportRecords,
  importRecords,
  parseMappingOption,
  prepareImport,
  secretsSetBy,
} from './recordsTransfer';
