/** PodRepository.importAll, the CLI's `pods import`: one transaction, ids kept, secrets under save's rules. */
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../common/contract';
import { podSaveSchema, type PodSaveInput } from '../../../common/pods';
import { useStore } from '../../harness/dataDir';

const data = useStore('podterm-import-');
const request = (input: PodSaveInput) => podSaveSchema.parse(input);

describe('importAll', () => {
  it('updates an existing id, creates an unknown id under that id, and creates rows without one', async () => {
    const existing = await data.store.pods.save(
      request({ fields: { name: 'old', podName: 'a' }, secrets: { token: 't1' } }),
    );
    const newId = '6f1c1f2e-8d4b-4c1e-9a43-0a3f5c2d7b10';
    const results = await data.store.pods.importAll([
      request({ id: existing.id, fields: { name: 'renamed', podName: 'a' } }),
      request({ id: newId, fields: { name: 'given id', podName: 'b' }, secrets: { token: 't2' } }),
      request({ fields: { name: 'fresh', podName: 'c' } }),
    ]);
    expect(results.map((r) => r.action)).toEqual(['updated', 'created', 'created']);
    expect(results[1]!.id).toBe(newId);
    expect(await data.store.pods.getForConnect(existing.id)).toMatchObject({
      name: 'renamed',
      secrets: { token: 't1' },
    });
    expect(await data.store.pods.getForConnect(newId)).toMatchObject({ name: 'given id', secrets: { token: 't2' } });
    expect(data.store.pods.list()).toHaveLength(3);
  });

  it('writes nothing when one row fails in the database (an imported context that does not exist)', async () => {
    const before = JSON.stringify(data.store.pods.list());
    const write = data.store.pods.importAll([
      request({ fields: { name: 'fine', podName: 'a' } }),
      request({
        fields: { name: 'dangling', podName: 'b', kubeconfigId: '6f1c1f2e-8d4b-4c1e-9a43-0a3f5c2d7b11' },
      }),
    ]);
    await expect(write).rejects.toBeInstanceOf(ContractError);
    expect(JSON.stringify(data.store.pods.list())).toBe(before);
  });
});
