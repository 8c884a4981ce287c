import DataLoader from 'dataloader';

/**
 * Collects the keys asked for while GraphQL resolves one level of a response (a list of members, the entity
 * references the gateway sends in one `_entities` call) and fetches them in one query, caching each key for the
 * rest of the request. `fetch` answers with the values it found; a key it leaves out loads as undefined.
 */
export function batchLoader<Value>(fetch: (keys: readonly string[]) => Promise<ReadonlyMap<string, Value>>): DataLoader<string, Value | undefined> {
  return new DataLoader<string, Value | undefined>(async (keys) => {
    const found = await fetch(keys);
    return keys.map((key) => found.get(key));
  });
}

/**
 * One set of loaders per GraphQL request: Apollo creates a context object for each request and hands that same
 * object to every resolver, so loaders kept against it batch within the request and are gone with it. A loader
 * never outlives its request, so one caller never sees what another caller's request loaded.
 */
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
