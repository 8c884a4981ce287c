import type { INestApplication } from '@nestjs/common';
import { requireScope, type SubgraphContext } from '@mutuo/platform';
import { changeFrom, urgencyFrom, type HelpFactsInput } from '../shared/help-input';
import { requestResult } from '../shared/request-views';
import { EditRequestHandler } from './edit-request.handler';
import type { Resolvers } from '../graphql/schema.types';

export function editRequestResolvers(app: INestApplication) {
  const editRequest = app.get(EditRequestHandler);

  return {
    Mutation: {
      editRequest: (
        _: unknown,
        { input }: { input: HelpFactsInput & { requestId: string; expectedVersion: number; urgency?: string | null } },
        ctx: SubgraphContext,
      ) => {
        requireScope(ctx, 'requests:write');
        const change = { ...changeFrom(input), ...(input.urgency ? { urgency: urgencyFrom(input.urgency) } : {}) };
        return requestResult(editRequest.handle(input.requestId, input.expectedVersion, change, ctx));
      },
    },
  } satisfies Resolvers;
}
