/**
 * `pods backfill`: the original design's update script. For each Kubernetes record missing its cluster host or its
 * credentials (a kubeconfig, a token, or an imported context), resolve them through the access chain the way Refresh
 * does (main/core/pods/refresh.ts planRefresh) and store them. A record that cannot be resolved is reported and untouched.
 */
import { homedir } from 'node:os';
import {
  POD_FIELD_NAMES,
  POD_SECRET_NAMES,
  type PodFields,
  type PodSaveRequest,
  type PodView,
} from '../../common/pods';
import {
  createAccessResolver,
  DEFAULT_SERVICE_ACCOUNT_DIR,
  planRefresh,
  type PodConnectRecord,
  type PodRepository,
  SecretBoxError,
} from '../core';
import type { OpenedDatabase } from './database';
import { messageOf } from '../../common/errors';

export interface BackfillLine {
  name: string;
  /** "updated" (or "would update" in a dry run), "unresolved", "complete", "notKubernetes". */
  outcome: 'updated' | 'unresolved' | 'complete' | 'notKubernetes';
  detail: string;
}

/** What a record lacks, for people; empty when it has a cluster host and some credentials. */
function missingParts(view: PodView): string[] {
  const missing: string[] = [];
  if (!view.clusterHost) missing.push('cluster host');
  if (!view.storedSecrets.kubeconfig && !view.storedSecrets.token && !view.kubeconfigId) {
    missing.push('kubeconfig/token');
  }
  return missing;
}

export async function backfill(
  database: OpenedDatabase,
  options: { dryRun: boolean; env: NodeJS.ProcessEnv },
): Promise<BackfillLine[]> {
  const resolver = createAccessResolver(
    {
      env: options.env,
      homeDir: homedir(),
      serviceAccountDir: DEFAULT_SERVICE_ACCOUNT_DIR,
      // Run from a terminal, the CLI already has the login shell's environment (the app, started by a launcher, does not).
      loginEnv: async () => options.env,
    },
    // A record linked to an imported context is looked up through that context (a sealed database's import cannot be
    // read, so such a record stays unresolved), never through the default kubeconfig's current context.
    { importedKubeconfigs: database.store.importedKubeconfigs },
  );
  const pods = database.sealed ? withoutSealedSecrets(database.store.pods) : database.store.pods;
  const lines: BackfillLine[] = [];
  for (const view of database.store.pods.list()) {
    const label = view.podName
      ? `${view.namespace}/${view.podName}`
      : view.labelSelector
        ? `${view.namespace}/[${view.labelSelector}]`
        : null;
    const name = label ? `${view.name} (${label})` : view.name;
    if (!label) {
      lines.push({ name, outcome: 'notKubernetes', detail: 'SSH only: no pod name or label selector' });
      continue;
    }
    const missing = missingParts(view);
    if (missing.length === 0) {
      lines.push({ name, outcome: 'complete', detail: 'has a cluster host and credentials' });
      continue;
    }
    try {
      const { result, update } = await planRefresh(view.id, pods, resolver);
      if (!update) {
        lines.push({ name, outcome: 'unresolved', detail: `missing ${missing.join(', ')}; ${result.message}` });
        continue;
      }
      const { request, changes, notStored } = changesOf(view, update, database.sealed, result.access);
      if (changes.length === 0) {
        lines.push({
          name,
          outcome: 'unresolved',
          detail: `found via ${result.access ?? 'Kubernetes'}, but that gives nothing to store${notStored}`,
        });
        continue;
      }
      if (!options.dryRun) await database.store.pods.save(request);
      lines.push({
        name,
        outcome: 'updated',
        detail: `${options.dryRun ? 'would set' : 'set'} ${changes.join(', ')}${notStored}`,
      });
    } catch (error) {
      const message = messageOf(error);
      lines.push({ name, outcome: 'unresolved', detail: `missing ${missing.join(', ')}; ${message}` });
    }
  }
  return lines;
}

/** What the update changes on the record, in words (never the secret values), minus the secrets a sealed store keeps. */
function changesOf(
  view: PodView,
  update: PodSaveRequest,
  sealed: boolean,
  access: string | null,
): { request: PodSaveRequest; changes: string[]; notStored: string } {
  const changes: string[] = [];
  if (update.fields.clusterHost && update.fields.clusterHost !== view.clusterHost) {
    changes.push(`cluster host ${update.fields.clusterHost}`);
  }
  const secretNames = (['kubeconfig', 'token'] as const).filter((name) => typeof update.secrets[name] === 'string');
  if (sealed) {
    const notStored = secretNames.length
      ? ` (the ${secretNames.join(' and ')} found via ${access ?? 'Kubernetes'} was NOT stored: secrets in this ` +
        "database are sealed by the desktop app's OS keychain; use Refresh in the app to store it)"
      : '';
    // Keep semantics: no secret key in the request leaves every stored secret exactly as it is.
    return { request: { ...update, secrets: {} }, changes, notStored };
  }
  for (const name of secretNames) changes.push(`${name} (from ${access ?? 'Kubernetes'})`);
  return { request: update, changes, notStored: '' };
}

/**
 * The pod repository as the resolver sees a desktop record: its fields, and no secrets (they are sealed), so the
 * machine's own access (default kubeconfig, environment token, in-cluster config) can still be tried. The fields keep
 * the record's link to an imported context, so the resolver still aims every method at that context's cluster.
 */
function withoutSealedSecrets(pods: PodRepository): PodRepository {
  const wrapped = Object.create(pods) as PodRepository;
  wrapped.getForConnect = async (id) => {
    try {
      return await pods.getForConnect(id);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      const view = pods.get(id);
      if (!view) return null;
      const fields = Object.fromEntries(POD_FIELD_NAMES.map((name) => [name, view[name]])) as PodFields;
      const record: PodConnectRecord = {
        id: view.id,
        ...fields,
        secrets: Object.fromEntries(POD_SECRET_NAMES.map((name) => [name, null])) as PodConnectRecord['secrets'],
      };
      return record;
    }
  };
  return wrapped;
}
