/**
 * pods/: operations on a saved pod record beyond storing it: Refresh (`pods.refresh`, the original design's pod
 * management step) and what its result means for the sidebar's status.
 */
export { planRefresh, refreshPod } from './refresh';
