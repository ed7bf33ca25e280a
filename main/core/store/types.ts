/**
 * The store's public surface: what the rest of main may ask of the database. Repositories hold prepared statements;
 * nothing outside main/core/store writes SQL.
 */
import type { ConnectionMethod, PodFields, PodSaveRequest, PodView } from '../../../common/pods';
import type { SettingsSaveRequest, TerminalSettings } from '../../../common/settings';

/** A record with its secrets decrypted, for the connect chain only; never sent to the renderer or logged. */
export interface PodConnectRecord extends PodFields {
  id: string;
  secrets: {
    kubeconfig: string | null;
    token: string | null;
    sshPassword: string | null;
    sshPrivateKey: string | null;
    sshPassphrase: string | null;
  };
}

export interface PodRepository {
  /** Sorted by name; `query` matches name, namespace, pod name, context, cluster host and SSH host, case-insensitively. */
  list(query?: string): PodView[];
  get(id: string): PodView | null;
  /** Creates (no id) or updates. Throws ContractError('notFound') for an unknown id. */
  save(request: PodSaveRequest): Promise<PodView>;
  delete(id: string): boolean;
  getForConnect(id: string): Promise<PodConnectRecord | null>;
  recordConnection(id: string, method: ConnectionMethod, at: number): void;
}

/** SSH host keys the user accepted and asked Podterm to remember (beside ~/.ssh/known_hosts, which is only read). */
export interface KnownHostRepository {
  find(host: string, port: number): Array<{ keyType: string; key: Uint8Array }>;
  remember(host: string, port: number, keyType: string, key: Uint8Array): void;
}

/** Terminal and appearance settings; every read returns the full object, defaults filled in. */
export interface SettingsRepository {
  get(): TerminalSettings;
  /** Stores the given keys (validated by the contract) in one transaction and returns the full result. */
  save(changes: SettingsSaveRequest): TerminalSettings;
}

export interface Store {
  pods: PodRepository;
  knownHosts: KnownHostRepository;
  settings: SettingsRepository;
  /** The database file's path (":memory:" in some tests). */
  readonly path: string;
  close(): void;
}
