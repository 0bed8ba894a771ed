/**
 * Bounded concurrency for requests to the homeserver: the reader, the importer and
 * the benchmarks run many independent requests, never more than a few at a time.
 */

/** `fn` over every item, at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/**
 * Visits every start item, every item `later` brings when it resolves, and every
 * item `visit` returns, once each, at most `limit` at a time. Unlike reading level
 * by level, a child starts as soon as a slot is free. The first failure rejects
 * (visits under way finish unobserved).
 */
export function crawl<T>(
  start: readonly T[],
  limit: number,
  visit: (item: T) => Promise<readonly T[]>,
  later: Promise<readonly T[]> = Promise.resolve([]),
): Promise<void> {
  const seen = new Set<T>();
  const queue: T[] = [];
  let active = 0;
  let waiting = true;
  let failed = false;
  const add = (items: readonly T[]): void => {
    for (const item of items) {
      if (!seen.has(item)) {
        seen.add(item);
        queue.push(item);
      }
    }
  };
  add(start);
  return new Promise((resolve, reject) => {
    const fail = (err: unknown): void => {
      failed = true;
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const pump = (): void => {
      if (failed) return;
      if (queue.length === 0 && active === 0 && !waiting) {
        resolve();
        return;
      }
      while (active < Math.max(1, limit) && queue.length > 0) {
        const item = queue.shift() as T;
        active++;
        visit(item).then((more) => {
          active--;
          add(more);
          pump();
        }, fail);
      }
    };
    later.then((items) => {
      waiting = false;
      add(items);
      pump();
    }, fail);
    pump();
  });
}
