import type { ApolloServerPlugin } from '@apollo/server';
import { type Logger, type PartnerScope } from '@mutuo/platform';
import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { MISSING_TOKEN_CHALLENGE, MISSING_TOKEN_MESSAGE, UNAUTHENTICATED, unauthenticated, type GatewayContext } from './authenticate-request';

/**
 * Root fields anyone may call without a token: signing in is how a token is obtained. Only mutations, and only
 * when every root field of the operation is one of these.
 */
export const ANONYMOUS_MUTATIONS: ReadonlySet<string> = new Set(['requestSignInCode', 'signIn', 'refreshSession', 'recordSharedResourceEntry']);

/**
 * Root query fields anyone may call without a token: the public page of a community fridge or pantry (requests
 * service), reached by the token in its link; a pod's public funds report (funds service). Same rule: every root
 * field of the operation must be listed.
 */
export const ANONYMOUS_QUERIES: ReadonlySet<string> = new Set(['publicSharedResource', 'publicFundsReport']);

/**
 * What a partner client's token may call, and the scope each root field needs. Everything else is closed to partner
 * clients, whatever its resolvers check: a field added later stays out of their reach until it is listed here.
 * The services check the same scopes again (`requireScope`), also on the entity fields these reach.
 */
export const PARTNER_ROOT_FIELDS: Readonly<Record<'query' | 'mutation', Readonly<Record<string, PartnerScope>>>> = {
  query: { request: 'requests:read', openRequests: 'requests:read', member: 'members:read', pod: 'members:read' },
  mutation: { postRequest: 'requests:write' },
};

/**
 * Decides, once the operation is parsed and validated and before anything executes, whether the caller may run it:
 * the sign-in mutations anyone (with or without a token, valid or not); everything else only a caller whose token
 * was accepted (401 otherwise); a partner client only the root fields listed for its scopes (403 otherwise). People
 * with a token may run anything here; the services check the rest.
 */
export interface OperationPolicyOptions {
  /**
   * Lets anyone run a query of nothing but `__typename` (answered by the gateway alone, it reaches no service and
   * reveals nothing). Off unless a benchmark turns it on: its baseline is then the same query as the authenticated
   * side, executed, rather than a refusal.
   */
  readonly anonymousTypenameQuery?: boolean;
}

export function operationPolicyPlugin(logger: Logger, options: OperationPolicyOptions = {}): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document, request }) {
          // Apollo resolved the operation before calling this hook; without one nothing may run, and it is the caller's mistake.
          if (!operation) throw unresolvableOperation(request.operationName, document);
          const fields = rootFieldsOf(operation, document);
          const kind = operation.operation;
          const anonymous =
            (kind === 'mutation' && fields.length > 0 && fields.every((field) => ANONYMOUS_MUTATIONS.has(field))) ||
            (kind === 'query' && fields.length > 0 && fields.every((field) => ANONYMOUS_QUERIES.has(field))) ||
            (options.anonymousTypenameQuery === true && kind === 'query' && fields.length === 0 && contextValue.authorization === undefined);
          if (anonymous) {
            // Signing in never depends on who calls: no token is checked or forwarded.
            delete contextValue.authorization;
            delete contextValue.caller;
            return;
          }
          if (contextValue.authenticationError !== undefined) throw rejected(logger, contextValue, contextValue.authenticationError);
          const caller = contextValue.caller;
          if (!caller) throw rejected(logger, contextValue, unauthenticated(MISSING_TOKEN_MESSAGE, MISSING_TOKEN_CHALLENGE));
          if (caller.clientId === undefined) return;
          const allowed: Readonly<Record<string, PartnerScope>> = kind === 'query' || kind === 'mutation' ? PARTNER_ROOT_FIELDS[kind] : {};
          if (fields.length === 0) throw refused('FORBIDDEN', 'Partner clients may only run the operations listed for their scopes');
          for (const field of fields) {
            const scope = Object.hasOwn(allowed, field) ? allowed[field] : undefined;
            if (scope === undefined) throw refused('FORBIDDEN', `Partner clients may not use ${field}`);
            if (!caller.scopes?.includes(scope)) throw refused('INSUFFICIENT_SCOPE', `${field} needs the scope ${scope}, which your token was not granted`);
          }
        },
      };
    },
  };
}

function rejected(logger: Logger, context: GatewayContext, error: unknown): unknown {
  if (error instanceof GraphQLError && error.extensions.code === UNAUTHENTICATED) {
    logger.info({ correlationId: context.correlationId, reason: error.message }, 'request rejected: not authenticated');
  } else {
    // E.g. the JWKS endpoint is down: the caller gets a masked 500, operators get the cause.
    logger.error({ correlationId: context.correlationId, err: error }, 'authentication failed unexpectedly');
  }
  return error;
}

/** HTTP 400 with graphql-js's own wording: two operations without an operationName, or a name the document lacks. */
function unresolvableOperation(operationName: string | undefined, document: DocumentNode): GraphQLError {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
  const message =
    operationName !== undefined && operationName !== null
      ? `Unknown operation named "${operationName}".`
      : operations > 1
        ? 'Must provide operation name if query contains multiple operations.'
        : 'Must provide an operation.';
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
}

function refused(code: 'FORBIDDEN' | 'INSUFFICIENT_SCOPE', message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 403 } } });
}

/** The names of the operation's root fields, through fragments; `__typename` asks nothing of anyone and is left out. */
export function rootFieldsOf(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map(
    document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
  );
  const names = new Set<string>();
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') names.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return [...names];
}
