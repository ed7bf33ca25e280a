/**
 * Refresh: the original design's "manage pod" step. Walk the Kubernetes methods in chain order, read the pod with the
 * first access that works, and store what was resolved on the record so later connects (and other machines, through
 * an export) have it. A pod that no longer exists is reported and the record is left exactly as it was.
 */
import type { PodRefreshResult } from '../../../common/contract';
import { CONNECTION_METHOD_LABELS, podSaveSchema, type PodSaveRequest, type PodView } from '../../../common/pods';
import { NoReadyPodError, PodNotFoundError, UnreachableServers } from '../kube/api';
import type { AccessResolver, ResolvedAccess } from '../kube/access';
import { findRecordPod, KUBE_METHODS } from '../connect';
import { statusOfRefresh } from './podStatus';
import type { PodRepository } from '../store';
import { messageOf } from '../../../common/errors';

/** Looks the pod up, then stores what that says about it (the sidebar's status dot); the result carries the record. */
export async function refreshPod(
  id: string,
  pods: PodRepository,
  resolver: AccessResolver,
  now: () => number = Date.now,
): Promise<PodRefreshResult> {
  const failures: unknown[] = [];
  const result = await lookUp(id, pods, resolver, failures, { dryRun: false, update: null });
  const status = statusOfRefresh(result, failures);
  if (!status) return result;
  pods.recordStatus(id, status.status, status.detail, now());
  return { ...result, record: pods.get(id) ?? result.record };
}

/**
 * What a Refresh would store, without storing it or the status (the CLI's `pods backfill --dry-run`, and its
 * sealed-secrets mode, which stores the non-secret part itself). `update` is null when the pod was not found.
 * The update may carry secrets (a kubeconfig, a token): never log it or send it to a renderer.
 */
export async function planRefresh(
  id: string,
  pods: PodRepository,
  resolver: AccessResolver,
): Promise<{ result: PodRefreshResult; update: PodSaveRequest | null }> {
  const plan: RefreshPlan = { dryRun: true, update: null };
  const result = await lookUp(id, pods, resolver, [], plan);
  return { result, update: plan.update };
}

/** Whether lookUp stores what it found, and what that is (filled in by storeAccess). */
interface RefreshPlan {
  dryRun: boolean;
  update: PodSaveRequest | null;
}

async function lookUp(
  id: string,
  pods: PodRepository,
  resolver: AccessResolver,
  failures: unknown[],
  plan: RefreshPlan,
): Promise<PodRefreshResult> {
  const record = await pods.getForConnect(id);
  const view = pods.get(id);
  if (!record || !view) throw new Error(`No pod record with id ${id}; it may have been deleted.`);
  const checked: PodRefreshResult['checked'] = [];
  const result = (found: boolean, message: string, extra: Partial<PodRefreshResult> = {}): PodRefreshResult => ({
    found,
    method: null,
    access: null,
    pod: null,
    message,
    checked,
    record: view,
    ...extra,
  });

  if (!record.podName && !record.labelSelector) {
    return result(
      false,
      'This record has no pod name or label selector, so there is nothing to look up in Kubernetes.',
    );
  }
  const where = record.podName
    ? `${record.namespace}/${record.podName}`
    : `a pod matching ${record.labelSelector} in namespace ${record.namespace}`;
  // As when connecting: a server one method found silent is not waited for again by the next.
  const unreachable = new UnreachableServers();
  for (const method of KUBE_METHODS) {
    let access: ResolvedAccess;
    try {
      const resolution = await resolver.resolve(method, record);
      if ('skip' in resolution) {
        checked.push({ method, outcome: 'skipped', detail: resolution.skip });
        continue;
      }
      access = resolution.access;
      const silent = unreachable.skipReason(access);
      if (silent !== null) {
        checked.push({ method, outcome: 'skipped', detail: silent });
        continue;
      }
    } catch (error) {
      failures.push(error);
      checked.push({ method, outcome: 'failed', detail: messageOf(error) });
      continue;
    }
    try {
      // A selector record reports the pod connecting would pick now.
      const pod = await findRecordPod(access, record);
      const picked = record.podName
        ? where
        : `${record.namespace}/${pod.name} (picked by ${record.labelSelector}; ${'matched' in pod ? pod.matched : 1} matching)`;
      checked.push({ method, outcome: 'found', detail: `${pod.phase} via ${access.description}` });
      const stored = await storeAccess(view, access, pods, plan);
      const containers = pod.containers.join(', ');
      return result(
        true,
        `Found ${picked}: ${pod.phase}, container${pod.containers.length === 1 ? '' : 's'} ${containers}` +
          `${pod.defaultContainer ? ` (default ${pod.defaultContainer})` : ''}, via ${access.description}.`,
        { method, access: access.description, pod, record: stored },
      );
    } catch (error) {
      if (error instanceof NoReadyPodError) {
        checked.push({ method, outcome: 'notFound', detail: error.message });
        return result(false, `${error.message} The record is unchanged.`, { method, access: access.description });
      }
      if (error instanceof PodNotFoundError) {
        checked.push({ method, outcome: 'notFound', detail: error.message });
        return result(
          false,
          `Pod ${where} no longer exists (${CONNECTION_METHOD_LABELS[method]}: ${access.description}). The record is unchanged; edit its pod name if the pod was replaced.`,
          { method, access: access.description },
        );
      }
      unreachable.note(access, method, error);
      failures.push(error);
      checked.push({ method, outcome: 'failed', detail: messageOf(error) });
    }
  }
  const tried = checked.filter((entry) => entry.outcome === 'failed');
  return result(
    false,
    tried.length === 0
      ? 'No Kubernetes access is configured for this record: add a kubeconfig, a cluster host and token, or a default kubeconfig.'
      : `Could not read ${where}: ${tried.map((entry) => `${CONNECTION_METHOD_LABELS[entry.method]}: ${entry.detail}`).join('; ')}`,
  );
}

/**
 * Stores the cluster host always, and the credentials only where they came from the machine rather than the record:
 * the default kubeconfig's context (flattened to one self-contained kubeconfig) or the environment's token. In-cluster
 * service-account tokens rotate, so they are not copied.
 */
async function storeAccess(
  view: PodView,
  access: ResolvedAccess,
  pods: PodRepository,
  plan: RefreshPlan,
): Promise<PodView> {
  const {
    id,
    storedSecrets: _storedSecrets,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    lastConnectedAt: _lastConnectedAt,
    lastConnectionMethod: _lastConnectionMethod,
    lastStatus: _lastStatus,
    lastStatusAt: _lastStatusAt,
    lastStatusDetail: _lastStatusDetail,
    ...fields
  } = view;
  const secrets: Record<string, string> = {};
  if (access.method === 'defaultKubeconfig' && access.kubeconfigText) secrets.kubeconfig = access.kubeconfigText;
  if (access.method === 'token' && access.token && !view.storedSecrets.token) secrets.token = access.token;
  const parsed = podSaveSchema.safeParse({ id, fields: { ...fields, clusterHost: access.server }, secrets });
  // A server URL the record's schema would refuse (it should not happen) is not worth failing the refresh over.
  if (!parsed.success) return view;
  plan.update = parsed.data;
  return plan.dryRun ? view : pods.save(parsed.data);
}
