import type { INestApplication } from '@nestjs/common';
import type { IdempotentInput as Idempotent } from '@mutuo/event-store';
import { requireScope, type SubgraphContext } from '@mutuo/platform';
import { factsFrom, urgencyFrom, type HelpFactsInput } from '../shared/help-input';
import { requestResult } from '../shared/request-views';
import { PostRequestHandler } from './post-request.handler';
import type { Resolvers } from '../graphql/schema.types';

type PostRequestInput = HelpFactsInput & {
  title: string;
  language: string;
  category: string;
  urgency?: string | null;
  anonymous?: boolean | null;
  onBehalfOfPersonId?: string | null;
} & Idempotent;

export function postRequestResolvers(app: INestApplication) {
  const postRequest = app.get(PostRequestHandler);

  return {
    Mutation: {
      postRequest: (_: unknown, { input }: { input: PostRequestInput }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return requestResult(
          postRequest.handle(
            {
              ...factsFrom(input),
              urgency: input.urgency ? urgencyFrom(input.urgency) : null,
              anonymous: input.anonymous ?? false,
              onBehalfOfPersonId: input.onBehalfOfPersonId ?? null,
            },
            ctx,
            input.idempotencyKey ?? null,
          ),
        );
      },
    },
  } satisfies Resolvers;
}
