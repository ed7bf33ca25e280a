import type { PodtermClient } from '../../../common/contract';

/** What the app holds: the contract's client plus what only a transport can know. */
export interface RendererClient extends PodtermClient {
  readonly mode: 'electron' | 'web';
  /**
   * Fires once if the way to main is gone for good (the browser mode's socket closed). Electron's IPC cannot be lost
   * without the page going with it, so there it never fires.
   */
  onTransportLost(listener: (message: string) => void): () => void;
}
