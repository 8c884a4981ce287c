import {
  HelpOfferedV1,
  MatchMadeV1,
  OfferAskedForV1,
  MatchWithdrawnV1,
  RequestEscalatedV1,
  RequestEvaluatedV1,
  SuggestionAcceptedV1,
  SuggestionDeclinedV1,
  SuggestionFeedbackGivenV1,
  SuggestionsMadeV1,
} from '@mutuo/contracts';
import { definePublication } from '@mutuo/messaging';
import type { RequestMatchingEvent } from './domain/request-matching.events';

/** Which matching events other services hear about, as which contract. */
export const publishMatchingEvent = definePublication<RequestMatchingEvent>({
  RequestEvaluated: (event) => ({ contract: RequestEvaluatedV1, data: event.data }),
  SuggestionsMade: (event) => ({ contract: SuggestionsMadeV1, data: event.data }),
  SuggestionAccepted: (event) => ({ contract: SuggestionAcceptedV1, data: event.data }),
  SuggestionDeclined: (event) => ({ contract: SuggestionDeclinedV1, data: event.data }),
  MatchMade: (event) => ({ contract: MatchMadeV1, data: event.data }),
  MatchWithdrawn: (event) => ({ contract: MatchWithdrawnV1, data: event.data }),
  RequestEscalated: (event) => {
    const { requesterMemberId: _internal, ...published } = event.data;
    return { contract: RequestEscalatedV1, data: published };
  },
  SuggestionFeedbackGiven: (event) => ({ contract: SuggestionFeedbackGivenV1, data: event.data }),
  HelpOffered: (event) => ({ contract: HelpOfferedV1, data: event.data }),
  OfferAskedFor: (event) => ({ contract: OfferAskedForV1, data: event.data }),
  // HelperAssigned, RequestTracked and RequestClosed stay internal. A hand assignment is not a round of suggestions:
  // others learn of it from match-made (via "assigned").
});
