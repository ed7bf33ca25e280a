/**
 * Runs `work` over every item with at most `limit` at once, in order of the list, reporting each one as it starts and
 * finishes. Cancelling starts nothing more; what is already running finishes and is reported (a lookup cannot be
 * taken back once the server has it). Refresh all runs its records through this.
 */
export interface BoundedRunEvents<Item, Result> {
  onStart?(item: Item): void;
  onDone?(item: Item, result: Result): void;
}

export interface BoundedRun<Result> {
  /** Resolves when every started item has finished: the results of those that ran, in the list's order. */
  done: Promise<Result[]>;
  cancel(): void;
}

export function runBounded<Item, Result>(
  items: readonly Item[],
  limit: number,
  work: (item: Item) => Promise<Result>,
  events: BoundedRunEvents<Item, Result> = {},
): BoundedRun<Result> {
  let next = 0;
  let cancelled = false;
  const results: Array<{ index: number; result: Result }> = [];
  const lane = async (): Promise<void> => {
    while (!cancelled && next < items.length) {
      const index = next++;
      const item = items[index]!;
      events.onStart?.(item);
      const result = await work(item);
      results.push({ index, result });
      events.onDone?.(item, result);
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane);
  return {
    done: Promise.all(lanes).then(() => results.sort((a, b) => a.index - b.index).map((entry) => entry.result)),
    cancel: () => {
      cancelled = true;
    },
  };
}
