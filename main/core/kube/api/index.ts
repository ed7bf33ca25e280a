/**
 * kube/api: reading the cluster with resolved access. One pod (podReader), namespaces and pods (lists), the pod a
 * label selector picks, and the bounds every request gets (a reach deadline, an answer timeout, servers found
 * unreachable in this run), and debug containers (adding one, waiting for it to run).
 */
export { type ListAccess, type ListedPod, listNamespaces, listPods } from './lists';
export {
  DEFAULT_CONTAINER_ANNOTATION,
  DEFAULT_POD_READ_TIMEOUT_MS,
  type PodInfo,
  PodNotFoundError,
  PodReadError,
  type PodReadFailure,
  readPod,
} from './podReader';
export { isFinishedPhase, type PodReadiness, readinessOf } from './podReadiness';
export { NoReadyPodError, pickReadyPod } from './podSelection';
export { UnreachableServers } from './unreachableServers';
export { proxyRouteOf, serverConnection, type ServerConnection, viaProxyWords } from './serverConnection';
export {
  addDebugContainer,
  DEBUG_CONTAINER_PREFIX,
  DebugContainerError,
  type DebugContainerFailure,
  type DebugContainerState,
  debugContainerOf,
  describeDebugState,
  newDebugContainerName,
  readDebugContainer,
  waitForDebugContainer,
} from './debugContainers';
