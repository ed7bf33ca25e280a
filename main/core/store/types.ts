/**
 * The store's public surface: what the rest of main may ask of the database. Repositories hold prepared statements;
 * nothing outside main/core/store writes SQL.
 */
import type { ClusterContextRef } from '../../../common/clusters';
import type { KubeconfigView } from '../../../common/importedKubeconfigs';
import type {
  ConnectionMethod,
  PodFields,
  PodSaveRequest,
  PodSecretName,
  PodStatus,
  PodSummary,
  PodView,
} from '../../../common/pods';
import type { SettingsSaveRequest, TerminalSettings } from '../../../common/settings';

/** A record with its secrets decrypted, for the connect chain only; never sent to the renderer or logged. */
export interface PodConnectRecord extends PodFields {
  id: string;
  /** Every secret the contract names, null when the record holds none. */
  secrets: Record<PodSecretName, string | null>;
}

/** One record of an import: a save, and optionally the id it had where it came from (pods.source_id). */
export type PodImportRequest = PodSaveRequest & { sourceId?: string | null };

export interface PodRepository {
  /**
   * Sorted by name; `query` matches POD_SEARCH_FIELDS (name, namespace, pod name, label selector, context, cluster host,
   * SSH host) as a substring, ASCII letters case-insensitively (common/pods.ts podMatchesSearch is the same rule).
   */
  list(query?: string): PodView[];
  /** The sidebar's list: as `list`, each record cut to what the sidebar shows; only the records `ids` names, if given. */
  summaries(query?: string, ids?: readonly string[]): PodSummary[];
  get(id: string): PodView | null;
  /** Creates (no id) or updates. Throws ContractError('notFound') for an unknown id. */
  save(request: PodSaveRequest): Promise<PodView>;
  delete(id: string): boolean;
  /**
   * The first record (in list order) `isSame` accepts, else a new one from `request`: looked for and written in one
   * transaction, so two calls racing for the same target make one record. Throws as save does.
   */
  findOrCreate(
    request: Omit<PodSaveRequest, 'id'>,
    isSame: (view: PodView) => boolean,
  ): Promise<{ record: PodView; created: boolean }>;
  getForConnect(id: string): Promise<PodConnectRecord | null>;
  /**
   * Writes every request in one transaction, all or nothing (the CLI's `pods import`): a request whose id exists updates
   * that record, one with an unknown id creates it under that id, one without an id creates a new record. Secrets follow
   * save's rules (undefined keeps, null clears). A request without an id but with a sourceId updates the record that
   * came from there, if one did (decided inside the transaction). Returns each request's id and what happened, in order.
   */
  importAll(requests: PodImportRequest[]): Promise<Array<{ id: string; action: 'created' | 'updated' }>>;
  /** The record imported from `sourceId` (pods.source_id), or null. */
  findBySourceId(sourceId: string): PodView | null;
  /** A shell opened: stores when and how, and sets the status to running. */
  recordConnection(id: string, method: ConnectionMethod, at: number): void;
  /** What a Refresh learned (the sidebar's status dot). A deleted record is not an error. */
  recordStatus(id: string, status: PodStatus, detail: string | null, at: number): void;
  /**
   * Names the context of every pasted kubeconfig saved before the store could (migration 0080), so those records too
   * group under their own context. Answers how many it named; one it cannot read or tell is left as it was.
   */
  nameKubeconfigContexts(): Promise<number>;
  /**
   * Copies a record with every field and secret (the ciphertexts, never decrypted) under a new id and the name
   * "<name> (copy)" (or "(copy 2)", … when taken); connection history and status start empty. Null for an unknown id.
   */
  duplicate(id: string): PodView | null;
}

/** SSH host keys the user accepted and asked Podterm to remember (beside ~/.ssh/known_hosts, which is only read). */
export interface KnownHostRepository {
  find(host: string, port: number): Array<{ keyType: string; key: Uint8Array }>;
  remember(host: string, port: number, keyType: string, key: Uint8Array): void;
}

/** Terminal and appearance settings; every read returns the full object, defaults filled in. */
/** Each context's "namespaces to show" (contextNamespaceRepository.ts). */
export interface ContextNamespaceRepository {
  list(ref: ClusterContextRef): string[];
  /** Replaces the context's list; returns it as stored (sorted, without repeats). */
  replace(ref: ClusterContextRef, namespaces: readonly string[]): string[];
}

export interface SettingsRepository {
  get(): TerminalSettings;
  /** Stores the given keys (validated by the contract) in one transaction and returns the full result. */
  save(changes: SettingsSaveRequest): TerminalSettings;
}

/** One context to store, as main/core/kubeconfigImport prepared it: the view's fields the store does not assign. */
export interface NewKubeconfig extends Omit<KubeconfigView, 'id' | 'createdAt'> {
  /** The self-contained kubeconfig; encrypted before it is written. */
  content: string;
}

/** Imported kubeconfig contexts (kubeconfigs table); each row's kubeconfig is SecretBox ciphertext. */
export interface ImportedKubeconfigRepository {
  /** Sorted by name. */
  list(): KubeconfigView[];
  get(id: string): KubeconfigView | null;
  /** The contexts imported from a file name (what a re-import of it replaces). */
  listFile(fileName: string): KubeconfigView[];
  /** The decrypted kubeconfig, for the connect chain only. */
  getContent(id: string): Promise<{ name: string; content: string } | null>;
  /**
   * Stores every entry in one transaction. With `replaces`, that file's stored contexts are replaced: one with the same
   * name in the file keeps its id (records using it keep it), the others are removed.
   */
  importAll(entries: NewKubeconfig[], replaces?: string): Promise<{ imported: KubeconfigView[]; removed: number }>;
  /** Records that used it fall back to no imported kubeconfig (ON DELETE SET NULL). */
  remove(id: string): boolean;
}

export interface Store {
  pods: PodRepository;
  knownHosts: KnownHostRepository;
  importedKubeconfigs: ImportedKubeconfigRepository;
  settings: SettingsRepository;
  contextNamespaces: ContextNamespaceRepository;
  /** The database file's path (":memory:" in some tests). */
  readonly path: string;
  close(): void;
}
