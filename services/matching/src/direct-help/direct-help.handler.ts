import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { setTransactionPod } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { actingMember, commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import { MATCHING_OPTIONS, type MatchingOptions } from '../matching.options';
import { decideOnRequest } from '../shared/decide-on-request';
import { SuggestHelpersService } from '../shared/suggest-helpers.service';
import { helperFacts, openOffer, requestWhereabouts } from './direct-response-facts.queries';

export interface OfferHelpInput {
  readonly requestId: string;
  readonly note: string | null;
  readonly availableFrom: string | null;
  readonly availableUntil: string | null;
}

export interface AskForOfferInput {
  readonly offerId: string;
  readonly requestId: string;
  readonly note: string | null;
}

/** What a direct response led to: the request (and its pod), and the request's match (an emergency's is made at once). */
export interface DirectResponseOutcome {
  readonly requestId: string;
  readonly podId: string;
  readonly matchId: string | null;
}

/**
 * "I can help" and "could I have one?": reads the facts the rules need (where the request lives and how far it is
 * seen, the helper's pause, load and blocks), then lets the request's matching decider say yes or no, in one
 * transaction. Confirming, accepting and declining afterwards are the match lifecycle's own mutations.
 */
@Injectable()
export class DirectHelpHandler {
  constructor(
    private readonly em: EntityManager,
    private readonly suggestions: SuggestHelpersService,
    private readonly clock: Clock,
    @Inject(MATCHING_OPTIONS) private readonly options: MatchingOptions,
  ) {}

  offerHelp(ctx: RequestContext, input: OfferHelpInput): Promise<DirectResponseOutcome> {
    const { podId, memberId } = actingMember(ctx);
    const metadata = commandMetadataFrom(ctx, this.clock.now());
    return this.em.fork().transactional(async (tx) => {
      await setTransactionPod(tx, podId);
      const request = await requestWhereabouts(tx, input.requestId, podId);
      if (!request) throw new DomainRuleViolation('REQUEST_NOT_FOUND', 'There is no such open request (yet)', 'requestId');
      const helper = await helperFacts(tx, memberId, input.requestId, this.options.scoring);
      if (!helper) throw new DomainRuleViolation('NOT_A_HELPER', 'Only a member of a pod can offer help', 'requestId');
      await setTransactionPod(tx, request.podId);
      const matchId = await decideOnRequest(this.suggestions, tx, request.podId, input.requestId, {
        type: 'OfferHelp',
        data: { suggestionId: randomUUID(), helperMemberId: memberId, helperPodId: podId, ...input, matchId: randomUUID(), helper, reach: request.reach },
        metadata,
      });
      return { requestId: input.requestId, podId: request.podId, matchId };
    });
  }

  askForOffer(ctx: RequestContext, input: AskForOfferInput): Promise<DirectResponseOutcome> {
    const { podId, memberId } = actingMember(ctx);
    const metadata = commandMetadataFrom(ctx, this.clock.now());
    return this.em.fork().transactional(async (tx) => {
      await setTransactionPod(tx, podId);
      // Offers of the caller's own pod: matching does not know how far another pod's offers are shown.
      const offer = await openOffer(tx, input.offerId);
      if (!offer) throw new DomainRuleViolation('OFFER_NOT_FOUND', 'There is no such open offer in your pod', 'offerId');
      const request = await requestWhereabouts(tx, input.requestId, podId);
      if (!request || request.podId !== podId) throw new DomainRuleViolation('REQUEST_NOT_FOUND', 'There is no such open request of yours (yet)', 'requestId');
      const offerer = await helperFacts(tx, offer.offererMemberId, input.requestId, this.options.scoring);
      if (!offerer) throw new DomainRuleViolation('OFFERER_UNAVAILABLE', 'The offerer is no longer in the pod', 'offerId');
      await setTransactionPod(tx, podId);
      const matchId = await decideOnRequest(this.suggestions, tx, podId, input.requestId, {
        type: 'AskForOffer',
        data: {
          suggestionId: randomUUID(),
          requesterMemberId: memberId,
          offer: { offerId: input.offerId, ...offer },
          note: input.note,
          offerer,
          reach: { visibility: 'pod', sameRegion: true, escalatedToHelperPod: false },
        },
        metadata,
      });
      return { requestId: input.requestId, podId, matchId };
    });
  }
}
