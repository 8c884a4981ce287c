import { Kind, parse, type ConstValueNode } from 'graphql';

export interface SupergraphSubgraph {
  name: string;
  url: string;
}

/** The subgraphs a composed supergraph routes to, read from its `join__Graph` enum. */
export function subgraphsOfSupergraph(supergraphSdl: string): SupergraphSubgraph[] {
  const document = parse(supergraphSdl);
  const subgraphs: SupergraphSubgraph[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((directive) => directive.name.value === 'join__graph');
      const argument = (name: string) => graph?.arguments?.find((arg) => arg.name.value === name)?.value;
      const name = stringValue(argument('name'));
      const url = stringValue(argument('url'));
      if (name !== undefined) subgraphs.push({ name, url: url ?? '' });
    }
  }
  return subgraphs;
}

/** The <NAME> of a subgraph's SUBGRAPH_<NAME>_URL variable: `funds` -> `FUNDS`, `pod-admin` -> `POD_ADMIN`. */
export function subgraphEnvName(subgraphName: string): string {
  return subgraphName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Resolves each subgraph's URL: its SUBGRAPH_<NAME>_URL override, else the URL composed into the supergraph.
 * An override naming no subgraph is an error, so a misspelt variable stops the gateway instead of being ignored.
 */
export function resolveSubgraphUrls(
  subgraphs: SupergraphSubgraph[],
  overrides: Record<string, string>,
): { urls: Map<string, string>; unknownOverrides: string[] } {
  const urls = new Map(subgraphs.map((subgraph) => [subgraph.name, overrides[subgraphEnvName(subgraph.name)] ?? subgraph.url]));
  const known = new Set(subgraphs.map((subgraph) => subgraphEnvName(subgraph.name)));
  const unknownOverrides = Object.keys(overrides)
    .filter((envName) => !known.has(envName))
    .map((envName) => `SUBGRAPH_${envName}_URL`);
  return { urls, unknownOverrides };
}

function stringValue(node: ConstValueNode | undefined): string | undefined {
  return node?.kind === Kind.STRING ? node.value : undefined;
}
