import { ELECTRON_BRIDGE_GLOBAL, type BridgeApi } from '../../../common/contract';
import { createElectronClient } from './electronClient';
import type { RendererClient } from './types';
import { createWebClient } from './webClient';

export type { RendererClient } from './types';

/** Electron's preload exposes the bridge before any page script runs; without it, this is the browser mode. */
export function createClient(): RendererClient {
  const bridge = (window as unknown as Partial<Record<string, unknown>>)[ELECTRON_BRIDGE_GLOBAL];
  return bridge ? createElectronClient(bridge as BridgeApi) : createWebClient();
}
