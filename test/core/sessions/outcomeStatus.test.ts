/**
 * Every outcome of a connection becomes the record's status (the sidebar's dot, as the README's legend reads), and every
 * window is told at once (a podsChanged app event), against the real test API server: opened, refused credentials,
 * pod gone, pod finished, server unreachable, and a shell whose connection was lost. Also the app events other requests
 * push to every window: a kubeconfig imported or removed through one window reaches the others.
 */
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodFieldsInput, PodSecretsInput } from '../../../common/pods';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kubeApiServer';
import { missingServer } from '../../harness/skipReasons';

let kube: KubeApiServer | null = null;
let core: TestCore;

beforeAll(async () => {
  kube = await startKubeApiServer();
  core = await createTestCore();
});
afterAll(async () => {
  await core?.cleanup();
  await kube?.stop();
});

const skipReason = () => missingServer({ kube });

/** A record that reaches the test API server by token auth only. */
async function tokenRecord(fields: Partial<PodFieldsInput>, secrets: PodSecretsInput = {}) {
  return core.request('pods.save', {
    fields: { name: `record ${Math.random()}`, clusterHost: kube!.url, clusterCaData: kube!.caPem, ...fields },
    secrets: { token: kube!.users.token.token, ...secrets },
  });
}

/** Opens a session from `opener`, waits for it to connect or end; `watcher` is another window. */
async function connectOnce(podId: string, opener = new RecordingClient()) {
  const { sessionId } = await core.request('sessions.open', { podId, size: { cols: 80, rows: 24 } }, opener);
  const settled = await core.settle(opener, sessionId, { timeoutMs: 20_000 });
  return { opener, sessionId, ...settled };
}

const statusOf = async (id: string) => {
  const view = await core.request('pods.get', { id });
  return [view.lastStatus, view.lastStatusDetail] as const;
};

describe('the status a connection leaves on its record', () => {
  it('a shell that opened is running, and the other window hears of it', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const record = await tokenRecord({ podName: 'shell-pod' });
    const watcher = new RecordingClient();
    await core.request('app.info', {}, watcher);
    const { end } = await connectOnce(record.id);
    expect(end).toBeUndefined();
    expect(await statusOf(record.id)).toEqual(['running', 'a shell opened']);
    // It names the record, so a sidebar re-reads that one alone.
    await watcher.waitFor(() => watcher.appEvents.some((event) => event.type === 'podsChanged'));
    expect(watcher.appEvents).toContainEqual({ type: 'podsChanged', podIds: [record.id] });
  });

  it('refused credentials after a green dot: red "error" with the reason, not green any more', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const record = await tokenRecord({ podName: 'shell-pod' });
    await connectOnce(record.id);
    expect((await statusOf(record.id))[0]).toBe('running');
    await core.request('pods.save', {
      id: record.id,
      fields: { ...pickFields(await core.request('pods.get', { id: record.id })) },
      secrets: { token: 'not-a-token-the-server-knows' },
    });
    const watcher = new RecordingClient();
    await core.request('app.info', {}, watcher);
    const before = watcher.appEvents.length;
    const { end } = await connectOnce(record.id);
    expect(end?.end.kind).toBe('failed');
    const [status, detail] = await statusOf(record.id);
    expect(status).toBe('error');
    expect(detail).toMatch(/401|credentials/);
    expect(watcher.appEvents.slice(before)).toContainEqual({ type: 'podsChanged', podIds: [record.id] });
  });

  it('a pod the API server does not know is grey "gone"', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const record = await tokenRecord({ podName: 'no-such-pod' });
    await connectOnce(record.id);
    const [status, detail] = await statusOf(record.id);
    expect(status).toBe('gone');
    expect(detail).toMatch(/no-such-pod/);
  });

  it('a finished pod is amber "not ready", saying it finished', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const record = await tokenRecord({ podName: 'finished' });
    const { end } = await connectOnce(record.id);
    expect(end?.end).toMatchObject({ kind: 'failed', message: expect.stringMatching(/running pod/) });
    expect(await statusOf(record.id)).toEqual(['notReady', 'Succeeded: the pod has finished']);
  });

  it('a server that refuses the connection is red "unreachable"', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const closedPort = await freePort();
    const record = await tokenRecord({ podName: 'shell-pod', clusterHost: `https://127.0.0.1:${closedPort}` });
    await connectOnce(record.id);
    expect((await statusOf(record.id))[0]).toBe('unreachable');
  });

  it('a shell whose connection is lost is red "unreachable" (connection lost), not green', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const record = await tokenRecord({ podName: 'shell-pod' });
    const { opener, sessionId, end } = await connectOnce(record.id);
    expect(end).toBeUndefined();
    expect((await statusOf(record.id))[0]).toBe('running');
    kube!.dropConnections();
    const lost = await opener.waitFor(() => opener.endOf(sessionId));
    expect(lost.end.kind).toBe('lost');
    const [status, detail] = await statusOf(record.id);
    expect(status).toBe('unreachable');
    expect(detail).toMatch(/^connection lost: /);
  });
});

describe('app events every window hears', () => {
  it('a kubeconfig imported through one window, then removed, reaches another window each time', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const importer = new RecordingClient();
    const other = new RecordingClient();
    await core.request('app.info', {}, importer);
    await core.request('app.info', {}, other);
    const files = [{ fileName: 'events.yaml', text: kube!.kubeconfig({ user: 'token', contextName: 'events' }) }];
    const { imported } = await core.request('kubeconfigs.import', { files, selected: [['events']] }, importer);
    await other.waitFor(() => other.appEvents.some((event) => event.type === 'kubeconfigsChanged'));
    expect(importer.appEvents).toContainEqual({ type: 'kubeconfigsChanged' });

    const seen = other.appEvents.length;
    await core.request('kubeconfigs.remove', { id: imported[0]!.id }, importer);
    await other.waitFor(() => other.appEvents.length >= seen + 2);
    expect(other.appEvents.slice(seen)).toEqual([{ type: 'kubeconfigsChanged' }, { type: 'podsChanged' }]);
  });

  it('a request that fails changes nothing and pushes nothing; a window that closed hears no more', async (context) => {
    if (skipReason()) return context.skip(skipReason()!);
    const other = new RecordingClient();
    await core.request('app.info', {}, other);
    const reply = await core.core.dispatch('kubeconfigs.remove', { id: 'not-an-id' }, new RecordingClient());
    expect(reply.ok).toBe(false);
    const record = await tokenRecord({ podName: 'shell-pod' });
    expect(other.appEvents).toContainEqual({ type: 'podsChanged' });
    other.disconnect();
    const seen = other.appEvents.length;
    await core.request('pods.delete', { id: record.id });
    expect(other.appEvents.length).toBe(seen);
  });
});

function pickFields(view: Awaited<ReturnType<typeof core.request<'pods.get'>>>): PodFieldsInput {
  const { name, podName, namespace, clusterHost, clusterCaData } = view;
  return { name, podName, namespace, clusterHost, clusterCaData };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
