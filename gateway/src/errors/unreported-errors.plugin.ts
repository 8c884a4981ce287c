import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@mutuo/platform';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../auth/authenticate-request';
import { formatGatewayError } from './format-error';

/** A non-nullable field came back null (a subgraph could not or would not resolve it) and its parent was wiped. */
export const INCOMPLETE_RESULT = 'INCOMPLETE_RESULT';
export const INCOMPLETE_RESULT_MESSAGE = 'The answer could not be completed';

interface CompletionError {
  message?: unknown;
  path?: unknown;
}

/**
 * Every null the caller gets in place of data comes with an error saying why.
 *
 * @apollo/gateway reports a null in a non-nullable field (say `Request.title` of a request another pod's caller
 * cannot read) as `extensions.valueCompletion` instead of `errors` when no subgraph returned an error, so the null
 * spreads up to `data: null` and the caller sees no error at all. Those errors move to `errors` here (code
 * INCOMPLETE_RESULT, path into the caller's document); and whatever the cause, `data: null` without errors gets one.
 */
export function unreportedErrorsPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const { valueCompletion, ...extensions } = result.extensions ?? {};
          const completionErrors = Array.isArray(valueCompletion) ? (valueCompletion as CompletionError[]).map(incompleteResultError) : [];
          if (completionErrors.length > 0) {
            logger.warn({ correlationId: contextValue.correlationId, errors: completionErrors }, 'null in a non-nullable field');
          }
          const errors = [...(result.errors ?? []), ...completionErrors];
          if (result.data === null && errors.length === 0) errors.push(incompleteResultError({}));
          const { extensions: _all, errors: _reported, ...rest } = result;
          response.body.singleResult = {
            ...rest,
            ...(errors.length > 0 ? { errors } : {}),
            ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
          };
        },
      };
    },
  };
}

function incompleteResultError(error: CompletionError): GraphQLFormattedError {
  const path = Array.isArray(error.path) && error.path.every((part) => typeof part === 'string' || typeof part === 'number') ? error.path : undefined;
  return formatGatewayError({
    message: typeof error.message === 'string' ? error.message : INCOMPLETE_RESULT_MESSAGE,
    ...(path ? { path } : {}),
    extensions: { code: INCOMPLETE_RESULT },
  });
}
