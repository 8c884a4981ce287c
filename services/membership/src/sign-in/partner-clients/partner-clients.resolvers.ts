import type { INestApplication } from '@nestjs/common';
import { PARTNER_SCOPES, type PartnerScope } from '@mutuo/contracts';
import type { SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { PartnerClientHandler } from './partner-client.handler';
import type { PartnerClientView } from './partner-client.queries';

/** `requests:read` is REQUESTS_READ in GraphQL. */
export const scopeToGraphQL = (scope: PartnerScope) => toGraphQLEnum(scope.replace(':', '-'));
const scopeFromGraphQL = (value: string): PartnerScope => {
  const kebab = fromGraphQLEnum(
    PARTNER_SCOPES.map((scope) => scope.replace(':', '-')),
    value,
  );
  return PARTNER_SCOPES.find((scope) => scope.replace(':', '-') === kebab)!;
};

interface RegisterArgs {
  input: { name: string; scopes: string[]; podIds?: string[] | null };
}

export function partnerClientsResolvers(app: INestApplication) {
  const handler = app.get(PartnerClientHandler);

  return {
    Query: {
      partnerClients: (_: unknown, __: unknown, ctx: SubgraphContext) => handler.list(ctx),
    },
    Mutation: {
      registerPartnerClient: (_: unknown, { input }: RegisterArgs, ctx: SubgraphContext) =>
        handler.register({ name: input.name, scopes: input.scopes.map(scopeFromGraphQL), podIds: input.podIds }, ctx),
      revokePartnerClient: (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => handler.revoke(id, ctx),
    },
    PartnerClient: {
      scopes: (client: PartnerClientView) => client.scopes.map(scopeToGraphQL),
    },
  };
}
