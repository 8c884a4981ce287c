import { EventPattern, Payload } from '@nestjs/microservices';
import {
  OfferClosedV1,
  OfferEditedV1,
  OfferPausedV1,
  OfferPostedV1,
  OfferResumedV1,
  type OfferClosedV1Data,
  type OfferEditedV1Data,
  type OfferPausedV1Data,
  type OfferPostedV1Data,
  type OfferResumedV1Data,
} from '@mutuo/contracts';
import { query } from '@mutuo/event-store';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { isErased, SEARCH_CELL_PRECISION, UNKNOWN_CELL } from '../shared/helper-search.read-model';
import { searchCells } from '../shared/candidate-search.queries';
import { MATCHING_ACTOR, SuggestHelpersService } from '../shared/suggest-helpers.service';

/** How many open requests a new offer is suggested for at once (oldest first). */
const REQUESTS_PER_NEW_OFFER = 10;

/**
 * Open offers, indexed by pod, category and cell for candidate search. Every change carries its time; a row only
 * moves forward (`version_at`), so a late or repeated event never reopens a closed offer.
 */
@EventController()
export class TrackOffers {
  constructor(
    private readonly suggestions: SuggestHelpersService,
    private readonly clock: Clock,
  ) {}

  /** A new offer is kept for future requests, and the open requests nearby it could meet get a new round of suggestions. */
  @EventPattern(OfferPostedV1.type)
  async posted(@Payload() event: ReceivedEvent<OfferPostedV1Data>): Promise<void> {
    const offer = event.data;
    if (!(await this.upsertFacts(event, offer, offer.postedAt))) return;
    const cells = searchCells({ category: offer.category, locationCell: offer.locationCell });
    const requests = await query<{ request_id: string }>(
      event.em,
      cells
        ? `select request_id from tracked_requests where status = 'open' and pod_id = ? and category = ?
             and coalesce(left(location_cell, 5), '~') = any(?::text[]) and requester_member_id <> ? order by posted_at limit ?`
        : `select request_id from tracked_requests where status = 'open' and pod_id = ? and category = ? and requester_member_id <> ? order by posted_at limit ?`,
      cells
        ? [offer.podId, offer.category, `{${cells.join(',')}}`, offer.offererMemberId, REQUESTS_PER_NEW_OFFER]
        : [offer.podId, offer.category, offer.offererMemberId, REQUESTS_PER_NEW_OFFER],
    );
    const metadata = commandMetadataForEvent(event, MATCHING_ACTOR, this.clock.now());
    for (const { request_id } of requests) await this.suggestions.suggest(event.em, offer.podId, request_id, 'offer-posted', metadata);
  }

  @EventPattern(OfferEditedV1.type)
  async edited(@Payload() event: ReceivedEvent<OfferEditedV1Data>): Promise<void> {
    await this.upsertFacts(event, event.data, event.data.editedAt);
  }

  @EventPattern(OfferPausedV1.type)
  async paused(@Payload() event: ReceivedEvent<OfferPausedV1Data>): Promise<void> {
    await this.setStatus(event, 'paused');
  }

  @EventPattern(OfferResumedV1.type)
  async resumed(@Payload() event: ReceivedEvent<OfferResumedV1Data>): Promise<void> {
    await this.setStatus(event, 'open');
  }

  @EventPattern(OfferClosedV1.type)
  async closed(@Payload() event: ReceivedEvent<OfferClosedV1Data>): Promise<void> {
    await this.setStatus(event, 'closed');
  }

  /** Whether the offer is now open with these facts. */
  private async upsertFacts(event: ReceivedEvent, offer: OfferEditedV1Data | OfferPostedV1Data, at: string): Promise<boolean> {
    if (await isErased(event.em, offer.offererMemberId)) return false;
    const open = offer.remainingQuantity === null || offer.remainingQuantity > 0;
    const rows = await query<{ status: string }>(
      event.em,
      `insert into open_offers (offer_id, pod_id, helper_member_id, category, subcategory, language, location_cell, cell5, status, version_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (offer_id) do update set category = excluded.category, subcategory = excluded.subcategory, language = excluded.language,
         location_cell = excluded.location_cell, cell5 = excluded.cell5, version_at = excluded.version_at,
         status = case when open_offers.status = 'closed' then 'closed' when excluded.status = 'closed' then 'closed' else open_offers.status end
       where open_offers.version_at < excluded.version_at
       returning status`,
      [
        offer.offerId,
        offer.podId,
        offer.offererMemberId,
        offer.category,
        offer.subcategory,
        offer.language,
        offer.locationCell,
        offer.locationCell?.slice(0, SEARCH_CELL_PRECISION) ?? UNKNOWN_CELL,
        open ? 'open' : 'closed',
        at,
      ],
    );
    return rows[0]?.status === 'open';
  }

  private async setStatus(event: ReceivedEvent<{ offerId: string; at: string }>, status: 'open' | 'paused' | 'closed'): Promise<void> {
    // Closed is final; otherwise the newer change wins.
    await query(event.em, `update open_offers set status = ?, version_at = ? where offer_id = ? and status <> 'closed' and (version_at < ? or ? = 'closed')`, [
      status,
      event.data.at,
      event.data.offerId,
      event.data.at,
      status,
    ]);
  }
}
