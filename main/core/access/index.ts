/**
 * Kubernetes access: the public surface the connect chain uses. Resolve a record's access for one method, and read the
 * pod with it.
 */

export type { AccessEnvironment, AccessResolution, AccessResolver, KubeAccessMethod, ResolvedAccess } from './types';
export { createAccessResolver, type AccessResolverOptions } from './resolve';
export {
  readPod,
  PodNotFoundError,
  PodReadError,
  DEFAULT_POD_READ_TIMEOUT_MS,
  DEFAULT_CONTAINER_ANNOTATION,
  type PodInfo,
  type PodReadFailure,
} from './podReader';
export { PODTERM_CLUSTER_HOST_ENV, PODTERM_TOKEN_ENV, PODTERM_CLUSTER_CA_FILE_ENV } from './tokenAccess';
export { DEFAULT_SERVICE_ACCOUNT_DIR } from './inClusterAccess';
export { captureLoginEnvironment, lazyLoginEnvironment, type LoginEnvironmentOptions } from './loginEnvironment';
export { ContextChoiceError, type ContextChoiceFailure } from './contextChoice';
export { ExecCredentialCache, ExecPluginError } from './execPlugins';
export {
  KubeconfigError,
  exportKubeconfigYaml,
  flattenKubeConfig,
  loadDefaultKubeconfig,
  loadKubeconfigText,
  type LoadedKubeconfig,
} from './kubeconfigFiles';
