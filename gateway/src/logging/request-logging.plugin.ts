import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@mutuo/platform';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../auth/authenticate-request';
import { isExposableError } from '../errors/format-error';

/**
 * One log line per operation (correlation id, operation, caller, duration, error count). Errors masked for the
 * caller are logged here in full, tied to the correlation id the caller received, so they can be traced.
 */
export function requestLoggingPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = performance.now();
      const log = logger.child({ correlationId: contextValue.correlationId, caller: contextValue.caller?.subject ?? null });
      return {
        async didEncounterErrors({ errors }) {
          // Typed as GraphQLErrors, but the gateway also reports raw errors (a failed subgraph fetch is a TypeError).
          for (const error of errors as readonly unknown[]) {
            if (error instanceof GraphQLError && isExposableError(error.toJSON())) {
              log.debug({ code: error.extensions.code, path: error.path }, error.message);
            } else if (error instanceof GraphQLError) {
              const cause = error.originalError ?? error;
              log.error({ err: cause, path: error.path, subgraph: error.extensions.serviceName }, 'operation failed unexpectedly');
            } else {
              log.error({ err: error }, 'operation failed unexpectedly');
            }
          }
        },
        async willSendResponse({ operationName, errors }) {
          log.info(
            { operationName: operationName ?? null, durationMs: Math.round(performance.now() - startedAt), errorCount: errors?.length ?? 0 },
            'graphql operation',
          );
        },
      };
    },
  };
}
