/**
 * pods/: operations on a saved pod record beyond storing it: the checks its pasted secrets get on save, Refresh
 * (`pods.refresh`, the original design's pod management step) and what its result means for the sidebar's status.
 */
export { planRefresh, refreshPod } from './refresh';
export { recordSecretProblems, saveRecord, type SecretFieldErrors } from './recordSecrets';
