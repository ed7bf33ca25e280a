/** Refresh all's runner: never more than the bound at once, every item once, and Cancel starts nothing more. */
import { describe, expect, it } from 'vitest';
import { runBounded } from '../../renderer/src/lib/boundedRun';

/** Work whose completion the test controls, counting how many run at once. */
function gatedWork() {
  let running = 0;
  let most = 0;
  const waiting: Array<() => void> = [];
  const work = (item: number) =>
    new Promise<number>((resolve) => {
      running += 1;
      most = Math.max(most, running);
      waiting.push(() => {
        running -= 1;
        resolve(item * 10);
      });
    });
  const releaseOne = async () => {
    waiting.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { work, releaseOne, most: () => most, waiting: () => waiting.length };
}

describe('runBounded', () => {
  it('runs every item once, at most `limit` at a time, and answers in list order', async () => {
    const gate = gatedWork();
    const started: number[] = [];
    const run = runBounded([1, 2, 3, 4, 5, 6, 7], 3, gate.work, { onStart: (item) => started.push(item) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gate.waiting()).toBe(3);
    while (gate.waiting() > 0) await gate.releaseOne();
    expect(await run.done).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(gate.most()).toBe(3);
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('starts nothing after cancel; what was running finishes and is reported', async () => {
    const gate = gatedWork();
    const finished: number[] = [];
    const run = runBounded([1, 2, 3, 4, 5, 6], 2, gate.work, { onDone: (item) => finished.push(item) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await gate.releaseOne();
    run.cancel();
    while (gate.waiting() > 0) await gate.releaseOne();
    expect(await run.done).toEqual([10, 20, 30]);
    expect(finished.sort()).toEqual([1, 2, 3]);
  });

  it('finishes at once for an empty list', async () => {
    expect(await runBounded([], 4, async () => 1).done).toEqual([]);
  });
});
