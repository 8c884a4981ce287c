import type { GraphQLFieldResolver, GraphQLScalarType } from 'graphql';

/**
 * The resolver map `buildSubgraphSchema` accepts, spelled out here because @apollo/subgraph exports its own type
 * (GraphQLResolverMap) only from an internal path. Structurally the same, so either is accepted where the other is.
 */
export interface SubgraphResolverMap<TContext = unknown> {
  [typeName: string]:
    | {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        [fieldName: string]:
          | GraphQLFieldResolver<any, TContext>
          | { requires?: string; resolve?: GraphQLFieldResolver<any, TContext>; subscribe?: GraphQLFieldResolver<any, TContext> };
      }
    | GraphQLScalarType
    | { [enumValue: string]: string | number };
}

type ResolverParts = Record<string, Record<string, unknown>>;

/**
 * Combines the resolver parts of a service's use cases type by type. Two parts defining the same field is a wiring
 * mistake, so it throws at start-up instead of one silently replacing the other.
 */
export function mergeResolvers<Context>(...parts: ResolverParts[]): SubgraphResolverMap<Context> {
  const merged: ResolverParts = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part)) {
      const target = (merged[type] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`Resolver ${type}.${field} is defined twice`);
        target[field] = resolver;
      }
    }
  }
  return merged as unknown as SubgraphResolverMap<Context>;
}
