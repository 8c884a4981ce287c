import { EventPattern, Payload } from '@nestjs/microservices';
import { MemberErasedV1, type MemberErasedV1Data } from '@mutuo/contracts';
import { CommandHandler, PostgresEventStore, destroyPersonalDataKey, query } from '@mutuo/event-store';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { offerDecider, type OfferCommand, type OfferEvent, type OfferState } from '../domain/offer.decider';
import { requestDecider, type RequestCommand, type RequestEvent, type RequestState } from '../domain/request.decider';
import { Clock } from '@mutuo/service-kit';
import { offerStream, requestStream } from '../shared/streams';
import { REQUESTS_ACTOR } from './follow-matches-when-match-made.handler';

/**
 * A member was erased: every request and offer they wrote loses its words and precise point and shows "Former
 * member". Their data key is destroyed (crypto-shredding: the sealed text in the event history opens to the
 * stand-ins from now on), and an erasure event on each stream blanks the read models. Counts and statuses stay.
 */
@EventController()
export class BlankAuthorWhenMemberErased {
  private readonly requests: CommandHandler<RequestState, RequestCommand, RequestEvent>;
  private readonly offers: CommandHandler<OfferState, OfferCommand, OfferEvent>;

  constructor(
    store: PostgresEventStore,
    private readonly clock: Clock,
  ) {
    this.requests = new CommandHandler(store, requestDecider);
    this.offers = new CommandHandler(store, offerDecider);
  }

  @EventPattern(MemberErasedV1.type)
  async erased(@Payload() event: ReceivedEvent<MemberErasedV1Data>): Promise<void> {
    const { memberId, podId } = event.data;
    const metadata = commandMetadataForEvent(event, REQUESTS_ACTOR, this.clock.now());
    // The inbox transaction is scoped to the event's pod, which is the member's pod: the rows are visible here.
    const requests = await query<{ id: string }>(
      event.em,
      'select id from request_details where pod_id = ? and requester_member_id = ? and not author_erased',
      [podId, memberId],
    );
    for (const { id } of requests) {
      await this.requests.handle(event.em, requestStream(podId, id), { type: 'EraseRequestAuthor', data: { memberId }, metadata });
    }
    const offers = await query<{ id: string }>(event.em, 'select id from offers where pod_id = ? and offerer_member_id = ? and not author_erased', [
      podId,
      memberId,
    ]);
    for (const { id } of offers) {
      await this.offers.handle(event.em, offerStream(podId, id), { type: 'EraseOfferAuthor', data: { memberId }, metadata });
    }
    // The words in the event history itself: without the key they open to "Former member" everywhere, for good.
    await destroyPersonalDataKey(event.em, memberId);
  }
}
