/**
 * clusterBrowser/: the sidebar's cluster browser (`clusters.*` requests): the default kubeconfig's and the imported
 * contexts, each context's namespaces and pods.
 */
export { type ClusterBrowser, createClusterBrowser } from './clusterBrowser';
