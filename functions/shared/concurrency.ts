/**
 * Waiting and bounded parallelism, shared by the stores' batched I/O, the use cases, the local runtime and the
 * scripts. Pure: no AWS.
 */

/** Parallel requests per call: enough to hide latency, few enough not to burst a partition. */
export const REQUEST_CONCURRENCY = 8;

/** Runs `fn` over the items, at most `limit` at a time; the results in the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(Math.max(limit, 1), items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
