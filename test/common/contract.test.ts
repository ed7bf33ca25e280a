import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodView } from '../../common/pods';
import { createTestCore, RecordingClient, type TestCore } from '../harness/core';

let harness: TestCore;
const client = new RecordingClient();

beforeAll(async () => {
  harness = await createTestCore();
});
afterAll(async () => {
  await harness?.cleanup();
});

const validPod = {
  fields: { name: 'api', namespace: 'prod', podName: 'api-7d9f', sshHost: '127.0.0.1', sshUser: 'root' },
  secrets: { token: 'tok-123' },
};

describe('contract validation at the core', () => {
  it('rejects an unknown request key', async () => {
    const reply = await harness.core.dispatch('pods.drop', {}, client);
    expect(reply).toEqual({ ok: false, error: { code: 'unknownRequest', message: 'Unknown request "pods.drop".' } });
  });

  it('names every bad field of an invalid pod, and stores nothing', async () => {
    const reply = await harness.core.dispatch(
      'pods.save',
      { fields: { name: '', namespace: 'Prod_NS', sshHost: 'h', sshPort: 70000 }, secrets: {} },
      client,
    );
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalidPayload');
    expect(reply.error.fieldErrors).toMatchObject({
      'fields.name': 'give the record a name',
      'fields.namespace': expect.stringContaining('lowercase'),
      'fields.sshPort': 'between 1 and 65535',
    });
    expect(reply.error.message).toMatch(/^Invalid pods.save payload: fields.name: give the record a name/);
    expect(await harness.core.dispatch('pods.list', {}, client)).toEqual({ ok: true, result: [] });
  });

  it('rejects fields the contract does not know (strict schemas)', async () => {
    const reply = await harness.core.dispatch('pods.list', { query: 'x', sql: 'drop table pods' }, client);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalidPayload' } });
    if (!reply.ok) expect(reply.error.message).toContain('sql');
  });

  it('rejects out-of-range terminal sizes and malformed ids', async () => {
    const badSize = await harness.core.dispatch(
      'sessions.open',
      { podId: '00000000-0000-4000-8000-000000000000', size: { cols: 0, rows: 5000 } },
      client,
    );
    expect(badSize).toMatchObject({ ok: false, error: { code: 'invalidPayload' } });
    if (!badSize.ok) {
      expect(badSize.error.fieldErrors?.['size.cols']).toBe('cols must be at least 1');
      expect(badSize.error.fieldErrors?.['size.rows']).toBe('rows must be at most 1000');
    }
    const badId = await harness.core.dispatch('pods.get', { id: '../../etc/passwd' }, client);
    expect(badId).toMatchObject({
      ok: false,
      error: { code: 'invalidPayload', fieldErrors: { id: 'not a pod record id' } },
    });
    expect(await harness.core.dispatch('pods.get', 'not an object', client)).toMatchObject({ ok: false });
  });

  it('saves, lists, gets and deletes a valid record, never returning secrets', async () => {
    const saved = await harness.core.dispatch('pods.save', validPod, client);
    expect(saved.ok).toBe(true);
    const pod = (saved as { result: PodView }).result;
    expect(pod).toMatchObject({ name: 'api', namespace: 'prod', sshPort: 22, storedSecrets: { token: true } });
    expect(JSON.stringify(pod)).not.toContain('tok-123');
    expect(await harness.core.dispatch('pods.list', { query: 'API' }, client)).toMatchObject({
      ok: true,
      result: [{ id: pod.id }],
    });
    expect(await harness.core.dispatch('pods.delete', { id: pod.id }, client)).toEqual({
      ok: true,
      result: { deleted: true },
    });
    expect(await harness.core.dispatch('pods.get', { id: pod.id }, client)).toMatchObject({
      ok: false,
      error: { code: 'notFound' },
    });
  });

  it('refuses to open a session for a record that does not exist', async () => {
    const reply = await harness.core.dispatch(
      'sessions.open',
      { podId: '00000000-0000-4000-8000-000000000000', size: { cols: 80, rows: 24 } },
      client,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'notFound' } });
  });

  it('reports a record with nothing to connect with as a failed session, keeping the record', async () => {
    const saved = await harness.request('pods.save', { fields: { name: 'k8s only', podName: 'web-1' } }, client);
    const { sessionId } = await harness.request(
      'sessions.open',
      { podId: saved.id, size: { cols: 80, rows: 24 } },
      client,
    );
    const end = await client.waitFor(() => client.endOf(sessionId));
    expect(end).toMatchObject({ end: { kind: 'failed' } });
    expect(await harness.core.dispatch('pods.get', { id: saved.id }, client)).toMatchObject({ ok: true });
  });
});
