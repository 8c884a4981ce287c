import { unwrapResolverError } from '@apollo/server/errors';
import { DomainRuleViolation } from '@mutuo/domain';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { AuthenticationError } from '../auth/authentication-error';

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * Decides what a client may learn from an error. Errors raised on purpose (business rules, bad
 * input, authentication, and GraphQL errors carrying a code) are passed on with their code;
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
    logger.error({ err: original, path: formatted.path }, 'Unexpected error while resolving a GraphQL request');
    return { ...where, message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
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
