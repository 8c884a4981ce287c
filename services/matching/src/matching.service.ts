import { join } from 'node:path';
import { RequestEvaluatedV1 } from '@mutuo/contracts';
import type { ServiceDefinition } from '@mutuo/service-kit';
import type { RequestEvaluationEvent } from './domain/request-evaluation.decider';
import { matchingResolvers } from './graphql/matching.resolvers';
import { MatchingModule } from './matching.module';
import { HELPER_AVAILABILITY_MIGRATION } from './migrations/helper-availability.migration';
import { MATCHING_MIGRATIONS } from './migrations/initial-schema.migration';
import { PodHelperSchema } from './pod-helpers/pod-helper.entity';
import { RequestMatchingSchema } from './request-matching/request-matching.entity';
import { requestMatchingProjection } from './request-matching/request-matching.projection';

export const matchingService: ServiceDefinition = {
  name: 'matching',
  defaultPort: 4103,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [PodHelperSchema, RequestMatchingSchema],
  migrations: [...MATCHING_MIGRATIONS, HELPER_AVAILABILITY_MIGRATION],
  projections: [requestMatchingProjection],
  module: MatchingModule,
  consumesEvents: true,
  resolvers: matchingResolvers,
  publish(event) {
    const known = event as unknown as RequestEvaluationEvent;
    switch (known.type) {
      case 'RequestEvaluated':
        return { contract: RequestEvaluatedV1, data: known.data };
      default:
        return null;
    }
  },
};
