/**
 * The cluster browser for a namespace-scoped user (issue 15), through the real core against the test API server: the
 * namespaces it may use when the namespace list is forbidden, whether it may exec, and a namespace followed live
 * (chunked list, watch events, a re-list after 410, polling where watching is not allowed).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPodsUpdate, ClusterPodView } from '../../../common/clusters';
import { CLUSTER_PODS_EVENT, type AppEvent } from '../../../common/contract';
import { createClusterBrowser } from '../../../main/core/clusterBrowser';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import {
  startKubeApiServer,
  TEAM_NAMESPACE,
  TEAM_NO_WATCH_NAMESPACE,
  TEAM_READONLY_NAMESPACE,
  type KubeApiServer,
} from '../../harness/kubeApiServer';
import { NO_KUBE_API_SERVER } from '../../harness/skipReasons';
import { waitFor } from '../../harness/wait';

let kube: KubeApiServer | null = null;
let core: TestCore;
let scratch: string;
let kubeconfigFile: string;
const client = new RecordingClient();
const team = { source: 'default', name: 'team' } as const;

beforeAll(async () => {
  kube = await startKubeApiServer({ bookmarkIntervalMs: 200 });
  if (!kube) return;
  scratch = await mkdtemp(join(tmpdir(), 'podterm-scoped-'));
  kubeconfigFile = join(scratch, 'kubeconfig.yaml');
  await writeFile(kubeconfigFile, kube.kubeconfig({ user: 'namespaced', contextName: 'team' }));
  kube.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'team-api-0' });
  kube.changes.addPod({ namespace: TEAM_READONLY_NAMESPACE, name: 'report-0' });
  kube.changes.addPod({ namespace: TEAM_NO_WATCH_NAMESPACE, name: 'lister-0' });
  core = await createTestCore({ KUBECONFIG: kubeconfigFile });
});
afterAll(async () => {
  await core?.cleanup();
  await kube?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Every update pushed for one watch id, in order. */
function updatesOf(events: readonly AppEvent[], watchId: number): ClusterPodsUpdate[] {
  return events.flatMap((event) =>
    event.type === CLUSTER_PODS_EVENT && event.watchId === watchId ? event.updates : [],
  );
}

/** The pods a page holding these updates would show (chunks of the latest list, then the changes). */
function podsShown(updates: readonly ClusterPodsUpdate[]): Map<string, ClusterPodView> {
  let shown = new Map<string, ClusterPodView>();
  let listing: Map<string, ClusterPodView> | null = null;
  for (const update of updates) {
    if (update.kind === 'listStarted') listing = new Map();
    else if (update.kind === 'chunk') for (const pod of update.pods) (listing ?? shown).set(pod.name, pod);
    else if (update.kind === 'listEnded' && listing) [shown, listing] = [listing, null];
    else if (update.kind === 'changes') {
      for (const change of update.changes) {
        if (change.type === 'DELETED') shown.delete(change.pod.name);
        else shown.set(change.pod.name, change.pod);
      }
    }
  }
  return shown;
}

describe('namespace-scoped user', () => {
  it('lists the context namespace when the namespace list is forbidden, and says once why it is partial', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const list = await core.request('clusters.namespaces', { context: team }, client);
    expect(list.namespaces).toEqual([TEAM_NAMESPACE]);
    expect(list.partial).toMatch(/may not list the cluster's namespaces/);
    const pods = await core.request('clusters.pods', { context: team, namespace: TEAM_NAMESPACE }, client);
    expect(pods.map((pod) => pod.name)).toEqual(['team-api-0']);
  });

  it('adds namespaces to show and the records’ namespaces, each only when listing its pods is allowed', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    expect(
      await core.request(
        'clusters.setShownNamespaces',
        { context: team, namespaces: ['prod', TEAM_READONLY_NAMESPACE] },
        client,
      ),
    ).toEqual(['prod', TEAM_READONLY_NAMESPACE]);
    expect(await core.request('clusters.shownNamespaces', { context: team }, client)).toEqual([
      'prod',
      TEAM_READONLY_NAMESPACE,
    ]);
    await core.request(
      'pods.save',
      { fields: { name: 'lister', namespace: TEAM_NO_WATCH_NAMESPACE, podName: 'lister-0', kubeContext: 'team' } },
      client,
    );
    const list = await core.request('clusters.namespaces', { context: team }, client);
    // prod is asked about and left out: team-user may not list pods there.
    expect(list.namespaces).toEqual([TEAM_NAMESPACE, TEAM_NO_WATCH_NAMESPACE, TEAM_READONLY_NAMESPACE]);
    const reviews = kube.requests.filter((request) => request.path.includes('selfsubjectaccessreviews'));
    expect(reviews.length).toBeGreaterThanOrEqual(4);
  });

  it('asks before offering Open: exec allowed in team, refused with the reason in team-readonly, cached', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const reviews = () => kube!.requests.filter((request) => request.path.includes('selfsubjectaccessreviews')).length;
    const before = reviews();
    expect(await core.request('clusters.execAccess', { context: team, namespace: TEAM_NAMESPACE }, client)).toEqual({
      allowed: true,
      reason: null,
    });
    const refused = await core.request(
      'clusters.execAccess',
      { context: team, namespace: TEAM_READONLY_NAMESPACE },
      client,
    );
    expect(refused.allowed).toBe(false);
    expect(refused.reason).toMatch(
      /may not open a shell in namespace "team-readonly" \(create pods\/exec is not allowed\)/,
    );
    expect(refused.reason).toMatch(/SSH details/);
    expect(reviews()).toBe(before + 2);
    await core.request('clusters.execAccess', { context: team, namespace: TEAM_READONLY_NAMESPACE }, client);
    expect(reviews()).toBe(before + 2);
  });

  it('a record that follows a workload, and Refresh, work for such a user (they never needed the namespace list)', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const record = await core.request(
      'pods.save',
      { fields: { name: 'team api', namespace: TEAM_NAMESPACE, labelSelector: 'app=team-api', kubeContext: 'team' } },
      client,
    );
    const refreshed = await core.request('pods.refresh', { id: record.id }, client);
    expect(refreshed).toMatchObject({ found: true, pod: expect.objectContaining({ name: 'team-api-0' }) });
    const { sessionId } = await core.request(
      'sessions.open',
      { podId: record.id, size: { cols: 80, rows: 24 } },
      client,
    );
    const status = await core.connected(client, sessionId);
    expect(status.target).toMatch(/team\/team-api-0/);
    await core.request('sessions.close', { sessionId }, client);
    expect(kube.execRequests.at(-1)).toMatchObject({ namespace: TEAM_NAMESPACE, pod: 'team-api-0', user: 'team-user' });
  });

  it('follows a namespace live: a chunked list, then added, restarted and deleted pods; stops when unwatched', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    kube.changes.addPods(TEAM_NAMESPACE, 5, 'worker');
    const window = new RecordingClient();
    const browser = createClusterBrowser({
      environment: {
        env: { KUBECONFIG: kubeconfigFile },
        homeDir: scratch,
        serviceAccountDir: scratch,
        loginEnv: async () => ({}),
      },
      follow: { chunkSize: 2 },
    });
    const watchId = await browser.watchPods(team, TEAM_NAMESPACE, window);
    const updates = () => updatesOf(window.appEvents, watchId);
    await waitFor('the list and the watch', () =>
      updates().some((update) => update.kind === 'state' && update.mode === 'watching'),
    );
    expect(
      updates()
        .filter((update) => update.kind === 'chunk')
        .map((update) => update.kind === 'chunk' && update.pods.length),
    ).toEqual([2, 2, 2]);
    expect([...podsShown(updates()).keys()].sort()).toEqual([
      'team-api-0',
      'worker-1',
      'worker-2',
      'worker-3',
      'worker-4',
      'worker-5',
    ]);

    kube.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'newcomer' });
    kube.changes.deletePod(TEAM_NAMESPACE, 'worker-1');
    kube.changes.restartPod(TEAM_NAMESPACE, 'worker-2');
    await waitFor('the changes', () => {
      const shown = podsShown(updates());
      return shown.has('newcomer') && !shown.has('worker-1') && shown.get('worker-2')?.restarts === 1;
    });

    // A watch the server ends is resumed from the last version; one whose version was compacted away lists again.
    kube.changes.forgetHistory();
    kube.changes.endWatches();
    kube.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'after-relist' });
    await waitFor(
      'a second list after 410',
      () => updates().filter((update) => update.kind === 'listStarted').length === 2,
    );
    await waitFor('the pod added meanwhile', () => podsShown(updates()).has('after-relist'));
    const watchRequests = kube.requests.filter((request) => request.path.includes('watch=1'));
    expect(watchRequests.at(-1)?.path).toMatch(/allowWatchBookmarks=true/);

    expect(browser.unwatchPods(watchId, window)).toBe(true);
    const count = updates().length;
    kube.changes.addPod({ namespace: TEAM_NAMESPACE, name: 'unseen' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(updates().length).toBe(count);
  });

  it('falls back to periodic lists, and says so, where the user may list but not watch', async (context) => {
    if (!kube) return context.skip(NO_KUBE_API_SERVER);
    const window = new RecordingClient();
    const browser = createClusterBrowser({
      environment: {
        env: { KUBECONFIG: kubeconfigFile },
        homeDir: scratch,
        serviceAccountDir: scratch,
        loginEnv: async () => ({}),
      },
      follow: { pollIntervalMs: 200 },
    });
    const watchId = await browser.watchPods(team, TEAM_NO_WATCH_NAMESPACE, window);
    const updates = () => updatesOf(window.appEvents, watchId);
    await waitFor('the polling state', () =>
      updates().some((update) => update.kind === 'state' && update.mode === 'polling'),
    );
    const polling = updates().find((update) => update.kind === 'state' && update.mode === 'polling');
    expect(polling).toMatchObject({
      message: expect.stringMatching(
        /cannot keep a watch .*403.*cannot watch resource "pods".*listing them again every/,
      ),
    });
    kube.changes.addPod({ namespace: TEAM_NO_WATCH_NAMESPACE, name: 'lister-1' });
    await waitFor('the next periodic list', () => podsShown(updates()).has('lister-1'));
    window.disconnect();
    const count = updates().length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(updates().length).toBe(count);
  });
});
