import { Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MatchMadeV1, MatchWithdrawnV1, type MatchMadeV1Data, type MatchWithdrawnV1Data } from '@mutuo/contracts';
import { DomainRuleViolation } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { EventController, commandMetadataForEvent, type ReceivedEvent } from '@mutuo/messaging';
import { Clock, SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { offerDecider, type OfferCommand, type OfferEvent, type OfferState } from '../domain/offer.decider';
import { requestDecider, type RequestCommand, type RequestEvent, type RequestState } from '../domain/request.decider';
import { offerStream, requestStream } from '../shared/streams';

export const REQUESTS_ACTOR = 'system:requests';

/**
 * Matching made a match: the request is matched (and one unit of a named offer is taken); a withdrawn match opens it
 * again. A match for a request that is already closed is a race with its requester: it is logged and left alone,
 * since the request's own decision stands.
 */
@EventController()
export class FollowMatchesWhenMatchMade {
  private readonly requests: CommandHandler<RequestState, RequestCommand, RequestEvent>;
  private readonly offers: CommandHandler<OfferState, OfferCommand, OfferEvent>;

  constructor(
    store: PostgresEventStore,
    private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.requests = new CommandHandler(store, requestDecider);
    this.offers = new CommandHandler(store, offerDecider);
  }

  @EventPattern(MatchMadeV1.type)
  async matched(@Payload() event: ReceivedEvent<MatchMadeV1Data>): Promise<void> {
    const { matchId, requestId, podId, helperMemberId, offerId, helperPodId } = event.data;
    const metadata = commandMetadataForEvent(event, REQUESTS_ACTOR, this.clock.now());
    await this.tolerating(event, () =>
      this.requests.handle(event.em, requestStream(podId, requestId), { type: 'MatchRequest', data: { matchId, helperMemberId }, metadata }),
    );
    if (offerId) {
      await this.tolerating(event, () =>
        this.offers.handle(event.em, offerStream(helperPodId, offerId), {
          type: 'ClaimFromOffer',
          data: { claimId: matchId, quantity: 1 },
          metadata: { ...metadata, podId: helperPodId },
        }),
      );
    }
  }

  @EventPattern(MatchWithdrawnV1.type)
  async withdrawn(@Payload() event: ReceivedEvent<MatchWithdrawnV1Data>): Promise<void> {
    const { matchId, requestId, podId } = event.data;
    await this.tolerating(event, () =>
      this.requests.handle(event.em, requestStream(podId, requestId), {
        type: 'WithdrawMatch',
        data: { matchId },
        metadata: commandMetadataForEvent(event, REQUESTS_ACTOR, this.clock.now()),
      }),
    );
  }

  private async tolerating(event: ReceivedEvent, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof DomainRuleViolation)) throw error;
      this.logger.warn({ eventId: event.id, type: event.type, code: error.code, reason: error.message }, 'Match not applied: the request or offer refused it');
    }
  }
}
