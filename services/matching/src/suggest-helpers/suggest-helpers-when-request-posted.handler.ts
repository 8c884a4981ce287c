import { EventPattern, Payload } from '@nestjs/microservices';
import { RequestEditedV1, RequestPostedV1, type RequestEditedV1Data, type RequestPostedV1Data } from '@mutuo/contracts';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { MATCHING_ACTOR, SuggestHelpersService } from '../shared/suggest-helpers.service';

type MatchableFacts = Pick<RequestEditedV1Data, 'category' | 'urgency' | 'title'> &
  Partial<Pick<RequestEditedV1Data, 'subcategory' | 'language' | 'window' | 'locationCell' | 'visibility'>>;

/**
 * A new request gets its first round of suggestions; an edited one a new round. The facts are kept in
 * tracked_requests; an edit older than what is kept (a late redelivery) changes nothing.
 */
@EventController()
export class SuggestHelpersWhenRequestPosted {
  constructor(
    private readonly suggestions: SuggestHelpersService,
    private readonly clock: Clock,
  ) {}

  @EventPattern(RequestPostedV1.type)
  async posted(@Payload() event: ReceivedEvent<RequestPostedV1Data>): Promise<void> {
    const { requestId, podId, requesterMemberId, postedAt, anonymous } = event.data;
    await this.suggestions.suggestAfterFactsChanged(
      event.em,
      { kind: 'posted', requestId, podId, requesterMemberId, requesterAnonymous: anonymous === true, postedAt, facts: factValues(event.data) },
      expectedFacts(podId, event.data),
      'request-posted',
      commandMetadataForEvent(event, MATCHING_ACTOR, this.clock.now()),
    );
  }

  @EventPattern(RequestEditedV1.type)
  async edited(@Payload() event: ReceivedEvent<RequestEditedV1Data>): Promise<void> {
    const { requestId, podId, editedAt } = event.data;
    await this.suggestions.suggestAfterFactsChanged(
      event.em,
      { kind: 'edited', requestId, editedAt, facts: factValues(event.data) },
      expectedFacts(podId, event.data),
      'request-changed',
      commandMetadataForEvent(event, MATCHING_ACTOR, this.clock.now()),
    );
  }
}

/** The facts in REQUEST_FACT_COLUMNS' order. */
function factValues(facts: MatchableFacts): unknown[] {
  return [
    facts.title,
    facts.category,
    facts.subcategory ?? null,
    facts.urgency,
    facts.language ?? null,
    facts.locationCell ?? null,
    facts.window?.from ?? null,
    facts.window?.until ?? null,
    facts.visibility ?? 'pod',
  ];
}

/** What the request's facts will be once the event is applied, to search candidates in the same statement. */
function expectedFacts(podId: string, facts: MatchableFacts) {
  return { podId, category: facts.category, locationCell: facts.locationCell ?? null };
}
