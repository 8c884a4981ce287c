import { join } from 'node:path';
import { RequestPostedV1 } from '@mutuo/contracts';
import type { ServiceDefinition } from '@mutuo/service-kit';
import type { RequestEvent } from './domain/request.decider';
import { requestsResolvers } from './graphql/requests.resolvers';
import { REQUESTS_MIGRATIONS } from './migrations/initial-schema.migration';
import { RequestDetailsSchema } from './request-details/request-details.entity';
import { requestDetailsProjection } from './request-details/request-details.projection';
import { RequestsModule } from './requests.module';

export const requestsService: ServiceDefinition = {
  name: 'requests',
  defaultPort: 4102,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [RequestDetailsSchema],
  migrations: REQUESTS_MIGRATIONS,
  projections: [requestDetailsProjection],
  module: RequestsModule,
  consumesEvents: false,
  resolvers: requestsResolvers,
  publish(event) {
    const known = event as unknown as RequestEvent;
    switch (known.type) {
      case 'RequestPosted': {
        const { requestId, podId, requesterMemberId, title, category, urgency, postedAt } = known.data;
        return { contract: RequestPostedV1, data: { requestId, podId, requesterMemberId, title, category, urgency, postedAt } };
      }
      default:
        return null;
    }
  },
};
