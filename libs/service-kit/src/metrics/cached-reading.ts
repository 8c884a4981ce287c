/**
 * A reading shared for `ttlMs`: several gauges of one scrape (collected in parallel) make one database or broker call,
 * and a scraper polling faster than `ttlMs` costs nothing more. A failed reading is not kept.
 */
export function cachedReading<T>(ttlMs: number, read: () => Promise<T>): () => Promise<T> {
  let cached: { readonly at: number; readonly value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (cached && now - cached.at < ttlMs) return cached.value;
    const value = read();
    cached = { at: now, value };
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
    return value;
  };
}

/** The reading, or undefined when it fails: a gauge then keeps its last value instead of failing the whole scrape. */
export function orLastValues<T>(read: () => Promise<T>): () => Promise<T | undefined> {
  return () => read().catch(() => undefined);
}
