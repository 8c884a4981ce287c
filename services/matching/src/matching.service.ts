import { join } from 'node:path';
import { IDEMPOTENCY_KEYS_MIGRATION } from '@mutuo/event-store';
import type { ServiceDefinition } from '@mutuo/service-kit';
import { matchingPersonalDataCodec } from './erasure/personal-data.policy';
import { matchingResolvers } from './graphql/matching.resolvers';
import { MatchingModule } from './matching.module';
import { publishMatchingEvent } from './matching.publish';
import { DIRECT_RESPONSES_MIGRATION } from './migrations/direct-responses.migration';
import { ESCALATION_WITHDRAWAL_MIGRATION } from './migrations/escalation-withdrawal.migration';
import { HELPER_AVAILABILITY_MIGRATION } from './migrations/helper-availability.migration';
import { MATCHING_MIGRATIONS } from './migrations/initial-schema.migration';
import { REQUESTER_PRIVACY_MIGRATION } from './migrations/requester-privacy.migration';
import { SUGGESTIONS_MIGRATION } from './migrations/suggestions.migration';
import { PodHelperSchema } from './shared/pod-helper.entity';
import { RequestMatchingSchema } from './shared/request-matching.entity';
import { requestMatchingProjection } from './request-matching/request-matching.projection';
import { podMatchingSettingsProjection } from './pod-settings/pod-matching-settings.projection';
import { suggestionsProjection } from './suggestions/suggestions.projection';
import { PERSONAL_DATA_PROTECTION_MIGRATION } from './migrations/personal-data-protection.migration';
import { MATCHING_DOMAIN_COUNTERS } from './matching.metrics';

export const matchingService: ServiceDefinition = {
  name: 'matching',
  defaultPort: 4103,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [PodHelperSchema, RequestMatchingSchema],
  migrations: [
    ...MATCHING_MIGRATIONS,
    HELPER_AVAILABILITY_MIGRATION,
    SUGGESTIONS_MIGRATION,
    REQUESTER_PRIVACY_MIGRATION,
    PERSONAL_DATA_PROTECTION_MIGRATION,
    IDEMPOTENCY_KEYS_MIGRATION,
    DIRECT_RESPONSES_MIGRATION,
    ESCALATION_WITHDRAWAL_MIGRATION,
  ],
  projections: [requestMatchingProjection, suggestionsProjection, podMatchingSettingsProjection],
  module: MatchingModule,
  consumesEvents: true,
  eventDataCodec: matchingPersonalDataCodec,
  resolvers: matchingResolvers,
  publish: publishMatchingEvent,
  domainCounters: MATCHING_DOMAIN_COUNTERS,
};
