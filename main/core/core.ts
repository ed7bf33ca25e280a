/**
 * Wires the store, the secret box and the session manager into one request dispatcher that both transports call.
 */
import type { ResultEnvelope } from '../../common/contract';
import type { SecretBox } from './secrets/secretBox';
import type { ClientConnection } from './transport';

export interface CoreOptions {
  /** Where podterm.db lives (Electron: userData; browser mode: --data-dir or $XDG_DATA_HOME/podterm). */
  dataDir: string;
  secretBox: SecretBox;
  mode: 'electron' | 'web';
  version: string;
  /** The environment and home directory to read kubeconfigs, known_hosts and SSH_AUTH_SOCK from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
}

export interface PodtermCore {
  /**
   * Validates `key` and `payload` against the contract and runs the handler. Never throws: failures come back as
   * `{ ok: false, error }` with a message naming the problem. The transport must have checked the sender first.
   */
  dispatch(key: unknown, payload: unknown, client: ClientConnection): Promise<ResultEnvelope<unknown>>;
  /** Ends every session and closes the database. */
  close(): Promise<void>;
}

export function createCore(_options: CoreOptions): PodtermCore {
  throw new Error('not yet wired');
}
