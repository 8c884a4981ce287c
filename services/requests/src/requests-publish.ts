import {
  IncidentClosedV1,
  IncidentDeclaredV1,
  OfferClosedV1,
  OfferEditedV1,
  OfferPausedV1,
  OfferPostedV1,
  OfferResumedV1,
  RequestCancelledV1,
  RequestEditedV1,
  RequestExpiredV1,
  RequestFulfilledV1,
  RequestFulfilmentReversedV1,
  RequestMatchedV1,
  RequestPostedV1,
  RequestReopenedV1,
  RequestStartedV1,
} from '@mutuo/contracts';
import type { PendingEvent } from '@mutuo/event-store';
import type { IntegrationEventMapping } from '@mutuo/messaging';
import type { HelpFacts } from './domain/help-facts';
import type { IncidentEvent } from './domain/incident.decider';
import type { OfferEvent } from './domain/offer.decider';
import type { RequestEvent } from './domain/request.events';

/** What leaves with a request or offer: never the description or a precise point. */
function matchable(facts: HelpFacts) {
  return {
    category: facts.category,
    subcategory: facts.subcategory,
    language: facts.language,
    window: facts.window,
    locationCell: facts.location.cell,
    visibility: facts.visibility,
    quantity: facts.quantity,
  };
}

/** Which internal events leave the service, as which contract (each event carries all its contract needs). */
export function publishRequestsEvent(event: PendingEvent): IntegrationEventMapping | null {
  const known = event as unknown as RequestEvent | OfferEvent | IncidentEvent;
  const podId = event.podId!;
  switch (known.type) {
    case 'RequestPosted': {
      const d = known.data;
      return {
        contract: RequestPostedV1,
        data: {
          requestId: d.requestId,
          podId: d.podId,
          requesterMemberId: d.requesterMemberId,
          title: d.title,
          urgency: d.urgency,
          postedAt: d.postedAt,
          ...matchable(d),
          respondBy: d.respondBy,
          regionId: d.regionId,
          anonymous: d.anonymous,
          postedByMemberId: d.postedByMemberId === d.requesterMemberId ? null : d.postedByMemberId,
          incidentId: d.incidentId,
        },
      };
    }
    case 'RequestEdited': {
      const d = known.data;
      return { contract: RequestEditedV1, data: { requestId: d.requestId, podId, title: d.title, urgency: d.urgency, ...matchable(d), respondBy: d.respondBy, editedAt: d.editedAt } };
    }
    case 'RequestMatched': {
      const d = known.data;
      return { contract: RequestMatchedV1, data: { requestId: d.requestId, podId, matchId: d.matchId, helperMemberIds: [d.helperMemberId], matchedAt: d.matchedAt, firstMatchedAt: d.firstMatchedAt } };
    }
    case 'RequestFulfilled': {
      const d = known.data;
      return {
        contract: RequestFulfilledV1,
        data: {
          requestId: d.requestId,
          podId,
          fulfilmentId: d.fulfilmentId,
          requesterMemberId: d.requesterMemberId,
          helperMemberIds: d.helperMemberIds,
          contributions: d.contributions,
          hoursGivenMinutes: d.contributions.reduce((sum, contribution) => sum + contribution.minutes, 0),
          confirmedBy: d.confirmedBy,
          confirmedByMemberId: d.confirmedByMemberId,
          category: d.category,
          postedAt: d.postedAt,
          firstMatchedAt: d.firstMatchedAt,
          fulfilledAt: d.fulfilledAt,
        },
      };
    }
    case 'RequestFulfilmentReversed': {
      const d = known.data;
      return { contract: RequestFulfilmentReversedV1, data: { requestId: d.requestId, podId, fulfilmentId: d.fulfilmentId, reversedByMemberId: d.reversedByMemberId, reason: d.reason, reversedAt: d.reversedAt } };
    }
    case 'RequestReopened':
      return { contract: RequestReopenedV1, data: { requestId: known.data.requestId, podId, matchId: known.data.matchId, reopenedAt: known.data.reopenedAt } };
    case 'RequestStarted':
      return { contract: RequestStartedV1, data: { requestId: known.data.requestId, podId, startedAt: known.data.startedAt } };
    case 'RequestCancelled':
      return {
        contract: RequestCancelledV1,
        data: { requestId: known.data.requestId, podId, cancelledByMemberId: known.data.cancelledByMemberId, by: known.data.by, cancelledAt: known.data.cancelledAt },
      };
    case 'RequestExpired':
      return { contract: RequestExpiredV1, data: { requestId: known.data.requestId, podId, expiredAt: known.data.expiredAt } };
    case 'OfferPosted': {
      const d = known.data;
      return {
        contract: OfferPostedV1,
        data: { offerId: d.offerId, podId, offererMemberId: d.offererMemberId, title: d.title, ...matchable(d), remainingQuantity: d.remainingQuantity, regionId: d.regionId, postedAt: d.postedAt },
      };
    }
    case 'OfferEdited': {
      const d = known.data;
      return {
        contract: OfferEditedV1,
        data: { offerId: d.offerId, podId, offererMemberId: d.offererMemberId, title: d.title, ...matchable(d), remainingQuantity: d.remainingQuantity, editedAt: d.editedAt },
      };
    }
    case 'OfferPaused':
      return { contract: OfferPausedV1, data: { offerId: known.data.offerId, podId, remainingQuantity: known.data.remainingQuantity, at: known.data.pausedAt } };
    case 'OfferResumed':
      return { contract: OfferResumedV1, data: { offerId: known.data.offerId, podId, remainingQuantity: known.data.remainingQuantity, at: known.data.resumedAt } };
    case 'OfferClosed':
      return {
        contract: OfferClosedV1,
        data: { offerId: known.data.offerId, podId, remainingQuantity: known.data.remainingQuantity, at: known.data.closedAt, reason: known.data.reason },
      };
    case 'IncidentDeclared': {
      const d = known.data;
      return {
        contract: IncidentDeclaredV1,
        data: { incidentId: d.incidentId, podId, regionId: d.regionId, name: d.name, type: d.type, area: d.area, startedAt: d.startedAt, declaredByMemberId: d.declaredByMemberId, declaredAt: d.declaredAt },
      };
    }
    case 'IncidentClosed': {
      const d = known.data;
      return { contract: IncidentClosedV1, data: { incidentId: d.incidentId, podId, closedByMemberId: d.closedByMemberId, closedAt: d.closedAt, summary: d.summary } };
    }
    default:
      return null;
  }
}
