import type { GraphQLFieldResolver, GraphQLScalarType } from 'graphql';

/**
 * The resolver map `buildSubgraphSchema` accepts, spelled out here because @apollo/subgraph exports its own type
 * (GraphQLResolverMap) only from an internal path. Structurally the same, so either is accepted where the other is.
 */
// Parents are whatever each resolver returned one level up: `any`, as in @apollo/subgraph's own type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FieldResolver<TContext> = GraphQLFieldResolver<any, TContext>;

export interface SubgraphResolverMap<TContext = unknown> {
  [typeName: string]:
    | {
        [fieldName: string]: FieldResolver<TContext> | { requires?: string; resolve?: FieldResolver<TContext>; subscribe?: FieldResolver<TContext> };
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
