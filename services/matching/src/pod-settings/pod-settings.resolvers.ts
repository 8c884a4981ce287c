import type { INestApplication } from '@nestjs/common';
import { requireScope, type SubgraphContext } from '@mutuo/platform';
import { z } from 'zod';
import { SetEscalationDeadlinesHandler } from './set-escalation-deadlines.handler';
import type { Resolvers } from '../graphql/schema.types';

const deadlinesInput = z.object({ emergencyMinutes: z.number().int(), urgentMinutes: z.number().int(), normalMinutes: z.number().int() });

export function podSettingsResolvers(app: INestApplication) {
  const deadlines = app.get(SetEscalationDeadlinesHandler);

  return {
    Mutation: {
      setEscalationDeadlines: async (_: unknown, args: { input: unknown }, ctx: SubgraphContext) => {
        requireScope(ctx, 'requests:write');
        return deadlines.handle(ctx, deadlinesInput.parse(args.input));
      },
    },
  } satisfies Resolvers;
}
