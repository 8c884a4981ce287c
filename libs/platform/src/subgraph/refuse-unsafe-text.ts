import type { ApolloServerPlugin } from '@apollo/server';
import { describeTextProblem, forbiddenCharacterIn, INVALID_TEXT } from '@mutuo/domain';
import { BREAK, GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import type { SubgraphContext } from './subgraph-context';

/**
 * The general net under the per-field text rules: no string argument of any operation, inline or in
 * variables, may carry a C0/C1 control other than tab and line breaks, a lone surrogate or a
 * noncharacter. Such a string is never valid input, and once stored it breaks every reader downstream
 * (projections, XML, SMS), so a field that forgets its own rule still cannot let one in.
 */
export function refuseUnsafeText(): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const variables = request.variables ?? {};
          const found = unsafeStringInArguments(document, variables) ?? unsafeStringInVariables(variables);
          if (found) throw unsafeTextError(found.field, found.message);
        },
      };
    },
  };
}

interface UnsafeString {
  readonly field: string;
  readonly message: string;
}

function check(text: string, field: string): UnsafeString | null {
  const problem = forbiddenCharacterIn(text);
  return problem ? { field, message: describeTextProblem({ field, max: 0, multiline: true }, problem) } : null;
}

/** Object keys count too: they become field names in JSON scalars and entity representations. */
function unsafeStringInVariables(value: unknown, path = ''): UnsafeString | null {
  if (typeof value === 'string') return check(value, path || 'variables');
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unsafeStringInVariables(item, `${path}.${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const field = path ? `${path}.${key}` : key;
      const found = check(key, field) ?? unsafeStringInVariables(item, field);
      if (found) return found;
    }
  }
  return null;
}

/** Paths name the argument (`input.title`), whether its value is written inline or passed in a variable. */
function unsafeStringInArguments(document: DocumentNode | undefined, variables: Record<string, unknown>): UnsafeString | null {
  if (!document) return null;
  let found: UnsafeString | null = null;
  const walk = (node: ValueNode, field: string): void => {
    if (found) return;
    if (node.kind === Kind.STRING) found = check(node.value, field);
    else if (node.kind === Kind.VARIABLE) found = unsafeStringInVariables(variables[node.name.value], field);
    else if (node.kind === Kind.LIST) node.values.forEach((item, index) => walk(item, `${field}.${index}`));
    else if (node.kind === Kind.OBJECT) node.fields.forEach((entry) => walk(entry.value, `${field}.${entry.name.value}`));
  };
  visit(document, {
    Argument(argument) {
      walk(argument.value, argument.name.value);
      return found ? BREAK : false;
    },
  });
  return found;
}

/** Answered with HTTP 200 like other input refusals, so the gateway passes the code and field through. */
function unsafeTextError(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: INVALID_TEXT, field, http: { status: 200 } } });
}
