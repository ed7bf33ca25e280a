/**
 * @kubernetes/client-node, loaded when Kubernetes is first needed instead of when Podterm starts. Loading it costs
 * 0.6–0.9 s on these machines (`node -e "import('@kubernetes/client-node')"`), more than everything else the
 * browser-mode server does before it prints its address; a user who only opens the window, or only uses SSH, never
 * pays it, and the app warms it up once it is idle (preloadKubernetesClient).
 *
 * Every value of the package (a class, a function) comes through kubernetesClient() or the helpers below; elsewhere in
 * main the lint allows only type imports of it, which cost nothing at run time.
 */
import { createRequire } from 'node:module';
import type * as ClientNode from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';

export type KubernetesClient = typeof ClientNode;

let loaded: KubernetesClient | undefined;

/** The package, loaded on the first call. require() of an ES module is synchronous in Node ≥ 22.12 (and Electron's). */
export function kubernetesClient(): KubernetesClient {
  loaded ??= createRequire(import.meta.url)('@kubernetes/client-node') as KubernetesClient;
  return loaded;
}

/** Loads the package now, so the first connection does not wait for it; call when the app is idle after starting. */
export function preloadKubernetesClient(): void {
  kubernetesClient();
}

/** An empty KubeConfig (`new KubeConfig()`). */
export function newKubeConfig(): KubeConfig {
  return new (kubernetesClient().KubeConfig)();
}
