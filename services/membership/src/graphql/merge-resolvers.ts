import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';

type ResolverMap = Record<string, Record<string, unknown>>;

/**
 * Combines the resolver maps of the service's parts (core, roles, ...) type by type. Two parts defining
 * the same field is a wiring mistake, so it throws at start-up instead of one silently replacing the other.
 */
export function mergeResolvers<Context>(...maps: ResolverMap[]): GraphQLResolverMap<Context> {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      const target = (merged[type] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`Resolver ${type}.${field} is defined twice`);
        target[field] = resolver;
      }
    }
  }
  return merged as unknown as GraphQLResolverMap<Context>;
}
