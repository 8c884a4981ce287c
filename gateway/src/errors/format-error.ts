import { INTERNAL_ERROR_MESSAGE } from '@mutuo/platform';
import type { GraphQLFormattedError } from 'graphql';

export const INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR';

// Codes that mean "something broke", whose messages may carry internals (hosts, SQL, stack fragments).
const UNEXPECTED_CODES = new Set([INTERNAL_SERVER_ERROR, 'DOWNSTREAM_SERVICE_ERROR']);

// A subgraph rejecting the gateway's own request is a gateway/subgraph mismatch, not the caller's mistake,
// and its message would describe the internal subgraph query.
const SUBGRAPH_PROTOCOL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** True when the caller may see the error's own message; otherwise it is replaced by "Internal server error". */
export function isExposableError(error: GraphQLFormattedError): boolean {
  const code = error.extensions?.code;
  if (typeof code !== 'string' || UNEXPECTED_CODES.has(code)) return false;
  const fromSubgraph = typeof error.extensions?.serviceName === 'string';
  return !(fromSubgraph && SUBGRAPH_PROTOCOL_CODES.has(code));
}

/**
 * Apollo Server `formatError`: clients get message, locations, path and extensions.code (plus extensions.field
 * when a subgraph named the offending input field, and extensions.retryable when a subgraph said whether trying
 * again is safe) and nothing else: no stack traces, no subgraph names or URLs.
 * Unexpected errors keep only their path and become INTERNAL_SERVER_ERROR "Internal server error".
 */
export function formatGatewayError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!isExposableError(formatted)) {
    return {
      message: INTERNAL_ERROR_MESSAGE,
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: INTERNAL_SERVER_ERROR },
    };
  }
  const field = formatted.extensions?.field;
  const retryable = formatted.extensions?.retryable;
  return {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code: formatted.extensions?.code,
      ...(typeof field === 'string' ? { field } : {}),
      ...(typeof retryable === 'boolean' ? { retryable } : {}),
    },
  };
}

// graphql-js's hints ("Did you mean "displayName"?", "Did you mean the enum value "FOOD"?") name schema members
// that a production gateway, with introspection off, must not reveal.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * The gateway's `formatError`: formatGatewayError, and in production (`hideSuggestions`) no "Did you mean ...?"
 * hint in any message, whichever step (validation, variable coercion, a subgraph) wrote it.
 */
export function gatewayErrorFormatter(options: { hideSuggestions: boolean }): (formatted: GraphQLFormattedError) => GraphQLFormattedError {
  return (formatted) => {
    const safe = formatGatewayError(formatted);
    return options.hideSuggestions ? { ...safe, message: safe.message.replace(SUGGESTION, '').trim() } : safe;
  };
}
