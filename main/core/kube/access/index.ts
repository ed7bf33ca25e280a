/**
 * kube/access: turning a pod record and the machine's configuration into credentials for one API server, one method of
 * the chain at a time (default kubeconfig, the record's kubeconfig, token auth, in-cluster config). Loading and merging
 * kubeconfig files, choosing a context, running exec credential plugins. It reads nothing from the cluster: that is
 * kube/api.
 */
export type { AccessEnvironment, AccessResolution, AccessResolver, KubeAccessMethod, ResolvedAccess } from './types';
export { createAccessResolver, loadEnvironmentKubeconfig, type AccessResolverOptions } from './resolve';
export { PODTERM_CLUSTER_HOST_ENV, PODTERM_TOKEN_ENV, PODTERM_CLUSTER_CA_FILE_ENV } from './tokenAccess';
export { DEFAULT_SERVICE_ACCOUNT_DIR } from './inClusterAccess';
export { captureLoginEnvironment, lazyLoginEnvironment, type LoginEnvironmentOptions } from './loginEnvironment';
export { chooseContext, ContextChoiceError, type ContextChoiceFailure } from './contextChoice';
export { accessFromContext } from './contextAccess';
export { kubernetesClient, newKubeConfig, preloadKubernetesClient, type KubernetesClient } from './clientNode';
export { accessScrubber, type AccessWithSecrets } from './accessSecrets';
export { pastedKubeconfigProblem } from './pastedKubeconfig';
export { proxyEnvironmentOf, withProxy } from './proxyEnvironment';
export { ExecCredentialCache, ExecPluginError } from './execPlugins';
export {
  authKindOf,
  checkReferencedFile,
  displayPath,
  exportKubeconfigYaml,
  kubeconfigObjectToYaml,
  flattenKubeConfig,
  KubeconfigError,
  loadDefaultKubeconfig,
  loadKubeconfigText,
  parseKubeconfig,
  type KubeUser,
  type LoadedKubeconfig,
} from './kubeconfigFiles';
