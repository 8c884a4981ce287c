import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { QueryLimits } from '../config/gateway-config';

export interface QueryLimitProtections {
  plugins: ApolloServerPlugin<BaseContext>[];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
}

// graphql-js words its token-limit error differently from the armor rules; one phrasing for every limit.
const GRAPHQL_TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more that (\d+) tokens\. Parsing aborted\.$/;

/**
 * Depth, alias, cost and directive limits run as graphql-armor validation rules (each rejection reads
 * "Syntax Error: <limit> limit of N exceeded, found M." with code GRAPHQL_VALIDATION_FAILED, HTTP 400).
 *
 * The token limit is enforced by the graphql-js parser itself (`parseOptions.maxTokens`): armor's Apollo token
 * plugin throws from a parsing hook, which Apollo Server 5 answers with HTTP 500 and an "unexpected error" log.
 * Here a token-limit rejection is an ordinary parse error (GRAPHQL_PARSE_FAILED, HTTP 400).
 */
export function queryLimitProtections(limits: QueryLimits, options: { hideFieldSuggestions: boolean }): QueryLimitProtections {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, exposeLimits: true },
    maxAliases: { n: limits.maxAliases, exposeLimits: true },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, flattenFragments: true, exposeLimits: true },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true },
    maxTokens: { enabled: false },
    // "Did you mean ...?" hints reveal schema fields that introspection would have hidden.
    blockFieldSuggestion: { enabled: options.hideFieldSuggestions },
  }).protect();

  return {
    plugins: [...armor.plugins, tokenLimitMessagePlugin()],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

function tokenLimitMessagePlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const match = GRAPHQL_TOKEN_LIMIT_MESSAGE.exec(error.message);
            if (match) error.message = `Syntax Error: Token limit of ${match[1]} exceeded.`;
          }
        },
      };
    },
  };
}
