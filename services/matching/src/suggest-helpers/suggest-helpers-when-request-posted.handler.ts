import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RequestEditedV1, RequestPostedV1, type RequestEditedV1Data, type RequestPostedV1Data } from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { RethrowEventErrorsFilter, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { MATCHING_ACTOR, SuggestHelpersService } from './suggest-helpers.service';

type MatchableFacts = Pick<RequestEditedV1Data, 'category' | 'urgency' | 'title'> & Partial<Pick<RequestEditedV1Data, 'subcategory' | 'language' | 'window' | 'locationCell' | 'visibility'>>;

/**
 * A new request gets its first round of suggestions; an edited one a new round. The facts are kept in
 * tracked_requests; an edit older than what is kept (a late redelivery) changes nothing.
 */
@Controller()
@UseFilters(new RethrowEventErrorsFilter())
export class SuggestHelpersWhenRequestPosted {
  constructor(
    private readonly suggestions: SuggestHelpersService,
    private readonly clock: Clock,
  ) {}

  @EventPattern(RequestPostedV1.type)
  async posted(@Payload() event: ReceivedEvent<RequestPostedV1Data>): Promise<void> {
    const { requestId, podId, requesterMemberId, postedAt } = event.data;
    await query(
      event.em,
      `insert into tracked_requests (request_id, pod_id, requester_member_id, posted_at, facts_changed_at, ${FACT_COLUMNS.join(', ')})
       values (?, ?, ?, ?, ?, ${FACT_COLUMNS.map(() => '?').join(', ')})
       on conflict (request_id) do nothing`,
      [requestId, podId, requesterMemberId, postedAt, postedAt, ...factValues(event.data)],
    );
    await this.suggestions.suggest(event.em, podId, requestId, 'request-posted', commandMetadataForEvent(event, MATCHING_ACTOR, this.clock.now()));
  }

  @EventPattern(RequestEditedV1.type)
  async edited(@Payload() event: ReceivedEvent<RequestEditedV1Data>): Promise<void> {
    const { requestId, podId, editedAt } = event.data;
    const updated = await query(
      event.em,
      `update tracked_requests set facts_changed_at = ?, ${FACT_COLUMNS.map((column) => `${column} = ?`).join(', ')}
       where request_id = ? and facts_changed_at < ? returning status`,
      [editedAt, ...factValues(event.data), requestId, editedAt],
    );
    if (updated.length === 0) return;
    await this.suggestions.suggest(event.em, podId, requestId, 'request-changed', commandMetadataForEvent(event, MATCHING_ACTOR, this.clock.now()));
  }
}

const FACT_COLUMNS = ['title', 'category', 'subcategory', 'urgency', 'language', 'location_cell', 'needed_from', 'needed_until', 'visibility'];

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
