import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, type DocumentNode } from 'graphql';

/** The Mutuo subgraphs, in composition order, with the ports they listen on in development. */
export const MUTUO_SUBGRAPHS = [
  { name: 'membership', devPort: 4101 },
  { name: 'requests', devPort: 4102 },
  { name: 'matching', devPort: 4103 },
  { name: 'funds', devPort: 4104 },
  { name: 'notifications', devPort: 4105 },
] as const;

export function devSubgraphUrl(devPort: number): string {
  return `http://localhost:${devPort}/graphql`;
}

export interface SubgraphSource {
  name: string;
  /** Federation 2 SDL of the subgraph. */
  sdl: string;
  /** Where the gateway reaches the subgraph unless SUBGRAPH_<NAME>_URL overrides it. */
  url: string;
}

export type SupergraphComposition =
  { supergraphSdl: string; hints: string[]; errors?: undefined } | { errors: string[]; supergraphSdl?: undefined; hints?: undefined };

/**
 * Composes subgraph SDLs into a supergraph with Apollo Federation 2 composition. Returns every problem as a
 * readable line (unparseable SDL named by subgraph, composition errors prefixed by their code) instead of throwing.
 */
export function composeSupergraph(subgraphs: SubgraphSource[]): SupergraphComposition {
  if (subgraphs.length === 0) return { errors: ['no subgraphs to compose'] };

  const errors: string[] = [];
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  for (const subgraph of subgraphs) {
    try {
      services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) });
    } catch (error) {
      errors.push(`[${subgraph.name}] ${error instanceof GraphQLError ? error.message : String(error)}`);
    }
  }
  if (errors.length > 0) return { errors };

  const result = composeServices(services);
  if (result.errors) {
    return {
      errors: result.errors.map((error) => {
        const code = error.extensions?.code;
        return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
      }),
    };
  }
  return {
    supergraphSdl: result.supergraphSdl,
    hints: result.hints.map((hint) => `${hint.definition.code}: ${hint.message}`),
  };
}
