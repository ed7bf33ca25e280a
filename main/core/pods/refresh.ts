/**
 * Refresh: the original design's "manage pod" step. Walk the chain's Kubernetes methods in order, each looking the pod
 * up as it would before opening a shell (connect/kubeMethod.ts lookUp), and store what the first that reads it resolved
 * on the record so later connects (and other machines, through an export) have it. A pod that no longer exists is
 * reported and the record is left exactly as it was.
 */
import { ContractError, type PodRefreshResult } from '../../../common/contract';
import { methodName, podSaveSchema, type PodSaveRequest, type PodView } from '../../../common/pods';
import { NoReadyPodError, PodNotFoundError } from '../kube/api';
import type { AccessResolver, ResolvedAccess } from '../kube/access';
import { kubeMethods, newChainRun, recordScrubber, type KubeMethodHandler } from '../connect';
import { statusOfRefresh } from './podStatus';
import type { PodRepository } from '../store';

/** What looking a record's pod up found, before anything is stored. */
interface RefreshLookup {
  /** The record in it is the record as it was. */
  result: PodRefreshResult;
  /**
   * What Refresh stores: the cluster host, and credentials that came from the machine (storeableAccess). Null when the
   * pod was not found. May carry secrets (a kubeconfig, a token): never log it or send it to a renderer.
   */
  update: PodSaveRequest | null;
  /** What each failed method threw, for the status dot (unreachable or error). */
  failures: unknown[];
}

/**
 * Looks the pod up with the chain's Kubernetes methods, stores what was resolved and what that says about the pod (the
 * sidebar's status dot); the result carries the record as stored. ContractError('notFound') for an unknown id.
 */
export async function refreshPod(
  id: string,
  pods: PodRepository,
  methods: readonly KubeMethodHandler[],
  now: () => number = Date.now,
): Promise<PodRefreshResult> {
  const { result, update, failures } = await lookUp(id, pods, methods);
  const stored = update ? await pods.save(update) : result.record;
  const status = statusOfRefresh(result, failures);
  if (!status) return { ...result, record: stored };
  pods.recordStatus(id, status.status, status.detail, now());
  return { ...result, record: pods.get(id) ?? stored };
}

/**
 * What a Refresh would store, without storing it or the status (the CLI's `pods backfill --dry-run`, and its
 * sealed-secrets mode, which stores the non-secret part itself), looked up with the Kubernetes methods built on
 * `resolver`. `update` is null when the pod was not found; it may carry secrets: never log it or send it to a renderer.
 */
export async function planRefresh(
  id: string,
  pods: PodRepository,
  resolver: AccessResolver,
): Promise<{ result: PodRefreshResult; update: PodSaveRequest | null }> {
  return planRefreshWith(id, pods, kubeMethods({ resolver }));
}

/** planRefresh with the Kubernetes methods already built (the app's, which share its exec credential cache). */
export async function planRefreshWith(
  id: string,
  pods: PodRepository,
  methods: readonly KubeMethodHandler[],
): Promise<{ result: PodRefreshResult; update: PodSaveRequest | null }> {
  const { result, update } = await lookUp(id, pods, methods);
  return { result, update };
}

async function lookUp(id: string, pods: PodRepository, methods: readonly KubeMethodHandler[]): Promise<RefreshLookup> {
  const view = pods.get(id);
  const record = view && (await pods.getForConnect(id));
  if (!view || !record) throw new ContractError('notFound', `No pod record with id ${id}; it may have been deleted.`);
  const checked: PodRefreshResult['checked'] = [];
  const failures: unknown[] = [];
  const answer = (found: boolean, message: string, extra: Partial<PodRefreshResult> = {}): PodRefreshResult => ({
    found,
    method: null,
    access: null,
    pod: null,
    message,
    checked,
    record: view,
    ...extra,
  });
  const nothingFound = (message: string, extra: Partial<PodRefreshResult> = {}): RefreshLookup => ({
    result: answer(false, message, extra),
    update: null,
    failures,
  });

  if (!record.podName && !record.labelSelector) {
    return nothingFound('This record has no pod name or label selector, so there is nothing to look up in Kubernetes.');
  }
  const where = record.podName
    ? `${record.namespace}/${record.podName}`
    : `a pod matching ${record.labelSelector} in namespace ${record.namespace}`;
  // As when connecting: a server one method found silent is not waited for again by the next.
  const run = newChainRun();
  // Every detail below ends up in the Refresh text, `pods list --json` and the database: none may carry a secret.
  const scrubber = recordScrubber(record);
  for (const handler of methods) {
    const { method } = handler;
    // Named as the attempt log names it (connect.ts): an imported context by its name, not "pod's kubeconfig".
    const label = handler.labelFor?.(record) ?? null;
    const named = label === null ? {} : { label };
    const lookup = await handler.lookUp(record, run);
    if (lookup.outcome === 'skipped') {
      checked.push({ method, ...named, outcome: 'skipped', detail: scrubber.scrub(lookup.detail) });
      continue;
    }
    if (lookup.outcome === 'found') {
      const { access, pod } = lookup;
      // A selector record reports the pod connecting would pick now.
      const picked = record.podName
        ? where
        : `${record.namespace}/${pod.name} (picked by ${record.labelSelector}; ${pod.matched ?? 1} matching)`;
      checked.push({ method, ...named, outcome: 'found', detail: `${pod.phase} via ${access.description}` });
      const containers = pod.containers.join(', ');
      const message =
        `Found ${picked}: ${pod.phase}, container${pod.containers.length === 1 ? '' : 's'} ${containers}` +
        `${pod.defaultContainer ? ` (default ${pod.defaultContainer})` : ''}, via ${access.description}.`;
      return {
        result: answer(true, message, { method, access: access.description, pod }),
        update: storeableAccess(view, access),
        failures,
      };
    }
    const { access, error } = lookup;
    // The server answered that the pod is not there: an answer, not a failure to try the next method over.
    const detail = scrubber.messageOf(error);
    if (access && error instanceof NoReadyPodError) {
      checked.push({ method, ...named, outcome: 'notFound', detail });
      return nothingFound(`${detail} The record is unchanged.`, { method, access: access.description });
    }
    if (access && error instanceof PodNotFoundError) {
      checked.push({ method, ...named, outcome: 'notFound', detail });
      return nothingFound(
        `Pod ${where} no longer exists (${methodName({ method, label })}: ${access.description}). The record is unchanged; edit its pod name if the pod was replaced.`,
        { method, access: access.description },
      );
    }
    failures.push(error);
    checked.push({ method, ...named, outcome: 'failed', detail });
  }
  const tried = checked.filter((entry) => entry.outcome === 'failed');
  return nothingFound(
    tried.length === 0
      ? 'No Kubernetes access is configured for this record: add a kubeconfig, a cluster host and token, or a default kubeconfig.'
      : `Could not read ${where}: ${tried.map((entry) => `${methodName(entry)}: ${entry.detail}`).join('; ')}`,
  );
}

/**
 * The save that stores the cluster host always, and the credentials only where they came from the machine rather than
 * the record: the default kubeconfig's context (flattened to one self-contained kubeconfig) or the environment's token.
 * In-cluster service-account tokens rotate, so they are not copied. Null when there is nothing it may store.
 */
function storeableAccess(view: PodView, access: ResolvedAccess): PodSaveRequest | null {
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
    kubeconfigContext: _kubeconfigContext,
    sourceId: _sourceId,
    ...fields
  } = view;
  const secrets: Record<string, string> = {};
  if (access.method === 'defaultKubeconfig' && access.kubeconfigText) secrets.kubeconfig = access.kubeconfigText;
  if (access.method === 'token' && access.token && !view.storedSecrets.token) secrets.token = access.token;
  const parsed = podSaveSchema.safeParse({ id, fields: { ...fields, clusterHost: access.server }, secrets });
  // A server URL the record's schema would refuse (it should not happen) is not worth failing the refresh over.
  return parsed.success ? parsed.data : null;
}
