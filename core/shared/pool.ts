/**
 * The one concurrency helper: at most `limit` calls of `fn` in flight, results in the order of
 * `items`. A rejection rejects the whole call, as Promise.all does (the other workers finish the
 * items they hold). Used wherever a batch of DynamoDB writes or claims must not go out at once.
 */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
