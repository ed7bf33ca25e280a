/**
 * clusterBrowser/: the sidebar's cluster browser (`clusters.*` requests): the default kubeconfig's and the imported
 * contexts, each context's namespaces and pods, and saving a browsed pod (or its workload) as a record.
 */
export { type ClusterBrowser, createClusterBrowser, EXEC_ACCESS_CACHE_MS } from './clusterBrowser';
export { savePodRecord } from './savePod';
