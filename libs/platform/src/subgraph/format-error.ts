import { unwrapResolverError } from '@apollo/server/errors';
import { DomainRuleViolation } from '@mutuo/domain';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { AuthenticationError } from '../auth/authentication-error';
import { classifyTransientError, type TransientFailure } from '@mutuo/event-store';

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';
/** A dependency (database, broker) was unavailable; `extensions.retryable` says whether trying again is safe. */
export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';
export const RETRY_SAFE_MESSAGE = 'The service is temporarily unavailable. Nothing was changed: retrying later is safe.';
export const OUTCOME_UNKNOWN_MESSAGE =
  'The service lost a connection while handling this request: a change it asked for may or may not have been made, so check before retrying it.';

type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * Decides what a client may learn from an error. Errors raised on purpose (business rules, bad
 * input, authentication, and GraphQL errors carrying a code) are passed on with their code; an
 * unavailable dependency (see classifyTransientError) is SERVICE_UNAVAILABLE, saying whether a retry is safe;
 * anything else is a bug: logged in full here, and only "Internal server error" goes out.
 */
export function formatSubgraphError(logger: Logger): ErrorFormatter {
  return (formatted, error) => {
    const original = unwrapResolverError(error);
    const where = withoutUndefined({ locations: formatted.locations, path: formatted.path });

    if (isDomainRuleViolation(original)) {
      return {
        ...where,
        message: original.message,
        extensions: withoutUndefined({ code: original.code, field: original.field }),
      };
    }
    if (original instanceof ZodError) {
      const issue = original.issues[0];
      const field = issue?.path.map(String).join('.') || undefined;
      return {
        ...where,
        message: field ? `Invalid value for ${field}: ${issue!.message}` : `Invalid input: ${issue?.message ?? 'rejected'}`,
        extensions: withoutUndefined({ code: codeOfIssue(issue) ?? 'BAD_USER_INPUT', field }),
      };
    }
    if (original instanceof AuthenticationError) {
      return { ...where, message: original.message, extensions: { code: 'UNAUTHENTICATED' } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...where, message: formatted.message, extensions };
    }
    const transient = classifyTransientError(original);
    if (transient) {
      logger.warn({ err: original, path: formatted.path, transient }, 'A dependency was unavailable while resolving a GraphQL request');
      return { ...where, ...serviceUnavailable(transient) };
    }
    logger.error({ err: original, path: formatted.path }, 'Unexpected error while resolving a GraphQL request');
    return { ...where, message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * Nothing happened when the dependency could not be reached or rolled the transaction back; when the connection
 * broke mid-way, a commit may have gone through.
 */
function serviceUnavailable(transient: TransientFailure): Pick<GraphQLFormattedError, 'message' | 'extensions'> {
  const retryable = transient.kind !== 'interrupted';
  return {
    message: retryable ? RETRY_SAFE_MESSAGE : OUTCOME_UNKNOWN_MESSAGE,
    extensions: { code: SERVICE_UNAVAILABLE, retryable },
  };
}

/** By name as well as by class, in case two copies of @mutuo/domain end up loaded. */
function isDomainRuleViolation(error: unknown): error is DomainRuleViolation {
  return (
    error instanceof DomainRuleViolation ||
    (error instanceof Error && error.name === 'DomainRuleViolation' && typeof (error as { code?: unknown }).code === 'string')
  );
}

/** A schema may name a more precise code for its refusal (such as INVALID_TEXT) in the issue's params. */
function codeOfIssue(issue: ZodError['issues'][number] | undefined): string | undefined {
  const code = (issue as { params?: { code?: unknown } } | undefined)?.params?.code;
  return typeof code === 'string' ? code : undefined;
}

function withoutUndefined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
