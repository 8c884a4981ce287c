import { join } from 'node:path';
import { IDEMPOTENCY_KEYS_MIGRATION } from '@mutuo/event-store';
import type { ServiceDefinition } from '@mutuo/service-kit';
import { requestsResolvers } from './graphql/requests.resolvers';
import { incidentsProjection } from './incidents/incidents.projection';
import { REQUESTS_MIGRATIONS } from './migrations/initial-schema.migration';
import { POD_FACTS_MIGRATION } from './migrations/pod-facts.migration';
import { REQUEST_LIFECYCLE_MIGRATION } from './migrations/request-lifecycle.migration';
import { REGION_BROWSE_MIGRATION } from './migrations/region-browse.migration';
import { offerBoardProjection } from './offers/offer-board.projection';
import { REQUESTS_UPCASTERS } from './event-history/requests.upcasters';
import { RequestDetailsSchema } from './request-details/request-details.entity';
import { requestDetailsProjection } from './request-details/request-details.projection';
import { publishRequestsEvent } from './requests-publish';
import { REQUESTS_DOMAIN_COUNTERS } from './requests.metrics';
import { RequestsModule } from './requests.module';
import { requestsPersonalDataCodec } from './shared/personal-data.policy';
import { sharedResourcesProjection } from './shared-resources/shared-resources.projection';
import { PERSONAL_DATA_PROTECTION_MIGRATION } from './migrations/personal-data-protection.migration';

export const requestsService: ServiceDefinition = {
  name: 'requests',
  defaultPort: 4102,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [RequestDetailsSchema],
  migrations: [
    ...REQUESTS_MIGRATIONS,
    REQUEST_LIFECYCLE_MIGRATION,
    POD_FACTS_MIGRATION,
    REGION_BROWSE_MIGRATION,
    PERSONAL_DATA_PROTECTION_MIGRATION,
    IDEMPOTENCY_KEYS_MIGRATION,
  ],
  projections: [requestDetailsProjection, offerBoardProjection, sharedResourcesProjection, incidentsProjection],
  upcasters: REQUESTS_UPCASTERS,
  module: RequestsModule,
  consumesEvents: true,
  resolvers: requestsResolvers,
  publish: publishRequestsEvent,
  eventDataCodec: requestsPersonalDataCodec,
  domainCounters: REQUESTS_DOMAIN_COUNTERS,
};
