/**
 * Collects the keys asked for while GraphQL resolves one level of a response and fetches them in one
 * query (the N+1 problem of a list of members), caching each key for the rest of the request.
 */
export class BatchLoader<Value> {
  private readonly cache = new Map<string, Promise<Value | undefined>>();
  private queue: { key: string; resolve: (value: Value | undefined) => void; reject: (error: unknown) => void }[] = [];

  constructor(private readonly fetch: (keys: readonly string[]) => Promise<ReadonlyMap<string, Value>>) {}

  load(key: string): Promise<Value | undefined> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const promise = new Promise<Value | undefined>((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      // After the resolvers running now have queued their keys: a resolved promise, then the next tick.
      if (this.queue.length === 1) void Promise.resolve().then(() => process.nextTick(() => void this.dispatch()));
    });
    this.cache.set(key, promise);
    return promise;
  }

  private async dispatch(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const values = await this.fetch([...new Set(batch.map((entry) => entry.key))]);
      for (const entry of batch) entry.resolve(values.get(entry.key));
    } catch (error) {
      for (const entry of batch) {
        this.cache.delete(entry.key);
        entry.reject(error);
      }
    }
  }
}

/** One set of loaders per GraphQL request: the context object lives exactly as long as the request. */
export function perRequest<Context extends object, Loaders>(factory: (ctx: Context) => Loaders): (ctx: Context) => Loaders {
  const byRequest = new WeakMap<Context, Loaders>();
  return (ctx) => {
    let loaders = byRequest.get(ctx);
    if (!loaders) {
      loaders = factory(ctx);
      byRequest.set(ctx, loaders);
    }
    return loaders;
  };
}
