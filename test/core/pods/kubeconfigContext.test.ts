/**
 * A record with a pasted kubeconfig carries the name of the context that kubeconfig uses (chosen as the connect chain
 * chooses it), so the sidebar groups it there and not under "current context". Saved, kept, changed and cleared with
 * the kubeconfig, and copied by Duplicate; the kubeconfig itself stays sealed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { podSaveSchema } from '../../../common/pods';
import { DATABASE_FILE_NAME, openStore } from '../../../main/core';
import { createTestCore, RecordingClient, type TestCore } from '../../harness/core';
import { openDataDirKey } from '../../harness/dataDir';

let core: TestCore;
beforeAll(async () => {
  core = await createTestCore();
});
afterAll(() => core.cleanup());

/** A two-context kubeconfig; `current` is its current-context. */
function kubeconfig(current: string): string {
  const context = (name: string, server: string) => ({ name, server });
  const contexts = [context('kind-dev', 'https://10.0.0.1:6443'), context('kind-prod', 'https://10.0.0.2:6443')];
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${current}`,
    'clusters:',
    ...contexts.flatMap((entry) => [`- name: ${entry.name}`, '  cluster:', `    server: ${entry.server}`]),
    'users:',
    '- name: me',
    '  user:',
    '    token: abc',
    'contexts:',
    ...contexts.flatMap((entry) => [
      `- name: ${entry.name}`,
      '  context:',
      `    cluster: ${entry.name}`,
      '    user: me',
    ]),
  ].join('\n');
}

it("names the pasted kubeconfig's context: its current context, or the one serving the record's cluster host", async () => {
  const record = await core.request('pods.save', {
    fields: { name: 'pasted', podName: 'web-0' },
    secrets: { kubeconfig: kubeconfig('kind-dev') },
  });
  expect(record.kubeconfigContext).toBe('kind-dev');

  // Saving other fields keeps the kubeconfig, and its context with it.
  const renamed = await core.request('pods.save', { id: record.id, fields: { name: 'pasted 2', podName: 'web-0' } });
  expect(renamed.kubeconfigContext).toBe('kind-dev');

  const byHost = await core.request('pods.save', {
    id: record.id,
    fields: { name: 'pasted 2', podName: 'web-0', clusterHost: 'https://10.0.0.2:6443' },
    secrets: { kubeconfig: kubeconfig('kind-dev') },
  });
  expect(byHost.kubeconfigContext).toBe('kind-prod');

  const copy = await core.request('pods.duplicate', { id: record.id });
  expect(copy.kubeconfigContext).toBe('kind-prod');

  const cleared = await core.request('pods.save', {
    id: record.id,
    fields: { name: 'pasted 2', podName: 'web-0' },
    secrets: { kubeconfig: null },
  });
  expect(cleared.kubeconfigContext).toBeNull();
});

it('a kubeconfig whose context cannot be told is refused at save; one stored before that keeps no context name', async () => {
  const refused = await core.core.dispatch(
    'pods.save',
    { fields: { name: 'no current', podName: 'web-0' }, secrets: { kubeconfig: kubeconfig('missing-context') } },
    new RecordingClient(),
  );
  expect(refused).toMatchObject({
    ok: false,
    error: {
      fieldErrors: {
        'secrets.kubeconfig': expect.stringMatching(/current context "missing-context" is not defined in the pasted/),
      },
    },
  });
  // The store takes what the contract validated; this stands in for a record saved before the check existed.
  const record = await core.core.store.pods.save(
    podSaveSchema.parse({
      fields: { name: 'no current', podName: 'web-0' },
      secrets: { kubeconfig: kubeconfig('missing-context') },
    }),
  );
  expect(record.storedSecrets.kubeconfig).toBe(true);
  expect(record.kubeconfigContext).toBeNull();
});

it('names the context of a kubeconfig pasted before the store could (an older Podterm), once, at start-up', async () => {
  // An older Podterm's store: it cannot name contexts.
  const older = openStore({
    path: join(core.dataDir, DATABASE_FILE_NAME),
    secretBox: await openDataDirKey(core.dataDir),
  });
  const saved = await older.pods.save(
    podSaveSchema.parse({
      fields: { name: 'from before', podName: 'web-0' },
      secrets: { kubeconfig: kubeconfig('kind-prod') },
    }),
  );
  older.close();
  expect(saved.kubeconfigContext).toBeNull();

  expect(await core.core.store.pods.nameKubeconfigContexts()).toBe(1);
  expect((await core.request('pods.get', { id: saved.id })).kubeconfigContext).toBe('kind-prod');
  // Done once: nothing left to name.
  expect(await core.core.store.pods.nameKubeconfigContexts()).toBe(0);
});
