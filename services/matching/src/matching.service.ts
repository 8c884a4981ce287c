import { join } from 'node:path';
import {
  MatchMadeV1,
  MatchWithdrawnV1,
  RequestEscalatedV1,
  RequestEvaluatedV1,
  SuggestionAcceptedV1,
  SuggestionDeclinedV1,
  SuggestionFeedbackGivenV1,
  SuggestionsMadeV1,
} from '@mutuo/contracts';
import { IDEMPOTENCY_KEYS_MIGRATION } from '@mutuo/event-store';
import type { ServiceDefinition } from '@mutuo/service-kit';
import type { RequestMatchingEvent } from './domain/request-matching.events';
import { matchingPersonalDataCodec } from './erasure/personal-data.policy';
import { matchingResolvers } from './graphql/matching.resolvers';
import { MatchingModule } from './matching.module';
import { HELPER_AVAILABILITY_MIGRATION } from './migrations/helper-availability.migration';
import { MATCHING_MIGRATIONS } from './migrations/initial-schema.migration';
import { REQUESTER_PRIVACY_MIGRATION } from './migrations/requester-privacy.migration';
import { SUGGESTIONS_MIGRATION } from './migrations/suggestions.migration';
import { PodHelperSchema } from './shared/pod-helper.entity';
import { RequestMatchingSchema } from './request-matching/request-matching.entity';
import { requestMatchingProjection } from './request-matching/request-matching.projection';
import { podMatchingSettingsProjection } from './pod-settings/pod-matching-settings.projection';
import { suggestionsProjection } from './suggestions/suggestions.projection';
import { PERSONAL_DATA_PROTECTION_MIGRATION } from './migrations/personal-data-protection.migration';

export const matchingService: ServiceDefinition = {
  name: 'matching',
  defaultPort: 4103,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [PodHelperSchema, RequestMatchingSchema],
  migrations: [...MATCHING_MIGRATIONS, HELPER_AVAILABILITY_MIGRATION, SUGGESTIONS_MIGRATION, REQUESTER_PRIVACY_MIGRATION, PERSONAL_DATA_PROTECTION_MIGRATION, IDEMPOTENCY_KEYS_MIGRATION],
  projections: [requestMatchingProjection, suggestionsProjection, podMatchingSettingsProjection],
  module: MatchingModule,
  consumesEvents: true,
  eventDataCodec: matchingPersonalDataCodec,
  resolvers: matchingResolvers,
  publish(event) {
    const known = event as unknown as RequestMatchingEvent;
    switch (known.type) {
      case 'RequestEvaluated':
        return { contract: RequestEvaluatedV1, data: known.data };
      case 'SuggestionsMade':
        return { contract: SuggestionsMadeV1, data: known.data };
      case 'SuggestionAccepted':
        return { contract: SuggestionAcceptedV1, data: known.data };
      case 'SuggestionDeclined':
        return { contract: SuggestionDeclinedV1, data: known.data };
      case 'MatchMade':
        return { contract: MatchMadeV1, data: known.data };
      case 'MatchWithdrawn':
        return { contract: MatchWithdrawnV1, data: known.data };
      case 'RequestEscalated': {
        const { requesterMemberId: _internal, ...published } = known.data;
        return { contract: RequestEscalatedV1, data: published };
      }
      case 'SuggestionFeedbackGiven':
        return { contract: SuggestionFeedbackGivenV1, data: known.data };
      // A hand assignment is not a round of suggestions: others learn of it from match-made (via "assigned").
      case 'HelperAssigned':
      case 'RequestTracked':
      case 'RequestClosed':
        return null;
      default:
        return null;
    }
  },
};
