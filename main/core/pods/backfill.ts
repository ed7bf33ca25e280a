/**
 * Backfill, one record at a time: the original design's update script, behind the CLI's `pods backfill` and the app's
 * Refresh all. A Kubernetes record missing its cluster host or its credentials (a kubeconfig, a token, or an imported
 * context) is looked up the way Refresh looks it up (planRefresh) and what was resolved is stored; a record that
 * cannot be resolved is reported with why and left untouched.
 */
import {
  POD_FIELD_NAMES,
  POD_SECRET_NAMES,
  type PodFields,
  type PodSaveRequest,
  type PodView,
} from '../../../common/pods';
import type { BackfillLine, BackfillOutcome } from '../../../common/records';
import type { PodRefreshResult } from '../../../common/contract';
import { messageOf } from '../../../common/errors';
import { SecretBoxError } from '../secrets';
import type { PodConnectRecord, PodRepository } from '../store';

export type { BackfillLine, BackfillOutcome };

/** What Refresh would store for a record, without storing it (refresh.ts planRefresh / planRefreshWith). */
export type RefreshPlanner = (id: string) => Promise<{ result: PodRefreshResult; update: PodSaveRequest | null }>;

export interface BackfillOptions {
  /** Report what would change; write nothing. */
  dryRun: boolean;
  /** The database's secrets cannot be written here (sealed by the desktop app's keychain): store the rest only. */
  sealed: boolean;
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

/** The record's label in reports: "name (namespace/pod)". */
export function backfillName(view: PodView): string {
  const target = view.podName
    ? `${view.namespace}/${view.podName}`
    : view.labelSelector
      ? `${view.namespace}/[${view.labelSelector}]`
      : null;
  return target ? `${view.name} (${target})` : view.name;
}

/** Backfills one record; never throws for a lookup that fails (that is an "unresolved" line with the reason). */
export async function backfillRecord(
  view: PodView,
  pods: Pick<PodRepository, 'save'>,
  plan: RefreshPlanner,
  options: BackfillOptions,
): Promise<BackfillLine> {
  const name = backfillName(view);
  const line = (outcome: BackfillOutcome, detail: string): BackfillLine => ({ id: view.id, name, outcome, detail });
  if (!view.podName && !view.labelSelector) return line('notKubernetes', 'SSH only: no pod name or label selector');
  const missing = missingParts(view);
  if (missing.length === 0) return line('complete', 'has a cluster host and credentials');
  try {
    const { result, update } = await plan(view.id);
    if (!update) return line('unresolved', `missing ${missing.join(', ')}; ${result.message}`);
    const { request, changes, notStored } = changesOf(view, update, options.sealed, result.access);
    if (changes.length === 0) {
      return line(
        'unresolved',
        `found via ${result.access ?? 'Kubernetes'}, but that gives nothing to store${notStored}`,
      );
    }
    if (!options.dryRun) await pods.save(request);
    return line('updated', `${options.dryRun ? 'would set' : 'set'} ${changes.join(', ')}${notStored}`);
  } catch (error) {
    return line('unresolved', `missing ${missing.join(', ')}; ${messageOf(error)}`);
  }
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
export function withoutSealedSecrets(pods: PodRepository): PodRepository {
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
